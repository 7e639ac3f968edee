import { ApiClient, LiveCommunityError } from "./ApiClient";
import { createSignalRConnection, type HubConnectionFactory, type HubConnectionLike } from "./HubConnectionLike";
import { LiveThread, type ThreadHost } from "./LiveThread";
import type { NotificationPage } from "./notificationTypes";
import type { QueueChangedEvent, QueuePage, QueueQuery, ReportReason, ReportResult } from "./moderationTypes";
import { QueueWatch, type QueueHost } from "./QueueWatch";
import { defaultRetryPolicy, type RetryPolicy } from "./RetryPolicy";
import { ThreadState } from "./ThreadState";
import { TopicList, type TopicListHost } from "./TopicList";
import { StatsWatch, type StatsWatchHost } from "./counts/StatsWatch";
import { counts, type CountsHandle, type CountsOptions } from "./counts/counts";
import type { Account, HintEventMap, Page, Reply, ServerConfig, Topic, TopicEvent, TopicEventMap, TopicEventType } from "./types";

export interface LiveCommunityOptions {
  /** The server's origin (and path prefix, if any), e.g. "https://community.example.com". */
  baseUrl: string;
  /** Returns the reader's JWT, or "" for an anonymous reader. Called for every request and (re)connect. */
  accessToken?: () => string | Promise<string>;
  /** When to retry a lost connection; default `defaultRetryPolicy` (never gives up). */
  retryPolicy?: RetryPolicy;
  /** Replies per REST page (latest on watch, then `loadOlder`). Default 50. */
  pageSize?: number;
  /** How long an event ahead of a missing seq is held before asking the hub for the gap. Default 500 ms. */
  gapWaitMs?: number;
  /** Replaces the SignalR connection, e.g. with a fake in tests. */
  connectionFactory?: HubConnectionFactory;
  /** Replaces `fetch` for REST calls. */
  fetch?: typeof fetch;
  /** Where 'online' / 'offline' events come from; default `window` where there is one. */
  networkEvents?: EventTarget;
}

/** A watch another module keeps on the client's connection (`keep`). */
export interface KeptWatch {
  join(): Promise<void>;
  setState(state: ThreadState): void;
  close(): void;
}

/** What `keep` gives the watch: REST, whether the connection is live, a connect, and a way out. */
export interface KeptWatchHost {
  readonly api: ApiClient;
  readonly connected: boolean;
  /** Starts the connection if it is not live; resolves after one attempt (which joins the watch). */
  connect(): Promise<void>;
  release(): void;
}

const HUB_PATH = "/hubs/discussion";
// Every event of the topic's seq stream, the live blog's included: a watcher that did not take one would see its
// seq as a gap and ask the hub again.
const EVENT_TYPES: readonly TopicEventType[] = ["ReplyPosted", "ReplyEdited", "ReplyRemoved", "ReplyRestored", "ReplyFeatured", "ReactionsChanged", "TopicUpdated", "UpdatePosted", "UpdateEdited", "UpdateRemoved"];

/**
 * A LiveCommunity client: REST for snapshots and moderation, one hub connection for
 * every watched topic, and the reconnect loop that keeps those topics current.
 */
export class LiveCommunity {
  readonly api: ApiClient;
  private readonly connection: HubConnectionLike;
  private readonly threads = new Map<string, LiveThread>();
  private topicList: TopicList | undefined;
  private readonly listHost: TopicListHost;
  private statsWatch: StatsWatch | undefined;
  private readonly statsHost: StatsWatchHost;
  private configValue: Promise<ServerConfig> | undefined;
  private readonly retryPolicy: RetryPolicy;
  private readonly host: ThreadHost;
  private readonly queueHost: QueueHost;
  private queue: Promise<QueueWatch> | undefined;
  private queueWatch: QueueWatch | undefined;
  /** Watches that modules of their own keep on the connection (`keep`), and their hub handlers by event. */
  private readonly kept = new Set<KeptWatch>();
  private readonly keptHandlers = new Map<string, Set<(payload: unknown) => void>>();
  private readonly networkEvents: EventTarget | undefined;
  private connectionState = ThreadState.Offline;
  private connecting: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private attemptWaiters: (() => void)[] = [];
  private everConnected = false;
  private closed = false;

