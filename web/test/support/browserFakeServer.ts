// A fake LiveCommunity server at a Chromium page's network edge: REST through page.route, the hub through
// page.routeWebSocket speaking SignalR's JSON protocol. The page runs the real browser bundle, built from
// sdk/src here, so the elements' tests need no server process and can stage any answer.
import { build } from "esbuild";
import { resolve } from "node:path";
import type { Page, Route, WebSocketRoute } from "playwright-core";
import type { Notification, QueueChangedEvent, QueueCounts, QueueItem, Reply, Topic } from "../../sdk/src/index";

export const ORIGIN = "http://lc.test";
const RS = "\u001e"; // SignalR's record separator

let bundle: Promise<string> | undefined;

/**
 * The browser bundle as `npm run build` makes it (less minification), from the current sources, plus
 * <live-notifications>, which a page built with the ESM package has (it is not in livecommunity.js).
 */
function browserBundle(): Promise<string> {
  const sdk = resolve(import.meta.dirname, "../../sdk/src");
  bundle ??= build({
    stdin: { contents: `import "./browser"; import { defineLiveNotificationsElement } from "./elements"; defineLiveNotificationsElement();`, resolveDir: sdk, loader: "ts" },
    // The package says it has no side effects (true of its modules for bundlers); browser.ts is the exception.
    ignoreAnnotations: true,
    bundle: true, write: false, format: "iife", platform: "browser", target: "es2022", logLevel: "warning",
  }).then((result) => result.outputFiles[0]!.text);
  return bundle;
}

