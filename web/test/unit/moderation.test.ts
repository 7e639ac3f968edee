// Reports, the moderation queue, held replies and erasure in the SDK, against the fake server.
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { LiveCommunity, type LiveCommunityOptions, type QueueChangedEvent, type QueueItem, type Reply, ThreadState } from "../../sdk/src/index";
import { FakeServer, json, reply } from "../support/fakeServer";
import { fakeTimers } from "../support/clock";

const clients: LiveCommunity[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
});

function connect(server: FakeServer, options: Partial<LiveCommunityOptions> = {}) {
  const client = new LiveCommunity({
    baseUrl: "http://fake", fetch: server.fetch, connectionFactory: () => server.hub, gapWaitMs: 30,
    retryPolicy: () => 5, networkEvents: new EventTarget(), accessToken: () => "token", ...options,
  });
  clients.push(client);
  return client;
}

const ids = (replies: readonly { id: string }[]) => replies.map((r) => r.id);
const lastRequest = (server: FakeServer) => server.requests.at(-1)!;

/** A moderation server: the queue's REST routes answer from `items`, the hub's WatchQueue with `counts`. */
function moderationServer() {
  const server = new FakeServer();
  const state = { counts: { reported: 1, pending: 0 }, items: [] as QueueItem[] };
  server.routes.push((method, url) => {
    if (method === "GET" && url.pathname === "/api/moderation/queue") return json({ items: state.items, nextCursor: null, counts: state.counts });
    if (method === "POST" && /^\/api\/replies\/[^/]+\/reports$/.test(url.pathname)) return json({ reported: true });
    if (method === "POST" && url.pathname.endsWith("/approve")) return json({ ...reply("r1"), seq: 7 });
    if (/premoderation$/.test(url.pathname)) return json({ ...server.topic, premoderated: method === "PUT" });
    if (method === "DELETE" || url.pathname.endsWith("/reject")) return new Response(null, { status: 204 });
    return undefined;
  });
  server.hub.methods.set("WatchQueue", () => ({ counts: state.counts }));
  server.hub.methods.set("UnwatchQueue", () => undefined);
  return { server, state };
}

test("report, approve, reject, premoderation and erasure call their routes", async () => {
  const { server } = moderationServer();
  const lc = connect(server);

  assert.deepEqual(await lc.report("r 1", "off-topic", "not about trams"), { reported: true });
  assert.deepEqual(lastRequest(server), { method: "POST", path: "/api/replies/r%201/reports", body: { reason: "off-topic", note: "not about trams" } });
  await lc.report("r1", "spam");
  assert.deepEqual(lastRequest(server).body, { reason: "spam" }, "no note, no note field");

  const approved: Reply = await lc.approve("r1");
  assert.equal(approved.seq, 7);
  assert.deepEqual(lastRequest(server), { method: "POST", path: "/api/moderation/queue/r1/approve", body: undefined });
  await lc.approve("r1", 0);
  assert.deepEqual(lastRequest(server).body, { version: 0 }, "the version shown, even 0, is sent");
  await lc.reject("r1", "insults");
  assert.deepEqual(lastRequest(server), { method: "POST", path: "/api/moderation/queue/r1/reject", body: { reason: "insults" } });

  assert.equal((await lc.setPremoderated("t1", true)).premoderated, true);
  assert.equal(lastRequest(server).method, "PUT");
  assert.equal((await lc.setPremoderated("t1", false)).premoderated, false);
  assert.deepEqual([lastRequest(server).method, lastRequest(server).path], ["DELETE", "/api/topics/t1/premoderation"]);

  await lc.eraseReply("r1", "court order");
  assert.deepEqual([lastRequest(server).method, lastRequest(server).path], ["DELETE", "/api/replies/r1?erase=true&reason=court+order"]);
  await lc.eraseUserContent("u 1", "data request");
  assert.deepEqual([lastRequest(server).method, lastRequest(server).path], ["DELETE", "/api/users/u%201/content?reason=data+request"]);
});

test("moderationQueue asks for a queue, a topic and a page", async () => {
  const { server, state } = moderationServer();
  state.items = [{ reply: reply("r1"), topic: { id: "t1", title: "A topic" }, state: "reported", hidden: false, reports: { spam: 2 }, reportCount: 2, since: "2030-01-01T12:00:00Z" }];
  const lc = connect(server);
  const page = await lc.moderationQueue({ state: "reported", topicId: "t1", limit: 10, cursor: "c2" });
  assert.equal(lastRequest(server).path, "/api/moderation/queue?state=reported&topicId=t1&limit=10&cursor=c2");
  assert.deepEqual(page.counts, { reported: 1, pending: 0 });
  assert.equal(page.items[0]!.reports.spam, 2);
  await lc.moderationQueue();
  assert.equal(lastRequest(server).path, "/api/moderation/queue?state=all");
});

