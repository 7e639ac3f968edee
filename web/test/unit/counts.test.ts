import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { counts, type CountsHandle, type CountsOptions, LiveCommunity, type TopicStatsEvent } from "../../sdk/src/index";
import { FakeRoot } from "../support/fakeCountDom";
import { FakeServer, json } from "../support/fakeServer";

/** Polls (the machine may be loaded: no fixed sleep decides a test). */
async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(check(), what);
}
const handles: CountsHandle[] = [];
afterEach(async () => {
  for (const h of handles.splice(0)) await h.stop();
});

/** A server whose articles "a0", "a1", ... have topics "t_a0", ... with `replies(id)` replies; others have none. */
function articles(server: FakeServer, known: (id: string) => boolean, replies: (id: string) => number = () => 2) {
  const asked: string[][] = [];
  server.routes.push((method, url) => {
    if (method !== "GET" || url.pathname !== "/api/articles/counts") return undefined;
    const ids = url.searchParams.get("ids")!.split(",");
    asked.push(ids);
    const items = Object.fromEntries(ids.filter(known).map((id) => [id, { topicId: `t_${id}`, replyCount: replies(id), reactions: {}, watchers: 0 }]));
    return json({ items });
  });
  return asked;
}

function watched(server: FakeServer): string[][] {
  return server.hub.invocations.filter((i) => i.method === "WatchStats").map((i) => i.args[0] as string[]);
}

async function start(server: FakeServer, root: FakeRoot, options: Partial<CountsOptions> = {}) {
  const handle = await counts({
    server: "http://fake", root: root as unknown as ParentNode, fetch: server.fetch, connectionFactory: () => server.hub,
    retryPolicy: () => 5, networkEvents: new EventTarget(), ...options,
  });
  handles.push(handle);
  return handle;
}

const stats = (topicId: string, replyCount: number): TopicStatsEvent => ({ topicId, replyCount, reactions: {}, watchers: 0 });

test("counts fills each marked element with its article's replies as text, unknown articles with 0", async () => {
  const server = new FakeServer();
  articles(server, (id) => id !== "new", (id) => (id === "one" ? 1 : 12));
  const root = new FakeRoot();
  const [one, many, again, none] = root.add("one", "many", "many", "new");
  await start(server, root);
  assert.deepEqual([one, many, again, none].map((e) => e.textContent), ["1 reply", "12 replies", "12 replies", "0 replies"]);
  assert.deepEqual(server.restCalls, ["/api/articles/counts?ids=one%2Cmany%2Cnew"], "one request, each id once");
});

test("250 articles are read in chunks of at most 100 and the hub watches the first 100 topics", async () => {
  const server = new FakeServer();
  const asked = articles(server, () => true);
  const root = new FakeRoot();
  root.add(...Array.from({ length: 250 }, (_, i) => `a${i}`));
  await start(server, root);
  assert.deepEqual(asked.map((ids) => ids.length), [100, 100, 50]);
  assert.deepEqual(watched(server).map((ids) => ids.length), [100]);
  assert.ok(root.elements.every((e) => e.textContent === "2 replies"));
});

test("TopicStats of a watched topic update its elements' text, and only theirs", async () => {
  const server = new FakeServer();
  articles(server, () => true);
  const root = new FakeRoot();
  const [first, second] = root.add("a1", "a2");
  await start(server, root);
  assert.deepEqual(watched(server), [["t_a1", "t_a2"]]);
  server.hub.send("TopicStats", stats("t_a2", 3));
  server.hub.send("TopicStats", stats("t_other", 7));
  assert.equal(first.textContent, "2 replies");
  assert.equal(second.textContent, "3 replies");
  server.hub.send("TopicStats", stats("t_a2", 1));
  assert.equal(second.textContent, "1 reply");
});

test("text is set as text: a made-up format with markup is never parsed", async () => {
  const server = new FakeServer();
  articles(server, () => true);
  const root = new FakeRoot();
  const [element] = root.add("a1");
  await start(server, root, { format: (n) => `<b>${n}</b>` });
  assert.equal(element.textContent, "<b>2</b>");
});

test("refresh fills elements added later, reads only the new ids, and watches the whole set", async () => {
  const server = new FakeServer();
  const asked = articles(server, () => true);
  const root = new FakeRoot();
  root.add("a1");
  const handle = await start(server, root);
  const [late, repeat] = root.add("a2", "a1");
  await handle.refresh();
  assert.deepEqual(asked, [["a1"], ["a2"]]);
  assert.equal(late.textContent, "2 replies");
  assert.equal(repeat.textContent, "2 replies");
  assert.deepEqual(watched(server), [["t_a1"], ["t_a1", "t_a2"]]);
});

test("after a reconnect the topics are watched again and every count is read again", async () => {
  const server = new FakeServer();
  let replies = 2;
  const asked = articles(server, () => true, () => replies);
  const root = new FakeRoot();
  const [element] = root.add("a1");
  await start(server, root);
  replies = 5; // changed while the connection was down: no TopicStats will say so
  server.hub.cut();
  await until(() => element.textContent === "5 replies", "the count is read again after the reconnect");
  assert.deepEqual(watched(server), [["t_a1"], ["t_a1"]]);
  assert.equal(asked.length, 2);
});

test("stop unwatches, closes the connection and leaves the texts alone", async () => {
  const server = new FakeServer();
  articles(server, () => true);
  const root = new FakeRoot();
  const [element] = root.add("a1");
  const handle = await start(server, root);
  await handle.stop();
  assert.equal(server.hub.connected, false);
  server.hub.send("TopicStats", stats("t_a1", 9));
  assert.equal(element.textContent, "2 replies");
});

test("live: false reads once and opens no connection; LiveCommunity.counts is the same function", async () => {
  const server = new FakeServer();
  articles(server, () => true);
  const root = new FakeRoot();
  const [element] = root.add("a1");
  await start(server, root, { live: false });
  assert.equal(element.textContent, "2 replies");
  assert.equal(server.hub.starts, 0);
  assert.equal(typeof LiveCommunity.counts, "function");
});
