// The live blog's state (LiveBlog): updates pinned first then newest first, key events, corrections, removals and
// quotes that leave, each event applied once, on the topic's updates-only watch (WatchUpdates).
import assert from "node:assert/strict";
import { test } from "node:test";
import { LiveBlog, watchBlog } from "../../sdk/src/index";
import { fakeTimers, settle } from "../support/clock";
import { FakeBlog } from "../support/fakeBlog";
import { fakeClients } from "../support/fakeClients";
import { FakeServer, reply } from "../support/fakeServer";

const connect = fakeClients();
const ids = (blog: LiveBlog) => blog.updates.map((u) => u.id);
const keyIds = (blog: LiveBlog) => blog.keyEvents.map((u) => u.id);

async function open(setUp: (blog: FakeBlog, server: FakeServer) => void = () => {}) {
  const server = new FakeServer();
  const fake = new FakeBlog(server);
  setUp(fake, server);
  const blog = await watchBlog(connect(server), "t1");
  return { server, fake, blog };
}

test("loads pinned first, then newest first, and puts live updates in the same places", async () => {
  const { server, fake, blog } = await open((f) => {
    f.post("a", { pinned: true });
    f.post("b");
    f.post("c", { keyEvent: true });
  });
  assert.deepEqual(ids(blog), ["a", "c", "b"]);
  assert.deepEqual(keyIds(blog), ["c"]);
  server.hub.deliver(fake.post("d", { keyEvent: true }));
  server.hub.deliver(fake.post("e", { pinned: true }));
  assert.deepEqual(ids(blog), ["e", "a", "d", "c", "b"], "a new pinned one on top of the pinned, a new one on top of the rest");
  assert.deepEqual(keyIds(blog), ["d", "c"]);
});

test("watches updates only, from the seq its lists were read at, and applies events whose seqs have gaps", async (t) => {
  const advance = fakeTimers(t);
  const { server, fake, blog } = await open((f, s) => {
    f.post("a");
    s.post(reply("r1"));
  });
  assert.deepEqual(server.hub.watchCalls("WatchUpdates"), [["t1", 2]]);
  assert.deepEqual(server.hub.watchCalls("Watch"), [], "no full Watch: the blog's connection is not one of the topic's readers");
  const restCalls = server.restCalls.length;
  server.post(reply("r2")); // replies between updates never reach the blog: seq 3 is a gap it does not wait for
  server.hub.deliver(fake.post("b"));
  server.post(reply("r3"));
  server.hub.deliver(fake.remove("a"));
  assert.deepEqual(ids(blog), ["b"]);
  await advance(100);
  assert.equal(server.hub.watchCalls("WatchUpdates").length, 1, "no WatchUpdates for a gap");
  assert.equal(server.restCalls.length, restCalls, "no reload");
});

test("an update that comes twice (a full Watch of the topic on the same connection) is applied once", async () => {
  const server = new FakeServer();
  const fake = new FakeBlog(server);
  const client = connect(server);
  const thread = await client.watch("t1");
  const blog = await watchBlog(client, "t1");
  const seen: string[] = [];
  blog.on("posted", ({ update, seq }) => seen.push(`${update.id}@${seq}`));
  blog.on("removed", ({ updateId, seq }) => seen.push(`-${updateId}@${seq}`));
  const threadSeen: number[] = [];
  thread.on("update", ({ seq }) => threadSeen.push(seq));
  const [p1, p2, r1] = [fake.post("a"), fake.post("b"), fake.remove("a")];
  for (const e of [p1, p1, p2, p2, r1, r1]) server.hub.deliver(e); // once per watch
  assert.deepEqual(seen, ["a@1", "b@2", "-a@3"]);
  assert.deepEqual(ids(blog), ["b"]);
  assert.deepEqual(threadSeen, [1, 2, 3], "the thread's watch still takes them, once each, in its seq order");
});

