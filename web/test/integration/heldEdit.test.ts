// Issue 18 against a real server: an author's edit that pre-moderation holds (a suspect word) stays in its
// author's thread, awaiting review, and leaves other readers' threads.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { LiveCommunity } from "../../sdk/src/index";
import { Api, eventually, startServer, type TestServer } from "../support/server";

let server: TestServer;
let api: Api;
const clients: LiveCommunity[] = [];

before(async () => {
  server = await startServer({ Moderation__SuspectWords__0: "miracle" });
  api = new Api(server.url);
});

after(async () => {
  for (const client of clients) await client.close();
  await server?.stop();
});

async function thread(name: string, topicId: string) {
  const { token } = await api.token(name);
  const lc = new LiveCommunity({ baseUrl: server.url, accessToken: () => token });
  clients.push(lc);
  return lc.watch(topicId);
}

test("the author's held edit stays in their thread awaiting review; other readers see it removed", async () => {
  const moderator = (await api.token("Mo", "moderator")).token;
  const topic = await api.createTopic(moderator, "Held edits");
  const ann = await thread("Ann", topic.id);
  const ben = await thread("Ben", topic.id);
  await ann.postReply("before");
  const mine = await ann.postReply("harmless at first");
  await ann.postReply("after");
  await eventually(() => ben.replies.length === 3 && ann.replies.length === 3, "both see three replies");

  const edited = await ann.editReply(mine.id, "buy my miracle cure");
  assert.equal(edited.status, "pending");
  await eventually(() => ben.replies.length === 2, "Ben no longer sees it", 10_000);
  await eventually(() => ann.topic.replyCount === 2, "Ann's thread has the hide too", 10_000);
  assert.deepEqual(ann.replies.map((r) => `${r.body}${r.status === "pending" ? " (awaiting review)" : ""}`),
    ["before", "buy my miracle cure (awaiting review)", "after"]);
  assert.deepEqual(ben.replies.map((r) => r.body), ["before", "after"]);
});
