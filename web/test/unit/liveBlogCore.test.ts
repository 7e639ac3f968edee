import assert from "node:assert/strict";
import { test } from "node:test";
import { ThreadState } from "../../sdk/src/index";
import { FakeBlog } from "../support/fakeBlog";
import { FakeServer, reply } from "../support/fakeServer";
import { fakeTimers } from "../support/clock";
import { fakeClients } from "../support/fakeClients";

// The seq stream carries the live blog's events: every watcher of the topic applies them in order, so a
// <live-thread> on a topic with a live blog never takes an update's seq for a gap.
const connect = fakeClients();

test("a thread on a topic that gets live updates applies the next reply at once, without watching again or reloading", async (t) => {
  const advance = fakeTimers(t);
  const server = new FakeServer();
  const blog = new FakeBlog(server);
  const thread = await connect(server).watch("t1");
  const [watches, restCalls] = [server.hub.watchCalls().length, server.restCalls.length];
  const updates: string[] = [];
  thread.on("update", (event) => {
    if (event.type === "UpdatePosted") updates.push(event.update.id);
    if (event.type === "UpdateRemoved") updates.push(`-${event.updateId}`);
  });

  server.hub.deliver(blog.post("u1"));
  server.hub.deliver(blog.edit("u1", { pinned: true }));
  server.hub.deliver(blog.remove("u1"));
  server.hub.deliver(server.post(reply("a")));
  assert.deepEqual(thread.replies.map((r) => r.id), ["a"], "the reply after three updates is applied as it arrives");
  assert.equal(thread.lastSeq, 4);
  assert.deepEqual(updates, ["u1", "-u1"]);
  await advance(100); // past the gap wait: nothing was held, so nothing is asked again
  assert.equal(server.hub.watchCalls().length, watches, "no Watch to fill a gap");
  assert.equal(server.restCalls.length, restCalls, "no reload");
  assert.equal(thread.state, ThreadState.Live);
});
