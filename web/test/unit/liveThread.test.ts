import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { LiveCommunity, type LiveCommunityOptions, ThreadState } from "../../sdk/src/index";
import { FakeServer, reply } from "../support/fakeServer";
import { fakeTimers } from "../support/clock";

const clients: LiveCommunity[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
});

function connect(server: FakeServer, options: Partial<LiveCommunityOptions> = {}) {
  const client = new LiveCommunity({
    baseUrl: "http://fake", fetch: server.fetch, connectionFactory: () => server.hub, gapWaitMs: 30,
    retryPolicy: () => 5, networkEvents: new EventTarget(), ...options,
  });
  clients.push(client);
  return client;
}

const ids = (replies: readonly { id: string }[]) => replies.map((r) => r.id);

test("watch loads over REST, then watches from the replies' lastSeq", async () => {
  const server = new FakeServer();
  server.post(reply("a"));
  server.post(reply("b", "b", 1));
  const thread = await connect(server).watch("t1");
  assert.deepEqual(ids(thread.replies), ["a", "b"], "oldest first");
  assert.equal(thread.state, ThreadState.Live);
  assert.equal(thread.watchers, 2);
  assert.deepEqual(server.hub.watchCalls(), [["t1", 2]]);
  assert.equal(thread.topic.replyCount, 2);
});

test("events that arrive out of order are applied in seq order, each once", async () => {
  const server = new FakeServer();
  const thread = await connect(server).watch("t1");
  const seen: number[] = [];
  thread.on("replyPosted", ({ seq }) => seen.push(seq));
  const [e1, e2, e3] = [server.post(reply("a")), server.post(reply("b", "b", 1)), server.post(reply("c", "c", 2))];
  for (const e of [e3!, e1!, e3!, e2!, e1!]) server.hub.deliver(e);
  assert.deepEqual(seen, [1, 2, 3]);
  assert.deepEqual(ids(thread.replies), ["a", "b", "c"]);
  assert.equal(thread.topic.replyCount, 3);
  assert.equal(thread.lastSeq, 3);
});

test("live replies take their place by seq, whatever their clocks say", async () => {
  const server = new FakeServer();
  server.post(reply("a", "a", 5));
  const thread = await connect(server).watch("t1");
  // Written on instances whose clocks disagree: b's createdAt is earlier than a's, c's earlier still.
  const [eb, ec] = [server.post(reply("b", "b", 1)), server.post(reply("c", "c", 0))];
  for (const e of [ec!, eb!]) server.hub.deliver(e);
  assert.deepEqual(ids(thread.replies), ["a", "b", "c"], "the order of a reload: by seq");
  server.hub.deliver(server.remove("b"));
  server.hub.deliver(server.record({ type: "ReplyRestored", topicId: "t1", seq: 0, reply: { ...reply("b", "b", 1), seq: 2 } }));
  assert.deepEqual(ids(thread.replies), ["a", "b", "c"], "a restored reply goes back to its place");
});

test("a gap that stays open is filled by Watch(topicId, lastApplied)", async (t) => {
  const advance = fakeTimers(t);
  const server = new FakeServer();
  const thread = await connect(server).watch("t1");
  server.hub.deliver(server.post(reply("a")));
  server.post(reply("b", "b", 1)); // lost on the way
  server.hub.deliver(server.post(reply("c", "c", 2)));
  assert.deepEqual(ids(thread.replies), ["a"], "c is held while b is missing");
  await advance(80);
  assert.deepEqual(server.hub.watchCalls().at(-1), ["t1", 1]);
  assert.deepEqual(ids(thread.replies), ["a", "b", "c"]);
  assert.equal(thread.lastSeq, 3);
});

test("a reply already listed over REST is not added again by its event", async () => {
  const server = new FakeServer();
  const early = server.post(reply("a"));
  // The REST page was read after a's event, but lastSeq before it: Watch replays a's event.
  server.topic.lastSeq = 0;
  server.log = [];
  const thread = await connect(server).watch("t1");
  const posted: string[] = [];
  thread.on("replyPosted", ({ reply: r }) => posted.push(r.id));
  server.hub.deliver(early);
  assert.deepEqual(ids(thread.replies), ["a"]);
  assert.deepEqual(posted, []);
});

