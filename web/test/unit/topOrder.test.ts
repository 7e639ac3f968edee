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

const ids = (replies: readonly { id: string }[]) => replies.map((r) => r.id);

test("setOrder('top') reloads the list in the server's ranking, and a live reply waits to be placed", async () => {
  const server = new FakeServer();
  for (const id of ["a", "b", "c"]) server.post(reply(id));
  server.react("c", "like", true);
  const thread = await connect(server).watch("t1");
  assert.equal(thread.order, "oldest");
  assert.deepEqual(ids(thread.replies), ["a", "b", "c"]);
  let resets = 0;
  thread.on("reset", () => resets++);
  await thread.setOrder("top");
  assert.equal(thread.order, "top");
  assert.deepEqual(ids(thread.replies), ["c", "a", "b"], "highest score first, ties by seq: the fake ranks only for order=top");
  assert.equal(resets, 1);

  const posted: string[] = [];
  thread.on("replyPosted", ({ reply: r }) => posted.push(r.id));
  server.hub.deliver(server.post(reply("d"))!);
  assert.deepEqual(posted, ["d"], "told, so a view can offer to show it");
  assert.deepEqual(ids(thread.replies), ["c", "a", "b"], "not put in the middle of the ranking");
  assert.equal(thread.unlisted, 1);

  await thread.setOrder("top");
  assert.deepEqual(ids(thread.replies), ["c", "a", "b", "d"]);
  assert.equal(thread.unlisted, 0);

  await thread.setOrder("newest");
  assert.deepEqual(ids(thread.replies), ["a", "b", "c", "d"], "seq order again (a view shows it newest first)");
  server.hub.deliver(server.post(reply("e"))!);
  assert.deepEqual(ids(thread.replies), ["a", "b", "c", "d", "e"]);
});