  constructor(options: LiveCommunityOptions) {
    const baseUrl = options.baseUrl.replace(/\/+$/, "");
    const tokenSource = options.accessToken ?? (() => "");
    const accessToken = async () => (await tokenSource()) ?? "";
    this.retryPolicy = options.retryPolicy ?? defaultRetryPolicy;
    this.api = new ApiClient(baseUrl, accessToken, options.fetch ?? globalThis.fetch.bind(globalThis));
    this.connection = (options.connectionFactory ?? createSignalRConnection)(baseUrl + HUB_PATH, accessToken);
    for (const type of EVENT_TYPES) {
      this.connection.on(type, (payload) => this.dispatch(type, payload as TopicEventMap[typeof type]));
    }
    this.onHint("PresenceChanged", ({ topicId, watchers }) => this.threads.get(topicId)?.presence(watchers));
    this.onHint("TopicSeq", ({ topicId, lastSeq }) => this.threads.get(topicId)?.heard(lastSeq));
    this.onHint("TopicPosted", (payload) => this.topicList?.posted(payload));
    this.onHint("TopicStats", (payload) => {
      this.topicList?.stats(payload);
      this.statsWatch?.stats(payload);
    });
    this.connection.on("QueueChanged", (payload) => this.queueWatch?.receive(payload as QueueChangedEvent));
    this.connection.onclose((error) => this.connectionLost(error ?? new Error("connection closed")));

    const client = this;
    this.host = {
      api: this.api,
      pageSize: options.pageSize ?? 50,
      gapWaitMs: options.gapWaitMs ?? 500,
      get connected() {
        return client.connectionState === ThreadState.Live;
      },
      invoke: (method, ...args) => this.invoke(method, ...args),
      release: (thread) => this.release(thread),
    };
    this.listHost = {
      get connected() {
        return client.connectionState === ThreadState.Live;
      },
      invoke: (method, ...args) => this.invoke(method, ...args),
      release: (list) => this.releaseList(list),
    };
    this.statsHost = {
      get connected() {
        return client.connectionState === ThreadState.Live;
      },
      invoke: (method, ...args) => this.invoke(method, ...args),
      release: (watch) => {
        if (this.statsWatch !== watch) return;
        this.statsWatch = undefined;
        if (this.connectionState === ThreadState.Live) this.connection.invoke("UnwatchStats").catch(() => undefined);
      },
    };
    this.queueHost = {
      api: this.api,
      invoke: (method, ...args) => this.invoke(method, ...args),
      release: (watch) => this.releaseQueue(watch),
    };

    this.networkEvents = options.networkEvents ?? (typeof window !== "undefined" ? window : undefined);
    this.networkEvents?.addEventListener("online", this.onOnline);
    this.networkEvents?.addEventListener("offline", this.onOffline);
  }

  /** Fills and keeps live the reply counts of a page's article teasers (see `counts`). */
  static counts(options: CountsOptions): Promise<CountsHandle> {
    return counts(options);
  }

  /** The state of the hub connection shared by all watched threads. */
  get state(): ThreadState {
    return this.connectionState;
  }

  /** Newest topics first. */
  topics(limit?: number, cursor?: string): Promise<Page<Topic>> {
    return this.api.getTopics(limit, cursor);
  }

  /**
   * The server's reaction kinds, text limits and whether dev tokens exist (`GET /api/config`), read once per
   * client (a failed read is tried again on the next call).
   */
  config(): Promise<ServerConfig> {
    this.configValue ??= this.api.getConfig().catch((error: unknown) => {
      this.configValue = undefined;
      throw error;
    });
    return this.configValue;
  }

  /**
   * Watches the live topic list: `topicPosted` for each new topic and `topicStats` (reply count, the topic's
   * reactions, readers) as they change, on the client's one hub connection. Watched again after every reconnect,
   * with `resumed` to say that what was sent meanwhile must be read over REST. Watching twice returns the same list.
   */
  async watchTopics(): Promise<TopicList> {
    if (this.closed) throw new LiveCommunityError("the client is closed");
    if (this.topicList) return this.topicList;
    const list = new TopicList(this.listHost);
    this.topicList = list;
    if (this.connectionState === ThreadState.Live) await list.join().catch(() => undefined);
    else {
      list.setState(this.connectionState === ThreadState.Connecting ? ThreadState.Connecting : ThreadState.Reconnecting);
      const attempted = new Promise<void>((resolve) => this.attemptWaiters.push(resolve));
      this.ensureConnected();
      await attempted;
    }
    return list;
  }