test("a refused report rejects with the server's problem details", async () => {
  const server = new FakeServer();
  server.routes.push(() => json({ title: "Conflict", status: 409, detail: "you cannot report your own reply" }, 409));
  await assert.rejects(connect(server).report("r1", "spam"), { name: "LiveCommunityError", status: 409, message: "you cannot report your own reply" });
});

test("watchQueue: counts, live changes, one watch per client, UnwatchQueue on close", async (t) => {
  const advance = fakeTimers(t);
  const { server } = moderationServer();
  const lc = connect(server);
  const queue = await lc.watchQueue();
  assert.equal(await lc.watchQueue(), queue);
  assert.equal(server.hub.invocations.filter((i) => i.method === "WatchQueue").length, 1);
  assert.equal(queue.state, ThreadState.Live);
  assert.deepEqual(queue.counts, { reported: 1, pending: 0 });

  const changes: QueueChangedEvent[] = [];
  const counts: number[] = [];
  queue.on("changed", (event) => changes.push(event));
  queue.on("counts", ({ counts: c }) => counts.push(c.pending));
  const event: QueueChangedEvent = { replyId: "r2", topicId: "t1", state: "pending", counts: { reported: 1, pending: 1 } };
  server.hub.send("QueueChanged", event);
  assert.deepEqual(changes, [event]);
  assert.deepEqual(queue.counts, { reported: 1, pending: 1 });
  server.hub.send("QueueChanged", { ...event, state: "approved" });
  assert.deepEqual(counts, [1], "unchanged counts emit no counts event");

  queue.close();
  await advance(5);
  assert.deepEqual(server.hub.invocations.at(-1), { method: "UnwatchQueue", args: [] });
  server.hub.send("QueueChanged", event);
  assert.equal(changes.length, 2, "nothing after close");
  assert.notEqual(await lc.watchQueue(), queue, "a new watch after close");
});

test("after a reconnect the queue is watched again and says to reload (resync)", async (t) => {
  const advance = fakeTimers(t);
  const { server, state } = moderationServer();
  const lc = connect(server);
  const queue = await lc.watchQueue();
  const states: ThreadState[] = [];
  queue.on("state", ({ state: s }) => states.push(s));
  const resyncs: number[] = [];
  queue.on("resync", ({ counts }) => resyncs.push(counts.reported));
  server.hub.cut();
  assert.equal(queue.state, ThreadState.Reconnecting);
  state.counts = { reported: 4, pending: 2 }; // decided and reported while cut off: no events for those
  await advance(40);
  assert.equal(queue.state, ThreadState.Live);
  assert.deepEqual(resyncs, [4]);
  assert.deepEqual(queue.counts, { reported: 4, pending: 2 });
  assert.equal(server.hub.invocations.filter((i) => i.method === "WatchQueue").length, 2);
  assert.deepEqual(states, [ThreadState.Reconnecting, ThreadState.Live]);
});

test("a WatchQueue refused as busy after a reconnect is tried again when the server said", async (t) => {
  const advance = fakeTimers(t);
  const { server, state } = moderationServer();
  const queue = await connect(server).watchQueue();
  const resyncs: number[] = [];
  queue.on("resync", ({ counts }) => resyncs.push(counts.pending));
  let refusals = 1;
  server.hub.methods.set("WatchQueue", () => {
    if (refusals-- > 0) throw new Error("An unexpected error occurred invoking 'WatchQueue' on the server. HubException: busy, retry in 1 s");
    return { counts: state.counts };
  });
  state.counts = { reported: 1, pending: 5 };
  server.hub.cut();
  await advance(200);
  assert.deepEqual(resyncs, [], "refused: nothing to resync yet");
  await advance(1_200);
  assert.equal(queue.state, ThreadState.Live);
  assert.deepEqual(resyncs, [5]);
  assert.equal(server.hub.invocations.filter((i) => i.method === "WatchQueue").length, 3);
});