/** A token the elements can read (sub, name, role); the fake server never checks signatures. */
export function fakeToken(sub: string, name: string, role = "member"): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "HS256", typ: "JWT" })}.${part({ sub, name, role, exp: 4102444800 })}.signature`;
}

export function fakeReply(id: string, body: string, author = { id: "u-ann", name: "Ann" }, seq: number | null = null): Reply {
  return { id, topicId: "t1", parentId: null, author, body, createdAt: new Date().toISOString(), editedAt: null, reactions: { like: 0, insightful: 0, disagree: 0 }, seq };
}

type Json = Record<string, unknown> | unknown[] | null;

export class BrowserFakeServer {
  topic: Topic = {
    id: "t1", title: "Tram line approved", body: "The council voted.", sourceUrls: [], author: { id: "u-ed", name: "Editor" },
    createdAt: new Date().toISOString(), locked: false, premoderated: false, replyCount: 0, reactions: { like: 0, insightful: 0, disagree: 0 }, lastSeq: 0,
  };
  replies: Reply[] = [];
  queue: QueueItem[] = [];
  counts: QueueCounts = { reported: 0, pending: 0 };
  /** The reader's notifications, newest first (GET /api/me/notifications pages them, the cursor is an index). */
  notifications: Notification[] = [];
  /** Every REST call: method, path with query, JSON body. */
  readonly requests: { method: string; path: string; body: unknown }[] = [];
  /** Every hub invocation: target and arguments. */
  readonly invocations: { target: string; args: unknown[] }[] = [];
  /** Answers for REST routes a test stages: "METHOD /path" → [status, body]. */
  readonly answers = new Map<string, [number, Json]>();
  /** Answers for hub methods a test stages (throw for a HubException). */
  readonly hubMethods = new Map<string, (...args: unknown[]) => unknown>();
  private readonly sockets = new Set<WebSocketRoute>();

  /** Serves `body` as the page at ORIGIN/, with the bundle, and routes the page's calls here. */
  async open(page: Page, body: string): Promise<void> {
    await page.route(`${ORIGIN}/**`, (route) => this.rest(route, body));
    await page.routeWebSocket(/\/hubs\/discussion/, (socket) => this.hub(socket));
    await page.goto(`${ORIGIN}/`);
  }

  /** A server → client message to every connected page (`QueueChanged`, `ReplyPosted`, …). */
  send(target: string, payload: unknown): void {
    for (const socket of this.sockets) socket.send(JSON.stringify({ type: 1, target, arguments: [payload] }) + RS);
  }

  queueChanged(event: QueueChangedEvent): void {
    this.counts = event.counts;
    this.send("QueueChanged", event);
  }

  /** Publishes a reply as the server would, with the topic's next seq. */
  publish(reply: Reply): void {
    const seq = ++this.topic.lastSeq;
    const published = { ...reply, seq };
    delete published.status;
    this.replies.push(published);
    this.topic.replyCount++;
    this.send("ReplyPosted", { topicId: "t1", seq, reply: published });
  }

  /** A new notification for the reader, as the hub pushes it. */
  notify(notification: Notification): void {
    this.notifications.unshift(notification);
    this.send("Notified", { notification, unread: this.unread() });
  }

  unread(): number {
    return this.notifications.filter((n) => !n.read).length;
  }

  private async rest(route: Route, page: string): Promise<void> {
    const request = route.request();
    const url = new URL(request.url());
    const method = request.method();
    const body: unknown = request.postData() ? JSON.parse(request.postData()!) : undefined;
    if (url.pathname === "/") return route.fulfill({ contentType: "text/html", body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test page</title><script src="/sdk/livecommunity.js"></script></head><body>${page}</body></html>` });
    if (url.pathname === "/sdk/livecommunity.js") return route.fulfill({ contentType: "text/javascript", body: await browserBundle() });
    this.requests.push({ method, path: url.pathname + url.search, body });
    const staged = this.answers.get(`${method} ${url.pathname}`);
    if (staged) return route.fulfill({ status: staged[0], contentType: "application/json", body: staged[1] === null ? "" : JSON.stringify(staged[1]) });
    const json = (value: unknown, status = 200) => route.fulfill({ status, contentType: "application/json", body: JSON.stringify(value) });
    if (url.pathname === "/api/topics/t1") return json(this.topic);
    if (url.pathname === "/api/me") return json({ id: "me", name: "Me", role: "member", muted: [], unread: this.unread() });
    if (url.pathname === "/api/me/notifications") {
      const start = Number(url.searchParams.get("cursor") ?? 0);
      const end = start + Number(url.searchParams.get("limit") ?? 20);
      return json({ items: this.notifications.slice(start, end), nextCursor: end < this.notifications.length ? String(end) : null, unread: this.unread() });
    }
    if (url.pathname === "/api/me/notifications/read") {
      const upTo = (body as { upTo?: string }).upTo;
      const from = upTo === undefined ? 0 : this.notifications.findIndex((n) => n.id === upTo);
      for (const n of from === -1 ? [] : this.notifications.slice(from)) n.read = true;
      this.send("NotificationsRead", { unread: this.unread() }); // to every connection of the reader, this one too
      return json({ unread: this.unread() });
    }
    if (url.pathname === "/api/topics/t1/replies") {
      const items = url.searchParams.get("featured") === "true" ? this.replies.filter((r) => r.featured) : this.replies.slice().reverse();
      return json({ items, nextCursor: null, lastSeq: this.topic.lastSeq });
    }
    if (url.pathname === "/api/moderation/queue") {
      const state = url.searchParams.get("state") ?? "all";
      return json({ items: this.queue.filter((item) => state === "all" || item.state === state), nextCursor: null, counts: this.counts });
    }
    if (/^\/api\/replies\/[^/]+\/reports$/.test(url.pathname)) return json({ reported: true });
    const decided = /^\/api\/moderation\/queue\/([^/]+)\/(approve|reject)$/.exec(url.pathname);
    if (decided) {
      const item = this.queue.find((i) => i.reply.id === decodeURIComponent(decided[1]!));
      if (!item) return json({ title: "Conflict", status: 409, detail: "the reply is not in the queue" }, 409);
      this.queue = this.queue.filter((i) => i !== item);
      return decided[2] === "approve" ? json({ ...item.reply }) : route.fulfill({ status: 204 });
    }
    return json({ title: "Not Found", status: 404 }, 404);
  }

  private hub(socket: WebSocketRoute): void {
    this.sockets.add(socket);
    socket.onClose(() => this.sockets.delete(socket));
    socket.onMessage((data) => {
      for (const text of String(data).split(RS).filter(Boolean)) {
        const message = JSON.parse(text) as { type?: number; invocationId?: string; target?: string; arguments?: unknown[] };
        if (message.type === undefined) socket.send("{}" + RS); // the handshake
        else if (message.type === 1 && message.target) this.invoke(socket, message.target, message.arguments ?? [], message.invocationId);
      }
    });
  }

  private invoke(socket: WebSocketRoute, target: string, args: unknown[], invocationId: string | undefined): void {
    this.invocations.push({ target, args });
    let result: unknown = null;
    try {
      const custom = this.hubMethods.get(target);
      if (custom) result = custom(...args);
      else if (target === "Watch") result = { topicId: "t1", lastSeq: this.topic.lastSeq, watchers: 1, reset: false, missed: [] };
      else if (target === "WatchQueue") result = { counts: this.counts };
    } catch (error) {
      if (invocationId) socket.send(JSON.stringify({ type: 3, invocationId, error: `HubException: ${(error as Error).message}` }) + RS);
      return;
    }
    if (invocationId) socket.send(JSON.stringify({ type: 3, invocationId, result }) + RS);
  }
}