  /**
   * Watches the counts of chosen topics (`WatchStats`, at most 100): `topicStats` as they change, on the client's
   * one hub connection, watched again after every reconnect with `resumed`. A second call changes the set of the
   * same watch. `LiveCommunity.counts` builds teaser lists on it.
   */
  async watchStats(topicIds: readonly string[]): Promise<StatsWatch> {
    if (this.closed) throw new LiveCommunityError("the client is closed");
    const watch = this.statsWatch ?? new StatsWatch(this.statsHost);
    this.statsWatch = watch;
    if (this.connectionState === ThreadState.Live) await watch.set(topicIds).catch(() => undefined);
    else {
      void watch.set(topicIds).catch(() => undefined); // keeps the set; the connect below joins it
      watch.setState(this.connectionState === ThreadState.Connecting ? ThreadState.Connecting : ThreadState.Reconnecting);
      const attempted = new Promise<void>((resolve) => this.attemptWaiters.push(resolve));
      this.ensureConnected();
      await attempted;
    }
    return watch;
  }

  /**
   * Loads a topic and its latest replies, then watches it live. Watching the same topic
   * twice returns the same thread. Rejects if the topic cannot be loaded; a hub that cannot
   * be reached yet only leaves the thread `reconnecting`.
   */
  async watch(topicId: string): Promise<LiveThread> {
    if (this.closed) throw new LiveCommunityError("the client is closed");
    const existing = this.threads.get(topicId);
    if (existing) return existing;
    const thread = new LiveThread(topicId, this.host);
    this.threads.set(topicId, thread);
    try {
      await thread.load();
    } catch (error) {
      this.threads.delete(topicId);
      thread.close();
      throw error;
    }
    if (this.connectionState === ThreadState.Live) await thread.join().catch(() => undefined);
    else {
      thread.setState(this.connectionState === ThreadState.Connecting ? ThreadState.Connecting : ThreadState.Reconnecting);
      // A successful connect joins every loaded thread; wait for one attempt so a fresh thread is usually live.
      const attempted = new Promise<void>((resolve) => this.attemptWaiters.push(resolve));
      this.ensureConnected();
      await attempted;
    }
    return thread;
  }

  /** Moderator: bans a user, optionally removing all their replies. */
  ban(userId: string, reason: string, removeReplies = false): Promise<void> {
    return this.api.banUser(userId, reason, removeReplies);
  }

  unban(userId: string): Promise<void> {
    return this.api.unbanUser(userId);
  }

  /** Moderator or admin. */
  createTopic(topic: { title: string; body: string; sourceUrls?: string[] }): Promise<Topic> {
    return this.api.createTopic(topic);
  }

  /** The signed-in reader: id, name, role, whom they muted and how many notifications they have not read. */
  me(): Promise<Account> {
    return this.api.getMe();
  }

  /** The signed-in reader's notifications, newest first (`limit` defaults to the server's page size). */
  notifications(options: { limit?: number; cursor?: string | null } = {}): Promise<NotificationPage> {
    return this.api.getNotifications(options.limit, options.cursor);
  }

  /** Marks all notifications read, or up to and including `upTo`; resolves to the unread count left. */
  async markNotificationsRead(upTo?: string): Promise<number> {
    return (await this.api.markNotificationsRead(upTo)).unread;
  }

  /**
   * @internal Keeps the watch of a module of its own (notifications) on this client's one connection: its hub
   * events by name, joined again after every reconnect, its state the connection's, closed with the client.
   */
  keep(watch: KeptWatch, events: Record<string, (payload: unknown) => void>): KeptWatchHost {
    if (this.closed) throw new LiveCommunityError("the client is closed");
    for (const [name, handler] of Object.entries(events)) {
      let handlers = this.keptHandlers.get(name);
      if (!handlers) {
        const all = (handlers = new Set());
        this.keptHandlers.set(name, all);
        this.connection.on(name, (payload) => all.forEach((h) => h(payload)));
      }
      handlers.add(handler);
    }
    this.kept.add(watch);
    const client = this;
    return {
      api: this.api,
      get connected() {
        return client.connectionState === ThreadState.Live;
      },
      connect: () => {
        const attempted = new Promise<void>((resolve) => this.attemptWaiters.push(resolve));
        this.ensureConnected();
        return attempted;
      },
      release: () => {
        this.kept.delete(watch);
        for (const [name, handler] of Object.entries(events)) this.keptHandlers.get(name)?.delete(handler);
      },
    };
  }

  /** Mutes (or unmutes) another reader: lists leave their replies out; `<live-thread>` also hides them live. */
  mute(userId: string, muted = true): Promise<void> {
    return this.api.setMuted(userId, muted);
  }

