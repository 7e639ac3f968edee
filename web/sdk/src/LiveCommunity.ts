import { ApiClient } from "./ApiClient";
import { createSignalRConnection, type HubConnectionFactory } from "./HubConnectionLike";
import { HubLink } from "./HubLink";
import type { LiveThread } from "./LiveThread";
import type { NotificationPage } from "./notificationTypes";
import type { QueuePage, QueueQuery, ReportReason, ReportResult } from "./moderationTypes";
import type { QueueWatch } from "./QueueWatch";
import { defaultRetryPolicy, type RetryPolicy } from "./RetryPolicy";
import type { ThreadState } from "./ThreadState";
import type { TopicList } from "./TopicList";
import { WatchRegistry, type KeptWatch, type KeptWatchHost } from "./WatchRegistry";
import type { StatsWatch } from "./counts/StatsWatch";
import { counts, type CountsHandle, type CountsOptions } from "./counts/counts";
import type { Account, Page, Reply, ServerConfig, Topic } from "./types";

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

const HUB_PATH = "/hubs/discussion";

/**
 * A LiveCommunity client: REST for snapshots and moderation, one hub connection for
 * every watched topic (HubLink, which keeps it up), and the watches on it (WatchRegistry).
 */
export class LiveCommunity {
  readonly api: ApiClient;
  private readonly link: HubLink;
  private readonly watches: WatchRegistry;
  private configValue: Promise<ServerConfig> | undefined;

  constructor(options: LiveCommunityOptions) {
    const baseUrl = options.baseUrl.replace(/\/+$/, "");
    const tokenSource = options.accessToken ?? (() => "");
    const accessToken = async () => (await tokenSource()) ?? "";
    this.api = new ApiClient(baseUrl, accessToken, options.fetch ?? globalThis.fetch.bind(globalThis));
    const connection = (options.connectionFactory ?? createSignalRConnection)(baseUrl + HUB_PATH, accessToken);
    const networkEvents = options.networkEvents ?? (typeof window !== "undefined" ? window : undefined);
    this.link = new HubLink(connection, options.retryPolicy ?? defaultRetryPolicy, networkEvents, () => this.watches.all());
    this.watches = new WatchRegistry(this.api, this.link, options.pageSize ?? 50, options.gapWaitMs ?? 500);
  }

  /** Fills and keeps live the reply counts of a page's article teasers (see `counts`). */
  static counts(options: CountsOptions): Promise<CountsHandle> {
    return counts(options);
  }

  /** The state of the hub connection shared by all watched threads. */
  get state(): ThreadState {
    return this.link.state;
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
  watchTopics(): Promise<TopicList> {
    return this.watches.watchTopics();
  }

  /**
   * Watches the counts of chosen topics (`WatchStats`, at most 100): `topicStats` as they change, on the client's
   * one hub connection, watched again after every reconnect with `resumed`. A second call changes the set of the
   * same watch. `LiveCommunity.counts` builds teaser lists on it.
   */
  watchStats(topicIds: readonly string[]): Promise<StatsWatch> {
    return this.watches.watchStats(topicIds);
  }

  /**
   * Loads a topic and its latest replies, then watches it live. Watching the same topic
   * twice returns the same thread. Rejects if the topic cannot be loaded; a hub that cannot
   * be reached yet only leaves the thread `reconnecting`.
   */
  watch(topicId: string): Promise<LiveThread> {
    return this.watches.watch(topicId);
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
    return this.watches.keep(watch, events);
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
    return this.watches.watchQueue();
  }

  /** Closes every thread and the connection. */
  close(): Promise<void> {
    return this.link.close();
  }
}
