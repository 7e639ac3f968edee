// A fake LiveCommunity server at the network edge (REST via an injected fetch, the hub via an
// injected connection), so unit tests can reorder, repeat, drop and cut at will.
import type { HubConnectionLike, ReactionsResult, Reply, ServerConfig, Topic, TopicEvent, WatchResult } from "../../sdk/src/index";

export function reply(id: string, body = `reply ${id}`, minute = 0): Reply {
  return {
    id, topicId: "t1", parentId: null, author: { id: "u1", name: "Ann" }, body,
    createdAt: new Date(Date.UTC(2030, 0, 1, 12, minute)).toISOString(), editedAt: null,
    reactions: { like: 0, insightful: 0, disagree: 0 }, seq: null,
  };
}

export class FakeServer {
  topic: Topic = {
    id: "t1", title: "A topic", body: "Body", sourceUrls: [], author: { id: "u9", name: "Editor" },
    createdAt: new Date(Date.UTC(2030, 0, 1)).toISOString(), locked: false, premoderated: false, replyCount: 0,
    reactions: { like: 0, insightful: 0, disagree: 0 }, lastSeq: 0,
  };
  replies: Reply[] = [];
  log: TopicEvent[] = [];
  /** When set, the next Watch answers `reset: true` (the log no longer has what was asked for). */
  resetNextWatch = false;
  readonly hub = new FakeHub(this);
  restCalls: string[] = [];
  /** The caller's own reactions by target id ("t1" is the topic), as REST answers carry them in `mine`. */
  mine = new Map<string, string[]>();
  config: ServerConfig = {
    reactionKinds: ["like", "insightful", "disagree"],
    reportReasons: ["spam", "abuse", "off-topic", "other"],
    limits: { replyMaxLength: 5000, titleMaxLength: 200, topicBodyMaxLength: 20000, reasonMaxLength: 500, noteMaxLength: 500, maxSourceUrls: 10, editWindowSeconds: 900 },
    devTokens: false,
  };
  /** Every REST request with its method and JSON body. */
  requests: { method: string; path: string; body: unknown }[] = [];
  /** Extra routes for a test: the first that answers wins, before the built-in ones. */
  routes: ((method: string, url: URL, body: unknown) => Response | undefined)[] = [];

  /** Records an event as the server would: into the log and the state; returns it for delivery. */
  post(r: Reply): TopicEvent {
    this.replies.push(r);
    this.topic.replyCount++;
    const event = this.record({ type: "ReplyPosted", topicId: "t1", seq: 0, reply: r });
    r.seq = event.seq;
    return event;
  }

  remove(replyId: string): TopicEvent {
    this.replies = this.replies.filter((r) => r.id !== replyId);
    this.topic.replyCount--;
    return this.record({ type: "ReplyRemoved", topicId: "t1", seq: 0, replyId });
  }

  /** Features or unfeatures a reply as the server does: the flag and a ReplyFeatured in the log. */
  feature(replyId: string, featured: boolean): TopicEvent {
    const target = this.replies.find((r) => r.id === replyId);
    if (target) target.featured = featured;
    return this.record({ type: "ReplyFeatured", topicId: "t1", seq: 0, replyId, featured });
  }

  record(event: TopicEvent): TopicEvent {
    event.seq = ++this.topic.lastSeq;
    this.log.push(event);
    return event;
  }

  readonly fetch: typeof fetch = async (input, init) => {
    const url = new URL(String(input));
    this.restCalls.push(url.pathname + url.search);
    const method = init?.method ?? "GET";
    const body: unknown = typeof init?.body === "string" ? JSON.parse(init.body) : undefined;
    this.requests.push({ method, path: url.pathname + url.search, body });
    for (const route of this.routes) {
      const response = route(method, url, body);
      if (response) return response;
    }
    if (url.pathname === "/api/config") return json(this.config);
    if (url.pathname === "/api/topics/t1") return json({ ...this.topic, mine: this.mine.get("t1") ?? [] });
    if (url.pathname === "/api/topics/t1/replies") {
      const featured = url.searchParams.get("featured") === "true";
      const top = url.searchParams.get("order") === "top"; // by likes here, ties by seq (the server weighs kinds)
      const listed = featured ? this.replies.filter((r) => r.featured)
        : top ? this.replies.slice().sort((a, b) => (b.reactions.like ?? 0) - (a.reactions.like ?? 0) || (a.seq ?? 0) - (b.seq ?? 0))
        : this.replies.slice().reverse();
      const items = listed.map((r) => ({ ...r, mine: this.mine.get(r.id) ?? [] }));
      return json({ items, nextCursor: null, lastSeq: this.topic.lastSeq });
    }
    return new Response(JSON.stringify({ title: "Not Found", status: 404 }), { status: 404 });
  };

