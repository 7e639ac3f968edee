// Issue 18: an author's edit that pre-moderation holds. The server hides the reply from readers (ReplyRemoved)
// and answers its author `status: "pending"`; the author keeps it in place, awaiting review.
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { LiveCommunity, type Reply, type TopicEvent } from "../../sdk/src/index";
import { FakeServer, json, reply } from "../support/fakeServer";

const clients: LiveCommunity[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
});

function connect(server: FakeServer) {
  const client = new LiveCommunity({
    baseUrl: "http://fake", fetch: server.fetch, connectionFactory: () => server.hub, gapWaitMs: 30,
    retryPolicy: () => 5, networkEvents: new EventTarget(),
  });
  clients.push(client);
  return client;
}

/** Three published replies; PATCH of "b" is held: the answer is the edited reply with status "pending". */
function server(): { server: FakeServer; hide: () => TopicEvent } {
  const fake = new FakeServer();
  for (const id of ["a", "b", "c"]) fake.post(reply(id));
  const published = { ...fake.replies[1]! }; // the server's answer keeps the reply's seq (its place)
  let hidden: TopicEvent | undefined;
  const hide = () => (hidden ??= fake.remove("b"));
  fake.routes.push((method, url, body) => {
    if (method !== "PATCH" || url.pathname !== "/api/replies/b") return undefined;
    return json({ ...published, body: (body as { body: string }).body, editedAt: new Date().toISOString(), status: "pending" } satisfies Reply);
  });
  return { server: fake, hide };
}

const view = (replies: readonly Reply[]) => replies.map((r) => `${r.id}${r.status === "pending" ? " (awaiting review)" : ""}`);

test("the author keeps their reply in place, awaiting review, when the answer comes before the hide", async () => {
  const { server: fake, hide } = server();
  const thread = await connect(fake).watch("t1");
  const held: string[] = [];
  const removed: string[] = [];
  thread.on("replyHeld", ({ reply }) => held.push(reply.body));
  thread.on("replyRemoved", ({ replyId }) => removed.push(replyId));

  await thread.editReply("b", "buy my miracle cure");
  fake.hub.deliver(hide());
  assert.deepEqual(view(thread.replies), ["a", "b (awaiting review)", "c"]);
  assert.equal(thread.replies[1]!.body, "buy my miracle cure");
  assert.deepEqual(held, ["buy my miracle cure"]);
  assert.deepEqual(removed, [], "the hide is for other readers");
  assert.equal(thread.topic.replyCount, 2, "readers see two");
});

test("the author keeps it too when the hide comes before the answer", async () => {
  const { server: fake, hide } = server();
  const thread = await connect(fake).watch("t1");
  fake.hub.deliver(hide());
  assert.deepEqual(view(thread.replies), ["a", "c"]);
  await thread.editReply("b", "buy my miracle cure");
  assert.deepEqual(view(thread.replies), ["a", "b (awaiting review)", "c"], "back in its old place");
  assert.equal(thread.topic.replyCount, 2);
});

test("another reader sees it removed", async () => {
  const { server: fake, hide } = server();
  const reader = await connect(fake).watch("t1");
  fake.hub.deliver(hide());
  assert.deepEqual(view(reader.replies), ["a", "c"]);
});

test("approval brings it back as published; a rejection afterwards removes it for its author too", async () => {
  const { server: fake, hide } = server();
  const thread = await connect(fake).watch("t1");
  await thread.editReply("b", "buy my miracle cure");
  fake.hub.deliver(hide());
  const approved = { ...reply("b", "buy my miracle cure"), seq: 2 };
  fake.hub.deliver(fake.record({ type: "ReplyRestored", topicId: "t1", seq: 0, reply: approved }));
  assert.deepEqual(view(thread.replies), ["a", "b", "c"]);
  assert.equal(thread.topic.replyCount, 3);

  // Edited and held again, then rejected: the rejection's removal is the author's too.
  await thread.editReply("b", "miracle cure, again");
  fake.hub.deliver(fake.record({ type: "ReplyRemoved", topicId: "t1", seq: 0, replyId: "b" }));
  assert.deepEqual(view(thread.replies), ["a", "b (awaiting review)", "c"]);
  fake.hub.deliver(fake.record({ type: "ReplyRemoved", topicId: "t1", seq: 0, replyId: "b" }));
  assert.deepEqual(view(thread.replies), ["a", "c"]);
});

test("editing a reply that is still held changes its text and nothing else", async () => {
  const fake = new FakeServer();
  fake.hub.methods.set("PostReply", () => ({ ...reply("h", "first text"), status: "pending" }));
  fake.routes.push((method, url) => (method === "PATCH" && url.pathname === "/api/replies/h"
    ? json({ ...reply("h", "second text"), status: "pending" }) : undefined));
  const thread = await connect(fake).watch("t1");
  await thread.postReply("first text");
  await thread.editReply("h", "second text");
  assert.deepEqual(view(thread.replies), ["h (awaiting review)"]);
  // Rejected: its removal takes it away (it is not mistaken for the hide of a published reply).
  fake.hub.deliver(fake.record({ type: "ReplyRemoved", topicId: "t1", seq: 0, replyId: "h" }));
  assert.deepEqual(view(thread.replies), []);
});
