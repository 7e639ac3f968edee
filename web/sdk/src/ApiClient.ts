import type { NotificationPage, NotificationsReadEvent } from "./notificationTypes";
import type { QueuePage, QueueQuery, ReportReason, ReportResult } from "./moderationTypes";
import type { Account, ArticleCounts, Page, Reply, ReplyPage, ServerConfig, Topic } from "./types";

/** A failed REST or hub call, with the server's problem details where it sent them. */
export class LiveCommunityError extends Error {
  constructor(
    message: string,
    /** HTTP status; 0 for hub and network errors. */
    readonly status: number = 0,
    readonly title?: string,
    readonly detail?: string,
  ) {
    super(message);
    this.name = "LiveCommunityError";
  }
}

/** The REST half of the protocol, one method per route the SDK needs. */
export class ApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly accessToken: () => Promise<string>,
    private readonly fetchImpl: typeof fetch,
  ) {}

  getConfig(): Promise<ServerConfig> {
    return this.send("GET", "/api/config");
  }

  getTopics(limit = 20, cursor?: string): Promise<Page<Topic>> {
    return this.send("GET", `/api/topics${query({ limit, cursor })}`);
  }

  getTopic(topicId: string): Promise<Topic> {
    return this.send("GET", `/api/topics/${enc(topicId)}`);
  }

  /** The topic of a host site's article; 404 when there is none yet. */
  getArticle(articleId: string): Promise<Topic> {
    return this.send("GET", `/api/articles/${enc(articleId)}`);
  }

  /** Creates the article's topic from a token the host site signed (or finds it). */
  resolveArticle(token: string): Promise<Topic> {
    return this.send("POST", "/api/articles/resolve", { token });
  }

  /** Counts of at most 100 articles (the server's bound). */
  getArticleCounts(articleIds: readonly string[]): Promise<ArticleCounts> {
    return this.send("GET", `/api/articles/counts${query({ ids: articleIds.join(",") })}`);
  }

  getReplies(topicId: string, options: { order?: "oldest" | "newest" | "top"; limit?: number; cursor?: string | null; featured?: boolean }): Promise<ReplyPage> {
    const featured = options.featured ? "true" : undefined;
    return this.send("GET", `/api/topics/${enc(topicId)}/replies${query({ order: options.order, limit: options.limit, cursor: options.cursor, featured })}`);
  }

  createTopic(topic: { title: string; body: string; sourceUrls?: string[] }): Promise<Topic> {
    return this.send("POST", "/api/topics", topic);
  }

  removeReply(replyId: string, reason?: string): Promise<void> {
    return this.send("DELETE", `/api/replies/${enc(replyId)}${query({ reason })}`);
  }

  getMe(): Promise<Account> {
    return this.send("GET", "/api/me");
  }

  /** The signed-in reader's notifications, newest first, with their unread count. */
  getNotifications(limit?: number, cursor?: string | null): Promise<NotificationPage> {
    return this.send("GET", `/api/me/notifications${query({ limit, cursor })}`);
  }

  /** Marks all notifications read, or those up to and including `upTo`. */
  markNotificationsRead(upTo?: string): Promise<NotificationsReadEvent> {
    return this.send("POST", "/api/me/notifications/read", upTo === undefined ? {} : { upTo });
  }

  /** Signed-in readers: lists leave out replies by users they muted. */
  setMuted(userId: string, muted: boolean): Promise<void> {
    return this.send(muted ? "PUT" : "DELETE", `/api/me/muted/${enc(userId)}`);
  }

  /** Moderators, admins and journalists: lifts a reply into the "Featured" strip, or takes it out. */
  setFeatured(replyId: string, featured: boolean): Promise<Reply> {
    return this.send(featured ? "PUT" : "DELETE", `/api/replies/${enc(replyId)}/featured`);
  }

  restoreReply(replyId: string): Promise<Reply> {
    return this.send("POST", `/api/replies/${enc(replyId)}/restore`);
  }

  editReply(replyId: string, body: string): Promise<Reply> {
    return this.send("PATCH", `/api/replies/${enc(replyId)}`, { body });
  }

  setLocked(topicId: string, locked: boolean): Promise<Topic> {
    return this.send(locked ? "PUT" : "DELETE", `/api/topics/${enc(topicId)}/lock`);
  }

  banUser(userId: string, reason: string, removeReplies: boolean): Promise<void> {
    return this.send("PUT", `/api/users/${enc(userId)}/ban`, { reason, removeReplies });
  }

  unbanUser(userId: string): Promise<void> {
    return this.send("DELETE", `/api/users/${enc(userId)}/ban`);
  }

  report(replyId: string, reason: ReportReason, note?: string): Promise<ReportResult> {
    return this.send("POST", `/api/replies/${enc(replyId)}/reports`, note ? { reason, note } : { reason });
  }

  getQueue(options: QueueQuery): Promise<QueuePage> {
    const { state = "all", topicId, limit, cursor } = options;
    return this.send("GET", `/api/moderation/queue${query({ state, topicId, limit, cursor })}`);
  }

  approve(replyId: string, version?: number): Promise<Reply> {
    return this.send("POST", `/api/moderation/queue/${enc(replyId)}/approve`, version === undefined ? undefined : { version });
  }

  reject(replyId: string, reason: string): Promise<void> {
    return this.send("POST", `/api/moderation/queue/${enc(replyId)}/reject`, { reason });
  }

  setPremoderated(topicId: string, on: boolean): Promise<Topic> {
    return this.send(on ? "PUT" : "DELETE", `/api/topics/${enc(topicId)}/premoderation`);
  }

  eraseReply(replyId: string, reason: string): Promise<void> {
    return this.send("DELETE", `/api/replies/${enc(replyId)}${query({ erase: "true", reason })}`);
  }

  eraseUserContent(userId: string, reason: string): Promise<void> {
    return this.send("DELETE", `/api/users/${enc(userId)}/content${query({ reason })}`);
  }

  /** @internal A request to a route of a module of its own (the live blog's, kept out of the embed bundle). */
  async send<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { Accept: "application/json" };
    const token = await this.accessToken();
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let response: Response;
    try {
      response = await this.fetchImpl(this.baseUrl + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new LiveCommunityError(`network error: ${(error as Error).message}`);
    }
    if (!response.ok) throw await problem(response);
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

async function problem(response: Response): Promise<LiveCommunityError> {
  let title: string | undefined;
  let detail: string | undefined;
  try {
    const json = (await response.json()) as { title?: string; detail?: string };
    title = json.title;
    detail = json.detail;
  } catch {
    // Not problem+json (a proxy's error page, say): the status says enough.
  }
  const message = detail || title || `${response.status} ${response.statusText}`.trim();
  return new LiveCommunityError(message, response.status, title, detail);
}

export function enc(id: string): string {
  return encodeURIComponent(id);
}

export function query(params: Record<string, string | number | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}