test("WatchUpdates' missed and the live events that came while it was under way are applied once, in seq order", async () => {
  const server = new FakeServer();
  const fake = new FakeBlog(server);
  fake.post("a");
  const posted: string[] = [];
  server.hub.methods.set("WatchUpdates", (...args) => {
    const missed = [fake.post("b"), fake.post("c")]; // after the lists were read: replayed
    const live = fake.post("d"); // after the group was joined: live, ahead of the answer
    server.hub.deliver(live);
    server.hub.deliver(missed[1]!); // a full Watch's copy of a replayed one
    return server.watchUpdates(args[1] as number);
  });
  server.routes.unshift((_method, url) => {
    if (url.pathname !== "/api/topics/t1/updates") return undefined;
    return new Response(JSON.stringify({ items: fake.updates.slice(0, 1), nextCursor: null, lastSeq: 1 }), { headers: { "Content-Type": "application/json" } });
  });
  const client = connect(server);
  const blog = new LiveBlog(client, "t1", 20); // as watchBlog makes it, but heard from the start
  blog.on("posted", ({ update }) => posted.push(update.id));
  await blog.open();
  assert.deepEqual(server.hub.watchCalls("WatchUpdates"), [["t1", 1]]);
  assert.deepEqual(posted, ["b", "c", "d"]);
  assert.deepEqual(ids(blog), ["d", "c", "b", "a"]);
});

test("an UpdatesSeq above the resume point makes the blog watch again and apply what it missed; one not above does nothing", async () => {
  const { server, fake, blog } = await open();
  server.hub.deliver(fake.post("a"));
  server.post(reply("r1"));
  fake.post("b"); // lost on the way
  server.hub.send("UpdatesSeq", { topicId: "t1", lastSeq: 1 });
  server.hub.send("UpdatesSeq", { topicId: "other", lastSeq: 9 });
  await settle();
  assert.equal(server.hub.watchCalls("WatchUpdates").length, 1, "nothing missed, or not this topic: no call");
  server.hub.send("UpdatesSeq", { topicId: "t1", lastSeq: 3 });
  await settle();
  assert.deepEqual(server.hub.watchCalls("WatchUpdates").at(-1), ["t1", 1]);
  assert.deepEqual(ids(blog), ["b", "a"]);
  server.hub.send("UpdatesSeq", { topicId: "t1", lastSeq: 3 });
  await settle();
  assert.equal(server.hub.watchCalls("WatchUpdates").length, 2, "caught up: no call");
});

test("closing the blog unwatches its updates", async () => {
  const { server, blog } = await open();
  blog.close();
  assert.deepEqual(server.hub.invocations.at(-1), { method: "UnwatchUpdates", args: ["t1"] });
});

test("an event the REST page already has does nothing", async () => {
  const { server, fake, blog } = await open((f) => f.post("a"));
  const posted: string[] = [];
  blog.on("posted", ({ update }) => posted.push(update.id));
  server.hub.deliver(server.log[0]!); // the page was read after it
  assert.deepEqual(posted, []);
  assert.deepEqual(ids(blog), ["a"]);
  server.hub.deliver(fake.post("b"));
  assert.deepEqual(ids(blog), ["b", "a"]);
});

test("pinning and unpinning move an update, a correction replaces it, a removal takes it out of both lists", async () => {
  const { server, fake, blog } = await open((f) => {
    f.post("a", { keyEvent: true });
    f.post("b");
  });
  const edited: (string | null)[] = [];
  blog.on("edited", ({ update }) => edited.push(update.editedAt));
  server.hub.deliver(fake.edit("a", { pinned: true }));
  assert.deepEqual(ids(blog), ["a", "b"], "pinned goes on top");
  server.hub.deliver(fake.edit("a", { pinned: false, body: "fixed", html: "<p>fixed</p>" }));
  assert.deepEqual(ids(blog), ["b", "a"], "unpinned goes back to its place by seq");
  assert.equal(blog.updates[1]!.html, "<p>fixed</p>");
  assert.equal(edited.length, 2);
  assert.ok(edited.every((at) => at !== null), "a correction carries editedAt");
  server.hub.deliver(fake.edit("b", { keyEvent: true }));
  assert.deepEqual(keyIds(blog), ["b", "a"]);
  server.hub.deliver(fake.edit("a", { keyEvent: false }));
  assert.deepEqual(keyIds(blog), ["b"], "no longer a key event");
  server.hub.deliver(fake.remove("b"));
  assert.deepEqual(ids(blog), ["a"]);
  assert.deepEqual(keyIds(blog), []);
});