test("removal and restore keep the list and the count right", async () => {
  const server = new FakeServer();
  server.post(reply("a"));
  server.post(reply("b", "b", 1));
  const thread = await connect(server).watch("t1");
  const removed = server.remove("a");
  server.hub.deliver(removed);
  server.hub.deliver(removed);
  assert.deepEqual(ids(thread.replies), ["b"]);
  assert.equal(thread.topic.replyCount, 1);
  server.hub.deliver({ type: "ReplyRestored", topicId: "t1", seq: 4, reply: { ...reply("a"), seq: 1 } });
  assert.deepEqual(ids(thread.replies), ["a", "b"]);
  assert.equal(thread.topic.replyCount, 2);
});

test("reset: true reloads the thread and emits reset", async (t) => {
  const advance = fakeTimers(t);
  const server = new FakeServer();
  const thread = await connect(server).watch("t1");
  let resets = 0;
  thread.on("reset", () => resets++);
  server.post(reply("a"));
  server.post(reply("b", "b", 1));
  server.resetNextWatch = true;
  server.hub.cut();
  await advance(50);
  assert.equal(resets, 1);
  assert.deepEqual(ids(thread.replies), ["a", "b"]);
  assert.equal(thread.lastSeq, 2);
  assert.equal(thread.state, ThreadState.Live);
});

test("after a reconnect each watched topic resumes from its last applied seq", async (t) => {
  const advance = fakeTimers(t);
  const server = new FakeServer();
  const states: ThreadState[] = [];
  const thread = await connect(server).watch("t1");
  thread.on("state", ({ state }) => states.push(state));
  server.hub.deliver(server.post(reply("a")));
  server.hub.failStarts = 2;
  server.hub.cut();
  server.post(reply("b", "b", 1)); // posted while cut off
  server.post(reply("c", "c", 2));
  await advance(80);
  assert.deepEqual(states, [ThreadState.Reconnecting, ThreadState.Live]);
  assert.equal(server.hub.starts, 4, "first start, two failures, one success");
  assert.deepEqual(server.hub.watchCalls().at(-1), ["t1", 1]);
  assert.deepEqual(ids(thread.replies), ["a", "b", "c"]);
});

test("a lost connection waits the policy's first delay before its first attempt (a dead instance's readers spread out)", async (t) => {
  const advance = fakeTimers(t);
  const server = new FakeServer();
  const asked: number[] = [];
  const thread = await connect(server, { retryPolicy: ({ previousRetryCount }) => (asked.push(previousRetryCount), 40) }).watch("t1");
  assert.equal(server.hub.starts, 1);
  server.hub.cut();
  await advance(15);
  assert.equal(thread.state, ThreadState.Reconnecting);
  assert.equal(server.hub.starts, 1, "no attempt before the first delay");
  assert.deepEqual(asked, [0]);
  await advance(60);
  assert.equal(server.hub.starts, 2);
  assert.equal(thread.state, ThreadState.Live);
});

test("goes offline when the retry policy gives up, and back when the browser is online", async (t) => {
  const advance = fakeTimers(t);
  const server = new FakeServer();
  const network = new EventTarget();
  const client = connect(server, { retryPolicy: ({ previousRetryCount }) => (previousRetryCount < 1 ? 5 : null), networkEvents: network });
  const thread = await client.watch("t1");
  server.hub.failStarts = 100;
  server.hub.cut();
  await advance(50);
  assert.equal(thread.state, ThreadState.Offline);
  server.hub.failStarts = 0;
  server.post(reply("a"));
  network.dispatchEvent(new Event("online"));
  await advance(30);
  assert.equal(thread.state, ThreadState.Live);
  assert.deepEqual(ids(thread.replies), ["a"]);
});

test("an 'offline' event drops the connection at once; 'online' skips the wait", async (t) => {
  const advance = fakeTimers(t);
  const server = new FakeServer();
  const network = new EventTarget();
  const thread = await connect(server, { retryPolicy: () => 60_000, networkEvents: network }).watch("t1");
  network.dispatchEvent(new Event("offline"));
  await advance(20);
  assert.equal(thread.state, ThreadState.Reconnecting);
  network.dispatchEvent(new Event("online"));
  await advance(20);
  assert.equal(thread.state, ThreadState.Live);
});

