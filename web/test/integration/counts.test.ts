// LiveCommunity.counts in Node against a real server process: REST counts, then WatchStats keeping them live.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { counts, type CountsHandle } from "../../sdk/src/index";
import { FakeRoot } from "../support/fakeCountDom";
import { Api, eventually, startServer, type TestServer } from "../support/server";

let server: TestServer;
let api: Api;
let moderator: string;
const handles: CountsHandle[] = [];

before(async () => {
  server = await startServer();
  api = new Api(server.url);
  moderator = (await api.token("Mo", "moderator")).token;
});

after(async () => {
  for (const handle of handles) await handle.stop();
  await server?.stop();
});

test("teaser counts come from the server and follow replies posted afterwards", async () => {
  const first = await api.putArticle(moderator, "news/2026/first", "First story");
  await api.putArticle(moderator, "news/2026/second", "Second story");
  const { token } = await api.token("Ann");
  await api.postReply(token, first.id, "early");

  const root = new FakeRoot();
  const [a, b, c] = root.add("news/2026/first", "news/2026/second", "news/2026/no-topic");
  const handle = await counts({ server: server.url, root: root as unknown as ParentNode });
  handles.push(handle);
  assert.deepEqual([a, b, c].map((e) => e.textContent), ["1 reply", "0 replies", "0 replies"]);

  await api.postReply(token, first.id, "second");
  await eventually(() => a.textContent === "2 replies", "the first teaser counts the new reply", 15_000);

  // A teaser added later, for an article that gets its topic only now.
  const third = await api.putArticle(moderator, "news/2026/third", "Third story");
  const [late] = root.add("news/2026/third");
  await handle.refresh();
  assert.equal(late.textContent, "0 replies");
  await api.postReply(token, third.id, "first on the third");
  await eventually(() => late.textContent === "1 reply", "the late teaser is live too", 15_000);
});