  /** Reports a reply to the moderators (signed in; not one's own). Reporting the same reply again is a no-op. */
  report(replyId: string, reason: ReportReason, note?: string): Promise<ReportResult> {
    return this.api.report(replyId, reason, note);
  }

  /** Moderator: lists the moderation queue (default: both queues), oldest first, with the counts of both queues. */
  moderationQueue(query: QueueQuery = {}): Promise<QueuePage> {
    return this.api.getQueue(query);
  }

  /**
   * Moderator: publishes a held reply, or brings back one hidden after reports; its reports are dismissed.
   * Pass the `version` of the QueueItem you showed: if the author edited the reply since, the server refuses
   * (409) instead of approving text nobody reviewed. Without it, whatever the text is now is approved.
   */
  approve(replyId: string, version?: number): Promise<Reply> {
    return this.api.approve(replyId, version);
  }

  /** Moderator: removes a reply from the queue for good (readers who saw it get `replyRemoved`). */
  reject(replyId: string, reason: string): Promise<void> {
    return this.api.reject(replyId, reason);
  }

  /** Moderator: holds every new reply of a topic for review (`on`), or stops doing so. */
  setPremoderated(topicId: string, on: boolean): Promise<Topic> {
    return this.api.setPremoderated(topicId, on);
  }

  /** Admin: removes a reply and deletes its text and earlier versions from storage. It cannot be restored. */
  eraseReply(replyId: string, reason: string): Promise<void> {
    return this.api.eraseReply(replyId, reason);
  }

  /** Admin: erases every reply of a user. Repeating it is harmless. */
  eraseUserContent(userId: string, reason: string): Promise<void> {
    return this.api.eraseUserContent(userId, reason);
  }

  /**
   * Moderator: watches the moderation queue live (`WatchQueue`). Calling it again returns the same watch.
   * Rejects when the caller may not watch it; a hub that cannot be reached yet only leaves the watch
   * `reconnecting`, with counts read over REST.
   */
  watchQueue(): Promise<QueueWatch> {
    if (this.closed) return Promise.reject(new LiveCommunityError("the client is closed"));
    this.queue ??= this.openQueue().catch((error: unknown) => {
      this.queue = undefined;
      throw error;
    });
    return this.queue;
  }