test("one hub connection serves every watched topic", async (t) => {
  const advance = fakeTimers(t);
  const server = new FakeServer();
  const client = connect(server);
  const first = await client.watch("t1");
  const again = await client.watch("t1");
  assert.equal(first, again);
  assert.equal(server.hub.starts, 1);
  first.close();
  assert.equal(first.state, ThreadState.Offline);
  await advance(5);
  assert.deepEqual(server.hub.invocations.at(-1), { method: "Unwatch", args: ["t1"] });
});

test("hub errors reach the caller with the server's message", async () => {
  const server = new FakeServer();
  const thread = await connect(server).watch("t1");
  await assert.rejects(thread.postReply("hi"), { name: "LiveCommunityError", message: "sign in to post" });
});

test("a Watch refused as rate limited is tried again when the server said", async (t) => {
  const advance = fakeTimers(t);
  const server = new FakeServer();
  server.hub.refuseWatches = 1;
  const thread = await connect(server).watch("t1");
  assert.notEqual(thread.state, ThreadState.Live, "the refused Watch left it waiting");
  server.post(reply("a"));
  await advance(1_300); // "retry in 1 s"
  assert.equal(thread.state, ThreadState.Live);
  assert.deepEqual(ids(thread.replies), ["a"]);
  assert.equal(server.hub.watchCalls().length, 2);
});

test("a TopicSeq ahead of the thread makes it watch again from its last applied seq; one not ahead does nothing", async () => {
  const server = new FakeServer();
  server.post(reply("a"));
  server.post(reply("b", "b", 1));
  const thread = await connect(server).watch("t1");
  // Removed while this client's instance heard nothing (a backplane outage), and nothing else happens in the topic.
  server.remove("a");

  server.hub.send("TopicSeq", { topicId: "t1", lastSeq: 2 });
  server.hub.send("TopicSeq", { topicId: "other", lastSeq: 9 });
  assert.deepEqual(server.hub.watchCalls(), [["t1", 2]], "not behind: no Watch");

  server.hub.send("TopicSeq", { topicId: "t1", lastSeq: 3 });
  await new Promise((resolve) => setImmediate(resolve)); // the Watch it started answers (the fake hub answers at once)
  assert.deepEqual(server.hub.watchCalls(), [["t1", 2], ["t1", 2]]);
  assert.deepEqual(ids(thread.replies), ["b"], "the removed text is gone");
  assert.equal(thread.lastSeq, 3);
});

// The thread's "Featured" strip: loaded with the thread, moved by ReplyFeatured in seq order, emptied by removals.
test("featured replies load with the thread and follow ReplyFeatured, each event once, in seq order", async () => {
  const server = new FakeServer();
  for (const id of ["a", "b", "c"]) server.post(reply(id));
  server.feature("c", true);
  const thread = await connect(server).watch("t1");
  assert.deepEqual(ids(thread.featured), ["c"]);

  const seen: boolean[] = [];
  thread.on("replyFeatured", ({ featured }) => seen.push(featured));
  const lift = server.feature("a", true);
  const lower = server.feature("c", false);
  for (const e of [lower, lift, lower]) server.hub.deliver(e); // out of order and repeated
  assert.deepEqual(seen, [true, false]);
  assert.deepEqual(ids(thread.featured), ["a"]);
  assert.equal(thread.replies.find((r) => r.id === "a")?.featured, true);
  assert.equal(thread.replies.find((r) => r.id === "c")?.featured, false);

  server.hub.deliver(server.remove("a"));
  assert.deepEqual(ids(thread.featured), [], "a removed reply leaves the strip");
});

test("a reply featured on a page not loaded is fetched for the strip", async (t) => {
  const advance = fakeTimers(t);
  const server = new FakeServer();
  server.post(reply("old"));
  const thread = await connect(server).watch("t1");
  // As if "old" were on an older page: the thread no longer holds it.
  server.replies.find((r) => r.id === "old")!.body = "old, on another page";
  (thread as unknown as { content: { replies: unknown[] } }).content.replies = [];
  server.hub.deliver(server.feature("old", true));
  await advance(20);
  assert.deepEqual(ids(thread.featured), ["old"]);
  assert.equal(thread.featured[0]?.body, "old, on another page");
});