test("watchQueue rejects when the hub refuses (members), and can be asked again", async () => {
  const { server } = moderationServer();
  server.hub.methods.set("WatchQueue", () => {
    throw new Error("An unexpected error occurred invoking 'WatchQueue' on the server. HubException: moderators only");
  });
  const lc = connect(server);
  await assert.rejects(lc.watchQueue(), { name: "LiveCommunityError", message: "moderators only" });
  server.hub.methods.set("WatchQueue", () => ({ counts: { reported: 0, pending: 3 } }));
  assert.deepEqual((await lc.watchQueue()).counts, { reported: 0, pending: 3 });
});

test("a queue watch started while the hub is unreachable has REST counts and resyncs once connected", async (t) => {
  const advance = fakeTimers(t);
  const { server, state } = moderationServer();
  server.hub.failStarts = 2;
  const lc = connect(server, { retryPolicy: () => 20 });
  const queue = await lc.watchQueue();
  assert.equal(queue.state, ThreadState.Reconnecting);
  assert.deepEqual(queue.counts, { reported: 1, pending: 0 });
  assert.equal(lastRequest(server).path, "/api/moderation/queue?state=all&limit=1");
  let resynced = false;
  queue.on("resync", () => (resynced = true));
  state.counts = { reported: 2, pending: 0 };
  await advance(80);
  assert.equal(queue.state, ThreadState.Live);
  assert.ok(resynced);
  assert.deepEqual(queue.counts, { reported: 2, pending: 0 });
});

/** The hub holds the next PostReply: it answers the reply with status "pending" (the author's 202). */
function holdPosts(server: FakeServer) {
  server.hub.methods.set("PostReply", (_topicId, body) => ({ ...reply("held", String(body), 9), author: { id: "me", name: "Me" }, seq: null, status: "pending" }));
}

test("the author's held reply stays in the author's list, marked pending, until it is published", async (t) => {
  const advance = fakeTimers(t);
  const server = new FakeServer();
  server.post(reply("a"));
  holdPosts(server);
  const thread = await connect(server).watch("t1");
  const held: string[] = [];
  const posted: string[] = [];
  thread.on("replyHeld", ({ reply: r }) => held.push(r.id));
  thread.on("replyPosted", ({ reply: r }) => posted.push(r.id));

  const answer = await thread.postReply("wait for me");
  assert.equal(answer.status, "pending");
  assert.deepEqual(held, ["held"]);
  assert.deepEqual(ids(thread.replies), ["a", "held"]);
  assert.equal(thread.replies[1]!.status, "pending");
  assert.equal(thread.topic.replyCount, 1, "readers do not see it: not counted");

  // Someone else's reply is published meanwhile: it goes before the held one, which stays last.
  server.hub.deliver(server.post(reply("b", "b", 1)));
  assert.deepEqual(ids(thread.replies), ["a", "b", "held"]);

  // A reset reloads from REST, which does not list held replies: it is kept.
  server.resetNextWatch = true;
  server.hub.cut();
  await advance(40);
  assert.deepEqual(ids(thread.replies), ["a", "b", "held"]);

  // Approved: published with a fresh seq, no longer pending, counted.
  const published = { ...reply("held", "wait for me", 9), author: { id: "me", name: "Me" } };
  server.hub.deliver(server.post(published));
  assert.deepEqual(ids(thread.replies), ["a", "b", "held"]);
  assert.equal(thread.replies[2]!.status, undefined);
  assert.equal(thread.replies[2]!.seq, 3);
  assert.deepEqual(posted, ["b", "held"]);
  assert.equal(thread.topic.replyCount, 3);
});

test("a held reply that is removed leaves the author's list without changing the count", async () => {
  const server = new FakeServer();
  holdPosts(server);
  const thread = await connect(server).watch("t1");
  await thread.postReply("rejected soon");
  assert.deepEqual(ids(thread.replies), ["held"]);
  server.hub.deliver(server.record({ type: "ReplyRemoved", topicId: "t1", seq: 0, replyId: "held" }));
  assert.deepEqual(ids(thread.replies), []);
  assert.equal(thread.topic.replyCount, 0);
});

test("a held reply published before its answer arrives is not shown twice", async () => {
  const server = new FakeServer();
  const thread = await connect(server).watch("t1");
  server.hub.methods.set("PostReply", () => {
    // The approval's event overtakes the answer.
    server.hub.deliver(server.post({ ...reply("fast"), author: { id: "me", name: "Me" } }));
    return { ...reply("fast"), author: { id: "me", name: "Me" }, seq: null, status: "pending" };
  });
  await thread.postReply("quick");
  assert.deepEqual(ids(thread.replies), ["fast"]);
  assert.equal(thread.replies[0]!.status, undefined);
});
