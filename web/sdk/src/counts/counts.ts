import type { HubConnectionFactory } from "../HubConnectionLike";
import { LiveCommunity } from "../LiveCommunity";
import type { RetryPolicy } from "../RetryPolicy";
import type { ArticleCount } from "../types";
import { MAX_STATS_TOPICS, type StatsWatch } from "./StatsWatch";

/** The attribute that marks an element to fill with its article's reply count. */
export const COUNT_ATTRIBUTE = "data-livecommunity-count";

/** The server's bound on ids per `GET /api/articles/counts` (PROTOCOL.md v3). */
export const MAX_COUNT_IDS = 100;

export interface CountsOptions {
  /** The server's origin (and path prefix, if any), e.g. "https://community.example.com". */
  server: string;
  /** Where to look for marked elements; default `document`. */
  root?: ParentNode;
  /** The text for a count; default "1 reply", "12 replies". */
  format?: (replyCount: number) => string;
  /** Keep the counts live over one hub connection (default true); false reads them once. */
  live?: boolean;
  /** Replaces `fetch` for REST calls. */
  fetch?: typeof fetch;
  /** Replaces the SignalR connection, e.g. with a fake in tests. */
  connectionFactory?: HubConnectionFactory;
  retryPolicy?: RetryPolicy;
  networkEvents?: EventTarget;
}

export interface CountsHandle {
  /** Finds marked elements added since, fills them and watches their topics too. */
  refresh(): Promise<void>;
  /** Stops keeping the counts live and closes the connection; the texts stay as they are. */
  stop(): Promise<void>;
  /** Article id → its topic and counts as last known (absent: no discussion yet). */
  readonly known: ReadonlyMap<string, ArticleCount>;
}

export const defaultCountFormat = (n: number): string => `${n} ${n === 1 ? "reply" : "replies"}`;

/**
 * Fills every element with `data-livecommunity-count="ARTICLE_ID"` with its article's reply count, in one
 * request per 100 ids, then keeps them live with `WatchStats` of their topics (the first 100 of them: the hub's
 * bound per connection). After a reconnect the topics are watched again and the counts read again. Text only:
 * an element's content is replaced with `textContent`, never parsed as HTML.
 */
export async function counts(options: CountsOptions): Promise<CountsHandle> {
  const client = new LiveCommunity({
    baseUrl: options.server, fetch: options.fetch, connectionFactory: options.connectionFactory,
    retryPolicy: options.retryPolicy, networkEvents: options.networkEvents,
  });
  const teasers = new Teasers(client, options);
  await teasers.refresh();
  return teasers;
}

class Teasers implements CountsHandle {
  readonly known = new Map<string, ArticleCount>();
  private readonly format: (n: number) => string;
  private readonly root: ParentNode;
  private watch: StatsWatch | undefined;
  private stopped = false;

  constructor(private readonly client: LiveCommunity, private readonly options: CountsOptions) {
    this.format = options.format ?? defaultCountFormat;
    this.root = options.root ?? document;
  }

  async refresh(): Promise<void> {
    if (this.stopped) return;
    const ids = this.articleIds();
    await this.load(ids.filter((id) => !this.known.has(id)));
    this.paint();
    await this.watchTopics();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.watch?.close();
    await this.client.close();
  }

  private articleIds(): string[] {
    const ids = new Set<string>();
    for (const element of this.root.querySelectorAll(`[${COUNT_ATTRIBUTE}]`)) {
      const id = element.getAttribute(COUNT_ATTRIBUTE)?.trim();
      if (id) ids.add(id);
    }
    return [...ids];
  }

  /** Reads counts in chunks of 100; an article without a topic counts 0 until it has one. */
  private async load(ids: readonly string[]): Promise<void> {
    const chunks: string[][] = [];
    for (let i = 0; i < ids.length; i += MAX_COUNT_IDS) chunks.push(ids.slice(i, i + MAX_COUNT_IDS));
    const answers = await Promise.all(chunks.map((chunk) => this.client.api.getArticleCounts(chunk)));
    if (this.stopped) return;
    for (const { items } of answers) {
      for (const [articleId, count] of Object.entries(items)) this.known.set(articleId, count);
    }
  }

  private paint(articleIds?: ReadonlySet<string>): void {
    for (const element of this.root.querySelectorAll(`[${COUNT_ATTRIBUTE}]`)) {
      const id = element.getAttribute(COUNT_ATTRIBUTE)?.trim();
      if (!id || (articleIds && !articleIds.has(id))) continue;
      const text = this.format(this.known.get(id)?.replyCount ?? 0);
      if (element.textContent !== text) element.textContent = text;
    }
  }

  private async watchTopics(): Promise<void> {
    if (this.options.live === false || this.stopped) return;
    const topicIds = [...new Set([...this.known.values()].map((c) => c.topicId))].slice(0, MAX_STATS_TOPICS);
    if (topicIds.length === 0 && !this.watch) return;
    if (this.watch) {
      await this.watch.set(topicIds).catch(() => undefined);
      return;
    }
    this.watch = await this.client.watchStats(topicIds);
    this.watch.on("topicStats", ({ topicId, replyCount, reactions, watchers }) => {
      const changed = new Set<string>();
      for (const [articleId, count] of this.known) {
        if (count.topicId !== topicId) continue;
        this.known.set(articleId, { topicId, replyCount, reactions, watchers });
        changed.add(articleId);
      }
      this.paint(changed);
    });
    // What changed while the connection was down is not replayed: read every count again.
    this.watch.on("resumed", () => void this.reload());
  }

  private async reload(): Promise<void> {
    try {
      await this.load(this.articleIds());
      if (!this.stopped) this.paint();
    } catch {
      // The next reconnect or refresh tries again; the counts shown stay as they were.
    }
  }
}