  /** SetReaction as the server answers it: the target's counts and the caller's kinds on it now. */
  react(replyId: string | null, kind: string, on: boolean): ReactionsResult {
    const id = replyId ?? "t1";
    const target = replyId === null ? this.topic : this.replies.find((r) => r.id === replyId)!;
    const mine = new Set(this.mine.get(id) ?? []);
    if (on !== mine.has(kind)) target.reactions[kind] = (target.reactions[kind] ?? 0) + (on ? 1 : -1);
    if (on) mine.add(kind);
    else mine.delete(kind);
    const kinds = this.config.reactionKinds.filter((k) => mine.has(k));
    this.mine.set(id, kinds);
    return { reactions: { ...target.reactions }, mine: kinds };
  }

  /** WatchUpdates as the server answers it: Watch's replay with only the update events. */
  watchUpdates(afterSeq: number | null): WatchResult {
    const result = this.watch(afterSeq);
    return { ...result, missed: result.missed.filter((e) => e.type.startsWith("Update")) };
  }

  watch(afterSeq: number | null): WatchResult {
    if (this.resetNextWatch) {
      this.resetNextWatch = false;
      return { topicId: "t1", lastSeq: this.topic.lastSeq, watchers: 1, reset: true, missed: [] };
    }
    const missed = afterSeq === null ? [] : this.log.filter((e) => e.seq > afterSeq);
    return { topicId: "t1", lastSeq: this.topic.lastSeq, watchers: 2, reset: false, missed };
  }
}

export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

export class FakeHub implements HubConnectionLike {
  /** Several per method, as SignalR keeps them (a thread and a live blog both take UpdatePosted). */
  private handlers = new Map<string, Set<(...args: unknown[]) => void>>();
  private closeCallbacks: ((error?: Error) => void)[] = [];
  connected = false;
  /** How many of the next start() calls fail. */
  failStarts = 0;
  starts = 0;
  invocations: { method: string; args: unknown[] }[] = [];
  /** Hub methods a test answers itself (a throw is the server's HubException), before the built-in ones. */
  methods = new Map<string, (...args: unknown[]) => unknown>();

  constructor(private readonly server: FakeServer) {}

  async start(): Promise<void> {
    this.starts++;
    this.watchingTopics = false; // a new connection is in no group
    if (this.failStarts > 0) {
      this.failStarts--;
      throw new Error("server unreachable");
    }
    this.connected = true;
  }

  async stop(): Promise<void> {
    if (!this.connected) return;
    this.connected = false;
    for (const callback of this.closeCallbacks) callback();
  }

  /** How many of the next Watch calls are refused as rate limited ("retry in 1 s"). */
  refuseWatches = 0;
  /** Whether this connection watches the topic list now (WatchTopics / UnwatchTopics). */
  watchingTopics = false;

  /** The network cuts the connection. */
  cut(): void {
    this.connected = false;
    for (const callback of this.closeCallbacks) callback(new Error("connection lost"));
  }

  async invoke<T>(method: string, ...args: unknown[]): Promise<T> {
    if (!this.connected) throw new Error("not connected");
    this.invocations.push({ method, args });
    const custom = this.methods.get(method);
    if (custom) return custom(...args) as T;
    if (method === "Watch" && this.refuseWatches > 0) {
      this.refuseWatches--;
      throw new Error("An unexpected error occurred invoking 'Watch' on the server. HubException: rate limited, retry in 1 s");
    }
    if (method === "Watch") return this.server.watch(args[1] as number | null) as T;
    if (method === "WatchUpdates") return this.server.watchUpdates(args[1] as number | null) as T;
    if (method === "SetReaction") return this.server.react(args[1] as string | null, args[2] as string, args[3] as boolean) as T;
    if (method === "WatchTopics") {
      this.watchingTopics = true;
      return {} as T;
    }
    if (method === "UnwatchTopics") this.watchingTopics = false;
    if (method === "PostReply") throw new Error("An unexpected error occurred invoking 'PostReply' on the server. HubException: sign in to post");
    return undefined as T;
  }

  on(method: string, handler: (...args: unknown[]) => void): void {
    const handlers = this.handlers.get(method) ?? new Set();
    this.handlers.set(method, handlers.add(handler));
  }

  private emit(method: string, payload: unknown): void {
    for (const handler of this.handlers.get(method) ?? []) handler(payload);
  }

  onclose(callback: (error?: Error) => void): void {
    this.closeCallbacks.push(callback);
  }

  /** Sends a live topic list event, as the server does, only while this connection watches the list. */
  list(method: "TopicPosted" | "TopicStats", payload: unknown): void {
    if (this.connected && this.watchingTopics) this.emit(method, payload);
  }

  /** Delivers a live event (its `type` says which hub method). */
  deliver(event: TopicEvent): void {
    const { type, ...payload } = event;
    this.emit(type, payload);
  }

  /** Sends any server → client message (events without seq, like QueueChanged). */
  send(method: string, payload: unknown): void {
    this.emit(method, payload);
  }

  watchCalls(method: "Watch" | "WatchUpdates" = "Watch"): unknown[][] {
    return this.invocations.filter((i) => i.method === method).map((i) => i.args);
  }
}
