import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { LiveCommunity, type LiveCommunityOptions, ThreadState, type TopicStatsEvent } from "../../sdk/src/index";
import { FakeServer } from "../support/fakeServer";
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

const stats = (topicId: string, replyCount: number, watchers = 0): TopicStatsEvent =>
  ({ topicId, replyCount, reactions: { like: 0, insightful: 0, disagree: 0 }, watchers });

test("watchTopics connects, calls WatchTopics and hands typed events to handlers until disposed", async () => {
  const server = new FakeServer();
  const client = connect(server);
  const list = await client.watchTopics();
  assert.equal(list.state, ThreadState.Live);
  assert.deepEqual(server.hub.invocations.map((i) => i.method), ["WatchTopics"]);
  assert.equal(await client.watchTopics(), list, "one list per client");

  const titles: string[] = [];
  const counts: number[] = [];
  list.on("topicPosted", ({ topic }) => titles.push(topic.title));
  const off = list.on("topicStats", ({ replyCount }) => counts.push(replyCount));
  server.hub.list("TopicPosted", { topic: { ...server.topic, id: "t2", title: "News" } });
  server.hub.list("TopicStats", stats("t2", 3));
  off();
  server.hub.list("TopicStats", stats("t2", 4));
  assert.deepEqual(titles, ["News"]);
  assert.deepEqual(counts, [3]);
});

test("the list shares the one hub connection with watched threads", async () => {
  const server = new FakeServer();
  const client = connect(server);
  const thread = await client.watch("t1");
  const list = await client.watchTopics();
  assert.equal(server.hub.starts, 1);
  assert.equal(thread.state, ThreadState.Live);
  assert.equal(list.state, ThreadState.Live);
});

test("after a reconnect the list is watched again and says resumed, so the page reloads what it missed", async (t) => {
  const advance = fakeTimers(t);
  const server = new FakeServer();
  const list = await connect(server).watchTopics();
  const states: ThreadState[] = [];
  let resumed = 0;
  list.on("state", ({ state }) => states.push(state));
  list.on("resumed", () => resumed++);
  server.hub.failStarts = 1;
  server.hub.cut();
  await advance(60);
  assert.deepEqual(states, [ThreadState.Reconnecting, ThreadState.Live]);
  assert.equal(resumed, 1);
  assert.equal(server.hub.invocations.filter((i) => i.method === "WatchTopics").length, 2);
  assert.equal(server.hub.watchingTopics, true);

  const counts: number[] = [];
  list.on("topicStats", ({ replyCount }) => counts.push(replyCount));
  server.hub.list("TopicStats", stats("t1", 9));
  assert.deepEqual(counts, [9]);
});

test("closing the list unwatches it and silences it", async (t) => {
  const advance = fakeTimers(t);
  const server = new FakeServer();
  const client = connect(server);
  const list = await client.watchTopics();
  let posted = 0;
  list.on("topicPosted", () => posted++);
  list.close();
  assert.equal(list.state, ThreadState.Offline);
  await advance(5);
  assert.deepEqual(server.hub.invocations.at(-1), { method: "UnwatchTopics", args: [] });
  server.hub.list("TopicPosted", { topic: server.topic });
  assert.equal(posted, 0);
  assert.notEqual(await client.watchTopics(), list, "a closed list is not handed out again");
});

test("a WatchTopics refused as rate limited is tried again when the server said", async (t) => {
  const advance = fakeTimers(t);
  const server = new FakeServer();
  const hub = server.hub;
  const invoke = hub.invoke.bind(hub);
  let refusals = 1;
  hub.invoke = async <T>(method: string, ...args: unknown[]): Promise<T> => {
    if (method === "WatchTopics" && refusals-- > 0) {
      throw new Error("An unexpected error occurred invoking 'WatchTopics' on the server. HubException: rate limited, retry in 1 s");
    }
    return invoke<T>(method, ...args);
  };
  const list = await connect(server).watchTopics();
  assert.notEqual(list.state, ThreadState.Live);
  await advance(1_300);
  assert.equal(list.state, ThreadState.Live);
  assert.equal(hub.watchingTopics, true);
});
