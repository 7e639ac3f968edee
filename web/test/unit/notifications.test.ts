// The reader's notifications in the SDK (PROTOCOL.md v3 "Notifications"), against the fake server.
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { LiveCommunity, type LiveCommunityOptions, type Notification, ThreadState, watchNotifications } from "../../sdk/src/index";
import { FakeServer, json } from "../support/fakeServer";

const clients: LiveCommunity[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
});

/** Polls (the machine may be loaded: no fixed sleep decides a test). */
async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(check(), what);
}

function connect(server: FakeServer, options: Partial<LiveCommunityOptions> = {}) {
  const client = new LiveCommunity({
    baseUrl: "http://fake", fetch: server.fetch, connectionFactory: () => server.hub,
    retryPolicy: () => 5, networkEvents: new EventTarget(), accessToken: () => "token", ...options,
  });
  clients.push(client);
  return client;
}

export function notification(id: string, read = false): Notification {
  return {
    id, kind: "reply", topic: { id: "t1", title: "A topic", articleId: null, url: null }, replyId: `r-${id}`,
    from: { id: "u2", name: "Ben" }, excerpt: "I agree", at: new Date(Date.UTC(2030, 0, 1)).toISOString(), read,
  };
}

/** A server with `unread` notifications for the reader ("token"); anonymous callers get 401. */
function notificationServer(unread = 2) {
  const server = new FakeServer();
  const state = { unread, items: [notification("n2"), notification("n1")], meCalls: 0 };
  server.routes.push((method, url) => {
    if (url.pathname === "/api/me") {
      state.meCalls++;
      return json({ id: "u1", name: "Ann", role: "member", muted: [], unread: state.unread });
    }
    if (method === "GET" && url.pathname === "/api/me/notifications") {
      const cursor = url.searchParams.get("cursor");
      return json({ items: cursor ? [state.items[1]] : [state.items[0]], nextCursor: cursor ? null : "c1", unread: state.unread });
    }
    if (method === "POST" && url.pathname === "/api/me/notifications/read") {
      state.unread = 0;
      return json({ unread: 0 });
    }
    return undefined;
  });
  return { server, state };
}

test("REST: notifications pages and mark read call their routes", async () => {
  const { server } = notificationServer();
  const lc = connect(server);
  const first = await lc.notifications({ limit: 1 });
  assert.deepEqual(first.items.map((n) => n.id), ["n2"]);
  assert.equal(server.requests.at(-1)!.path, "/api/me/notifications?limit=1");
  const second = await lc.notifications({ limit: 1, cursor: first.nextCursor });
  assert.deepEqual(second.items.map((n) => n.id), ["n1"]);
  assert.equal(server.requests.at(-1)!.path, "/api/me/notifications?limit=1&cursor=c1");

  assert.equal(await lc.markNotificationsRead("n2"), 0);
  assert.deepEqual(server.requests.at(-1), { method: "POST", path: "/api/me/notifications/read", body: { upTo: "n2" } });
  await lc.markNotificationsRead();
  assert.deepEqual(server.requests.at(-1)!.body, {}, "no upTo: all of them");
  assert.equal((await lc.me()).unread, 0);
});

test("the watch starts with the unread count, follows Notified and NotificationsRead, and is one per client", async () => {
  const { server, state } = notificationServer(2);
  const lc = connect(server);
  const watch = await watchNotifications(lc);
  assert.equal(watch.state, ThreadState.Live);
  assert.equal(watch.unread, 2);
  assert.equal(state.meCalls, 1, "one read of the count to start");
  assert.equal(await watchNotifications(lc), watch);
  assert.equal(server.hub.invocations.length, 0, "the hub sends notifications without any Watch call");

  const seen: string[] = [];
  const counts: number[] = [];
  watch.on("notified", ({ notification: n, unread }) => seen.push(`${n.id}:${unread}`));
  watch.on("read", ({ unread }) => seen.push(`read:${unread}`));
  watch.on("unread", ({ unread }) => counts.push(unread));
  server.hub.send("Notified", { notification: notification("n3"), unread: 3 });
  server.hub.send("NotificationsRead", { unread: 0 });
  server.hub.send("NotificationsRead", { unread: 0 });
  assert.deepEqual(seen, ["n3:3", "read:0", "read:0"]);
  assert.deepEqual(counts, [3, 0], "`unread` only when the count changes");
  assert.equal(watch.unread, 0);
});

