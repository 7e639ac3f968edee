// The SDK in Node against a real server process.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { LiveCommunity, ThreadState, type LiveCommunityOptions } from "../../sdk/src/index";
import { Api, eventually, startServer, type TestServer } from "../support/server";
import { TcpProxy } from "../support/tcpProxy";

let server: TestServer;
let api: Api;
let moderator: string;
const clients: LiveCommunity[] = [];

before(async () => {
  server = await startServer();
  api = new Api(server.url);
  moderator = (await api.token("Mo", "moderator")).token;
});

after(async () => {
  for (const client of clients) await client.close();
  await server?.stop();
});

async function client(name: string, options: Partial<LiveCommunityOptions> = {}) {
  const { token } = await api.token(name);
  const lc = new LiveCommunity({ baseUrl: server.url, accessToken: () => token, ...options });
  clients.push(lc);
  return lc;
}

test("two clients see each other's replies", async () => {
  const topic = await api.createTopic(moderator, "Two clients");
  const ann = await (await client("Ann")).watch(topic.id);
  const ben = await (await client("Ben")).watch(topic.id);
  assert.equal(ann.state, ThreadState.Live);
  assert.equal(ben.state, ThreadState.Live);

  await ann.postReply("hello from Ann");
  await ben.postReply("hello from Ben");
  const bodies = (t: typeof ann) => t.replies.map((r) => r.body).join("|");
  await eventually(() => bodies(ann) === "hello from Ann|hello from Ben" && bodies(ben) === bodies(ann), "both see both replies");
  assert.equal(ann.topic.replyCount, 2);
  await eventually(() => ann.watchers === 2, "presence counts both readers");

  await ben.react(ann.replies[0]!.id, "like", true);
  await eventually(() => ann.replies[0]!.reactions.like === 1, "Ann sees Ben's like");
});

test("a client whose connection is cut resumes without gaps", async () => {
  const topic = await api.createTopic(moderator, "Cut off");
  const proxy = await TcpProxy.start(server.url);
  try {
    const writer = await (await client("Wendy")).watch(topic.id);
    const reader = await (await client("Rita", { baseUrl: proxy.url, retryPolicy: () => 100 })).watch(topic.id);
    const posted: number[] = [];
    const states: ThreadState[] = [];
    reader.on("replyPosted", ({ seq }) => posted.push(seq));
    reader.on("state", ({ state }) => states.push(state));

    await writer.postReply("before 1");
    await eventually(() => reader.replies.length === 1, "reader sees the first reply live");

    proxy.cut();
    await eventually(() => reader.state === ThreadState.Reconnecting, "reader notices the cut");
    for (let i = 1; i <= 5; i++) await writer.postReply(`during ${i}`);
    proxy.restore();

    await eventually(() => reader.state === ThreadState.Live && reader.replies.length === 6, "reader resumes", 15_000);
    await writer.postReply("after 1");
    await eventually(() => reader.replies.length === 7, "live again after resuming");

    assert.deepEqual(reader.replies.map((r) => r.body), writer.replies.map((r) => r.body));
    assert.deepEqual(reader.replies.map((r) => r.body), ["before 1", "during 1", "during 2", "during 3", "during 4", "during 5", "after 1"]);
    assert.deepEqual(posted, [1, 2, 3, 4, 5, 6, 7], "every event once, in seq order");
    assert.deepEqual(states.slice(0, 1), [ThreadState.Reconnecting]);
    assert.equal(states.at(-1), ThreadState.Live);
  } finally {
    await proxy.close();
  }
});

test("hub errors come back with the server's message", async () => {
  const topic = await api.createTopic(moderator, "Anonymous");
  const anonymous = new LiveCommunity({ baseUrl: server.url });
  clients.push(anonymous);
  const thread = await anonymous.watch(topic.id);
  await assert.rejects(thread.postReply("hi"), (error: Error) => /sign in/i.test(error.message));
  await assert.rejects(anonymous.watch("no-such-topic"), { status: 404 });
});

test("own reactions come from the server: a second client of the same reader sees them set", async () => {
  const topic = await api.createTopic(moderator, "Mine");
  const { token } = await api.token("Ann");
  await api.postReply(token, topic.id, "like me");
  const first = await (await client("Nia")).watch(topic.id);
  const result = await first.react(first.replies[0]!.id, "insightful", true);
  assert.deepEqual(result.mine, ["insightful"]);
  assert.equal(result.reactions.insightful, 1);
  await first.react(null, "like", true);

  const second = await (await client("Nia")).watch(topic.id);
  assert.deepEqual(second.mine(second.replies[0]!.id), ["insightful"]);
  assert.deepEqual(second.topic.mine, ["like"]);
  assert.deepEqual((await second.react(null, "like", false)).mine, []);
  assert.deepEqual(second.mine(null), []);
});

test("the live topic list: new topics and their counts reach a watching client", async () => {
  const lc = await client("Lister");
  const config = await lc.config();
  assert.equal(config.limits.replyMaxLength, 5000);
  assert.deepEqual(config.reactionKinds, ["like", "insightful", "disagree"]);
  assert.equal(config.devTokens, true);

  const list = await lc.watchTopics();
  assert.equal(list.state, ThreadState.Live);
  const posted: string[] = [];
  const replyCounts = new Map<string, number>();
  list.on("topicPosted", ({ topic }) => posted.push(topic.title));
  list.on("topicStats", ({ topicId, replyCount }) => replyCounts.set(topicId, replyCount));

  const topic = await api.createTopic(moderator, "Listed live");
  await eventually(() => posted.includes("Listed live"), "TopicPosted arrives");
  const { token } = await api.token("Ann");
  for (let i = 0; i < 5; i++) await api.postReply(token, topic.id, `reply ${i}`);
  await eventually(() => replyCounts.get(topic.id) === 5, "TopicStats ends with every reply counted");
});