  /** Closes every thread and the connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.networkEvents?.removeEventListener("online", this.onOnline);
    this.networkEvents?.removeEventListener("offline", this.onOffline);
    for (const thread of [...this.threads.values()]) thread.close();
    this.topicList?.close();
    this.statsWatch?.close();
    this.queueWatch?.close();
    for (const watch of [...this.kept]) watch.close();
    this.connectionState = ThreadState.Offline;
    this.wakeUp?.();
    await this.connection.stop().catch(() => undefined);
  }

  private async invoke<T>(method: string, ...args: unknown[]): Promise<T> {
    if (this.connectionState !== ThreadState.Live) throw new LiveCommunityError(`not connected (${this.connectionState})`);
    try {
      return await this.connection.invoke<T>(method, ...args);
    } catch (error) {
      // SignalR prefixes the server's HubException message with its own words; keep the server's.
      const message = (error as Error).message ?? String(error);
      throw new LiveCommunityError(/HubException: (.*)$/s.exec(message)?.[1] ?? message);
    }
  }

  private onHint<K extends keyof HintEventMap>(type: K, handler: (payload: HintEventMap[K]) => void): void {
    this.connection.on(type, (payload) => handler(payload as HintEventMap[K]));
  }

  private dispatch<K extends TopicEventType>(type: K, payload: TopicEventMap[K]): void {
    this.threads.get(payload.topicId)?.receive({ ...payload, type } as TopicEvent);
  }

  private async openQueue(): Promise<QueueWatch> {
    const watch = new QueueWatch(this.queueHost);
    this.queueWatch = watch;
    try {
      if (this.connectionState !== ThreadState.Live) {
        // A successful connect joins the queue too; wait for one attempt.
        const attempted = new Promise<void>((resolve) => this.attemptWaiters.push(resolve));
        this.ensureConnected();
        await attempted;
      }
      if (watch.state === ThreadState.Live) return watch;
      if (this.connectionState === ThreadState.Live) await watch.join(); // says why, when refused
      else watch.startOffline((await this.api.getQueue({ state: "all", limit: 1 })).counts, this.connectionState);
      return watch;
    } catch (error) {
      watch.close();
      throw error;
    }
  }

  private releaseQueue(watch: QueueWatch): void {
    if (this.queueWatch !== watch) return;
    this.queueWatch = undefined;
    this.queue = undefined;
    if (this.connectionState === ThreadState.Live) this.connection.invoke("UnwatchQueue").catch(() => undefined);
  }

  private release(thread: LiveThread): void {
    if (this.threads.get(thread.topicId) !== thread) return;
    this.threads.delete(thread.topicId);
    if (this.connectionState === ThreadState.Live) this.connection.invoke("Unwatch", thread.topicId).catch(() => undefined);
  }

  private releaseList(list: TopicList): void {
    if (this.topicList !== list) return;
    this.topicList = undefined;
    if (this.connectionState === ThreadState.Live) this.connection.invoke("UnwatchTopics").catch(() => undefined);
  }

  private setConnectionState(state: ThreadState): void {
    this.connectionState = state;
    // A live connection makes a thread (or the list, or the queue) live only once it has re-joined (see connectLoop).
    if (state === ThreadState.Live) return;
    for (const thread of this.threads.values()) thread.setState(state);
    this.topicList?.setState(state);
    this.statsWatch?.setState(state);
    this.queueWatch?.setState(state);
    for (const watch of this.kept) watch.setState(state);
  }

  private ensureConnected(): void {
    if (this.closed || this.connecting || this.connectionState === ThreadState.Live) return;
    this.connecting = this.connectLoop().finally(() => {
      this.connecting = undefined;
      this.attempted();
      // Lost again while the loop was re-joining threads: go round once more.
      if (!this.closed && this.connectionState === ThreadState.Reconnecting) this.ensureConnected();
    });
  }

  private attempted(): void {
    for (const resolve of this.attemptWaiters.splice(0)) resolve();
  }

  private connectionLost(error: Error): void {
    if (this.closed || this.connectionState !== ThreadState.Live) return;
    this.setConnectionState(ThreadState.Reconnecting);
    this.ensureConnected();
  }

  /** Connects, retrying per the retry policy; on success every watched thread resumes from its last applied seq. */
  /**
   * A first connection is tried at once. A lost one waits the policy's first delay before its first attempt, as
   * SignalR's own automatic reconnect does: when an instance dies, all of its readers lose their connection in
   * the same instant, and the default policy spreads their return over two seconds instead of sending them all
   * to the surviving instances at once. A browser coming back online cuts any wait short.
   */
  private async connectLoop(): Promise<void> {
    const startedAt = Date.now();
    const reconnecting = this.everConnected;
    this.setConnectionState(reconnecting ? ThreadState.Reconnecting : ThreadState.Connecting);
    let lastError: Error = new Error("connection lost");
    for (let failures = 0; !this.closed; failures++) {
      if (reconnecting || failures > 0) {
        const delay = this.retryPolicy({
          previousRetryCount: reconnecting ? failures : failures - 1,
          elapsedMilliseconds: Date.now() - startedAt,
          retryReason: lastError,
        });
        if (delay === null) {
          this.setConnectionState(ThreadState.Offline);
          return;
        }
        this.setConnectionState(ThreadState.Reconnecting);
        await this.sleep(delay);
        if (this.closed) return;
      }
      try {
        await this.connection.start();
      } catch (error) {
        lastError = error instanceof Error ? error : new Error(String(error));
        this.attempted();
        continue;
      }
      if (this.closed) {
        await this.connection.stop().catch(() => undefined);
        return;
      }
      this.everConnected = true;
      this.setConnectionState(ThreadState.Live);
      const rejoining = [...this.threads.values(), ...(this.topicList ? [this.topicList] : []), ...(this.statsWatch ? [this.statsWatch] : []), ...(this.queueWatch ? [this.queueWatch] : []), ...this.kept];
      await Promise.all(rejoining.map((live) => live.join().catch(() => undefined)));
      return;
    }
  }

  /** Waits `ms`, or less when the browser comes back online. */
  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
      function done() {
        clearTimeout(timer);
        resolve();
      }
    }).finally(() => (this.wakeUp = undefined));
  }

  private readonly onOnline = () => {
    if (this.wakeUp) this.wakeUp();
    else if (this.connectionState === ThreadState.Offline && (this.threads.size > 0 || this.topicList || this.statsWatch || this.queueWatch || this.kept.size > 0)) this.ensureConnected();
  };

  /** The socket may take a server timeout to notice; the browser knows now. */
  private readonly onOffline = () => {
    if (this.connectionState !== ThreadState.Live) return;
    this.setConnectionState(ThreadState.Reconnecting);
    void this.connection.stop().catch(() => undefined).then(() => this.ensureConnected());
  };
}
