import { HubWatch, type StateChange } from "./HubWatch";
import { RetryWhenAllowed } from "./RetryPolicy";
import { ThreadState } from "./ThreadState";
import type { TopicPostedEvent, TopicStatsEvent } from "./types";
import type { HubMethod } from "./hubMethods";

/** Events of the live topic list, by name. None carries a seq: they are hints for a front page, not history. */
export interface TopicListEventMap {
  /** A topic was created. */
  topicPosted: TopicPostedEvent;
  /** A topic's reply count, own reactions or readers changed (the server sends about one a second per topic at most). */
  topicStats: TopicStatsEvent;
  /**
   * The list is watched again after the connection was lost. What was sent meanwhile is not replayed:
   * reload the first page over REST (`lc.topics()`) to catch up.
   */
  resumed: Record<string, never>;
  state: StateChange;
}

/** What the list needs from the client that owns it. */
export interface TopicListHost {
  readonly connected: boolean;
  invoke<T>(method: HubMethod, ...args: unknown[]): Promise<T>;
  release(list: TopicList): void;
}

/**
 * The live topic list of one client (`lc.watchTopics()`): new topics and throttled counts from every server
 * instance, watched again by itself after each reconnect.
 */
export class TopicList extends HubWatch<TopicListEventMap> {
  private joinedBefore = false;
  /** A WatchTopics refused as rate limited or busy is tried again when the server said. */
  private readonly retry = new RetryWhenAllowed(() => this.join());

  /** @internal Made by `LiveCommunity.watchTopics`. */
  constructor(private readonly host: TopicListHost) {
    super();
  }

  /** @internal */
  posted(event: TopicPostedEvent): void {
    if (!this.closed) this.events.emit("topicPosted", event);
  }

  /** @internal */
  stats(event: TopicStatsEvent): void {
    if (!this.closed) this.events.emit("topicStats", event);
  }

  /** Calls WatchTopics; on a reconnect, tells listeners to catch up over REST. */
  protected async joinOnce(): Promise<void> {
    if (this.closed || !this.host.connected) return;
    try {
      await this.host.invoke<object>("WatchTopics");
    } catch (error) {
      if (!this.closed) this.retry.after(error);
      throw error;
    }
    if (this.closed) return;
    this.setState(ThreadState.Live);
    if (this.joinedBefore) this.events.emit("resumed", {});
    this.joinedBefore = true;
  }

  protected release(): void {
    this.host.release(this); // UnwatchTopics
  }

  protected override closing(): void {
    this.retry.cancel();
  }
}