test("marking read through the watch sets the count from the answer", async () => {
  const { server } = notificationServer(2);
  const watch = await watchNotifications(connect(server));
  assert.equal(await watch.markRead("n2"), 0);
  assert.equal(watch.unread, 0);
  assert.deepEqual(server.requests.at(-1)!.body, { upTo: "n2" });
});

test("every page read brings the count up to date", async () => {
  const { server, state } = notificationServer(2);
  const watch = await watchNotifications(connect(server));
  state.unread = 5;
  const page = await watch.load({ limit: 1 });
  assert.equal(watch.unread, 5);
  state.unread = 7;
  await watch.load({ limit: 1, cursor: page.nextCursor });
  assert.equal(watch.unread, 7, "each answer carries the count as it is now");
});

test("after a reconnect the count is read again and `resync` says pushes may have been missed", async () => {
  const { server, state } = notificationServer(1);
  const lc = connect(server);
  const watch = await watchNotifications(lc);
  const resyncs: number[] = [];
  watch.on("resync", ({ unread }) => resyncs.push(unread));
  server.hub.cut();
  assert.equal(watch.state, ThreadState.Reconnecting);
  state.unread = 4; // a Notified sent while the connection was down is lost
  await until(() => watch.state === ThreadState.Live, "live again");
  await until(() => resyncs.length === 1, "resync after the reconnect");
  assert.deepEqual(resyncs, [4]);
  assert.equal(watch.unread, 4);

  server.hub.send("Notified", { notification: notification("n5"), unread: 5 });
  assert.equal(watch.unread, 5, "handlers still receive pushes on the new connection");
});

test("a push during the count's read wins over the read's older answer", async () => {
  const { server, state } = notificationServer(1);
  let answer!: () => void;
  const held = new Promise<void>((resolve) => (answer = resolve));
  const slowFetch: typeof fetch = async (input, init) => {
    const response = await server.fetch(input, init);
    if (new URL(String(input)).pathname === "/api/me") await held; // the count (1) is read now, answered later
    return response;
  };
  const opening = watchNotifications(connect(server, { fetch: slowFetch }));
  await until(() => state.meCalls === 1 && server.hub.connected, "the count is being read on a live connection");
  server.hub.send("Notified", { notification: notification("n9"), unread: 2 });
  answer();
  const watch = await opening;
  assert.equal(watch.unread, 2, "not the 1 read before the push");
});

test("an anonymous reader's watch rejects and leaves no watch behind", async () => {
  const server = new FakeServer();
  server.routes.push((_method, url) => (url.pathname === "/api/me" ? json({ title: "Unauthorized", status: 401 }, 401) : undefined));
  const lc = connect(server, { accessToken: () => "" });
  await assert.rejects(watchNotifications(lc), (error: { status?: number }) => error.status === 401);
  await assert.rejects(watchNotifications(lc), (error: { status?: number }) => error.status === 401, "tried again, not a cached failure");
});

test("with the hub out of reach the count still comes over REST, and the watch goes live when it connects", async () => {
  const { server } = notificationServer(3);
  server.hub.failStarts = 1;
  const lc = connect(server);
  const watch = await watchNotifications(lc);
  assert.equal(watch.unread, 3);
  await until(() => watch.state === ThreadState.Live, "live after the retry");
  server.hub.send("Notified", { notification: notification("n4"), unread: 4 });
  assert.equal(watch.unread, 4);
});

test("a closed watch hears nothing and the next call makes a new one", async () => {
  const { server } = notificationServer(1);
  const lc = connect(server);
  const watch = await watchNotifications(lc);
  const seen: number[] = [];
  watch.on("unread", ({ unread }) => seen.push(unread));
  watch.close();
  server.hub.send("Notified", { notification: notification("n2"), unread: 2 });
  assert.deepEqual(seen, []);
  const again = await watchNotifications(lc);
  assert.notEqual(again, watch);
  server.hub.send("Notified", { notification: notification("n3"), unread: 3 });
  assert.equal(again.unread, 3);
});
