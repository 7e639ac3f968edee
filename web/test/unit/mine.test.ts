import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { LiveCommunity } from "../../sdk/src/index";
import { FakeServer, reply } from "../support/fakeServer";

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

test("a fresh client knows the reader's own reactions from the server, not from the browser", async () => {
  const server = new FakeServer();
  server.post(reply("a"));
  server.post(reply("b", "b", 1));
  // Set in another session: nothing of it is in this client, only on the server.
  server.mine.set("a", ["like", "disagree"]);
  server.mine.set("t1", ["insightful"]);
  const thread = await connect(server).watch("t1");
  assert.deepEqual(thread.mine("a"), ["like", "disagree"]);
  assert.deepEqual(thread.replies[0]!.mine, ["like", "disagree"]);
  assert.deepEqual(thread.mine("b"), []);
  assert.deepEqual(thread.mine(null), ["insightful"]);
  assert.deepEqual(thread.topic.mine, ["insightful"]);
});

test("react answers {reactions, mine} and the thread's reply and topic carry them", async () => {
  const server = new FakeServer();
  server.post(reply("a"));
  const thread = await connect(server).watch("t1");
  const changes: (string | null)[] = [];
  thread.on("reactionsChanged", ({ replyId }) => changes.push(replyId));

  const result = await thread.react("a", "like", true);
  assert.deepEqual(result, { reactions: { like: 1, insightful: 0, disagree: 0 }, mine: ["like"] });
  assert.deepEqual(thread.replies[0]!.mine, ["like"]);
  assert.equal(thread.replies[0]!.reactions.like, 1);
  assert.deepEqual(server.hub.invocations.at(-1), { method: "SetReaction", args: ["t1", "a", "like", true] });

  await thread.react(null, "insightful", true);
  assert.deepEqual(thread.topic.mine, ["insightful"]);
  await thread.react("a", "like", false);
  assert.deepEqual(thread.mine("a"), []);
  assert.deepEqual(changes, ["a", null, "a"]);
});

test("events never carry mine, so what the reader set survives edits, counts and topic updates", async () => {
  const server = new FakeServer();
  const posted = server.post(reply("a"));
  server.mine.set("a", ["like"]);
  server.mine.set("t1", ["disagree"]);
  const thread = await connect(server).watch("t1");
  server.hub.deliver(posted); // a repeat of what REST already listed

  server.hub.deliver(server.record({ type: "ReplyEdited", topicId: "t1", seq: 0, reply: { ...reply("a", "edited"), seq: 1, editedAt: new Date().toISOString() } }));
  server.hub.deliver(server.record({ type: "ReactionsChanged", topicId: "t1", seq: 0, replyId: "a", reactions: { like: 7, insightful: 0, disagree: 0 } }));
  server.hub.deliver(server.record({ type: "TopicUpdated", topicId: "t1", seq: 0, topic: { ...server.topic, locked: true } }));
  assert.equal(thread.replies[0]!.body, "edited");
  assert.equal(thread.replies[0]!.reactions.like, 7);
  assert.deepEqual(thread.replies[0]!.mine, ["like"]);
  assert.equal(thread.topic.locked, true);
  assert.deepEqual(thread.topic.mine, ["disagree"]);

  // A new reply (nobody could have reacted yet) comes with an empty mine.
  server.hub.deliver(server.post(reply("b", "b", 1)));
  assert.deepEqual(thread.replies[1]!.mine, []);
});

test("config is read once per client and tried again after a failure", async () => {
  const server = new FakeServer();
  const client = connect(server);
  let fail = true;
  const fetchOnce: typeof fetch = async (input, init) => {
    if (fail && String(input).endsWith("/api/config")) {
      fail = false;
      return new Response("{}", { status: 503 });
    }
    return server.fetch(input, init);
  };
  const flaky = new LiveCommunity({ baseUrl: "http://fake", fetch: fetchOnce, connectionFactory: () => server.hub, networkEvents: new EventTarget() });
  clients.push(flaky);
  await assert.rejects(flaky.config(), { name: "LiveCommunityError", status: 503 });
  assert.equal((await flaky.config()).limits.replyMaxLength, 5000);

  const [first, second] = await Promise.all([client.config(), client.config()]);
  assert.equal(first, second);
  assert.deepEqual(first.reactionKinds, ["like", "insightful", "disagree"]);
  await client.config();
  assert.equal(server.restCalls.filter((c) => c === "/api/config").length, 2, "one for each client that succeeded");
});