test("a quote leaves the update when UpdateEdited says quote: null", async () => {
  const quote = { replyId: "r1", author: { id: "u2", name: "Ben" }, body: "Is the tram line funded?" };
  const { server, fake, blog } = await open((f) => f.post("a", { quote }));
  assert.deepEqual(blog.updates[0]!.quote, quote);
  server.hub.deliver(server.remove("r1"));
  server.hub.deliver(fake.edit("a", { quote: null }));
  assert.equal(blog.updates[0]!.quote, null);
});

test("a reset of the blog's watch reads the blog again, and what came meanwhile is neither lost nor doubled", async (t) => {
  const advance = fakeTimers(t);
  const { server, fake, blog } = await open((f) => f.post("a"));
  let resets = 0;
  blog.on("reset", () => resets++);
  fake.post("b"); // missed while disconnected
  fake.remove("a");
  server.resetNextWatch = true;
  server.hub.cut();
  await advance(50);
  assert.equal(resets, 1);
  assert.deepEqual(ids(blog), ["b"]);
  server.hub.deliver(fake.post("c"));
  server.hub.deliver(server.log.at(-1)!);
  assert.deepEqual(ids(blog), ["c", "b"]);
});

test("after a reconnect the blog watches again from its resume point: the seqs it applied or the topic's seq it was told", async (t) => {
  const advance = fakeTimers(t);
  const { server, fake, blog } = await open();
  server.hub.deliver(fake.post("a"));
  server.post(reply("r"));
  server.hub.cut();
  fake.post("b"); // while disconnected: WatchUpdates(t1, 1) replays it, and not the reply
  server.post(reply("s"));
  await advance(50);
  assert.deepEqual(server.hub.watchCalls("WatchUpdates").at(-1), ["t1", 1]);
  assert.deepEqual(ids(blog), ["b", "a"]);
  server.hub.cut();
  await advance(50);
  assert.deepEqual(server.hub.watchCalls("WatchUpdates").at(-1), ["t1", 4], "the topic's lastSeq of the last answer");
  assert.deepEqual(ids(blog), ["b", "a"]);
});

test("a page read at a seq below what the watch had applied is read again", async () => {
  const { server, fake, blog } = await open();
  server.hub.deliver(fake.post("a"));
  let stale = 1; // the next read comes from a lagging copy: without a, at seq 0
  server.routes.unshift((method, url) => {
    if (url.pathname !== "/api/topics/t1/updates" || stale-- <= 0) return undefined;
    return new Response(JSON.stringify({ items: [], nextCursor: null, lastSeq: 0 }), { headers: { "Content-Type": "application/json" } });
  });
  await blog.load();
  assert.deepEqual(ids(blog), ["a"]);
  assert.equal(server.restCalls.filter((p) => p.startsWith("/api/topics/t1/updates?limit=20")).length, 3, "first load, the stale read, the read again");
});

test("reveal loads older pages until the update is there", async () => {
  const server = new FakeServer();
  const fake = new FakeBlog(server);
  for (const id of ["a", "b", "c"]) fake.post(id);
  // Pages of one: the cursor is the seq of the page's last update.
  server.routes.unshift((method, url) => {
    if (url.pathname !== "/api/topics/t1/updates" || url.searchParams.get("keyEvents")) return undefined;
    const before = Number(url.searchParams.get("cursor") ?? Infinity);
    const item = fake.updates.filter((u) => u.seq < before).sort((a, b) => b.seq - a.seq)[0];
    const next = item && item.seq > 1 ? String(item.seq) : null;
    return new Response(JSON.stringify({ items: item ? [item] : [], nextCursor: next, lastSeq: server.topic.lastSeq }), { headers: { "Content-Type": "application/json" } });
  });
  const blog = await watchBlog(connect(server), "t1", { pageSize: 1 });
  assert.deepEqual(ids(blog), ["c"]);
  assert.equal((await blog.reveal("a"))?.id, "a");
  assert.deepEqual(ids(blog), ["c", "b", "a"]);
  assert.equal(blog.hasOlder, false);
  assert.equal(await blog.reveal("zzz"), undefined);
  server.hub.deliver(fake.edit("b", { pinned: true }));
  assert.deepEqual(ids(blog), ["b", "c", "a"]);
});
