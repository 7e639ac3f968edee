import { Emitter, type Disposer } from "./Emitter";
import { RetryWhenAllowed } from "./RetryPolicy";
import { ThreadState } from "./ThreadState";
import type { TopicPostedEvent, TopicStatsEvent } from "./types";

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
  state: { state: ThreadState; previous: ThreadState };
}

/** What the list needs from the client that owns it. */
export interface TopicListHost {
  readonly connected: boolean;
  invoke<T>(method: string, ...args: unknown[]): Promise<T>;
  release(list: TopicList): void;
}

/**
 * The live topic list of one client (`lc.watchTopics()`): new topics and throttled counts from every server
 * instance, watched again by itself after each reconnect.
 */
export class TopicList {
  private readonly events = new Emitter<TopicListEventMap>();
  private stateValue = ThreadState.Connecting;
  private joining: Promise<void> | undefined;
  private joinedBefore = false;
  /** A WatchTopics refused as rate limited or busy is tried again when the server said. */
  private readonly retry = new RetryWhenAllowed(() => this.join());
  private closed = false;

  /** @internal Made by `LiveCommunity.watchTopics`. */
  constructor(private readonly host: TopicListHost) {}

  get state(): ThreadState {
    return this.stateValue;
  }

  on<K extends keyof TopicListEventMap>(event: K, handler: (payload: TopicListEventMap[K]) => void): Disposer {
    return this.events.on(event, handler);
  }

  /** Stops watching the list; it goes offline and emits nothing more. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.retry.cancel();
    this.setState(ThreadState.Offline);
    this.events.clear();
    this.host.release(this);
  }

  /** @internal Calls WatchTopics; on a reconnect, tells listeners to catch up over REST. */
  join(): Promise<void> {
    this.joining ??= this.joinOnce().finally(() => (this.joining = undefined));
    return this.joining;
  }

  /** @internal */
  posted(event: TopicPostedEvent): void {
    if (!this.closed) this.events.emit("topicPosted", event);
  }

  /** @internal */
  stats(event: TopicStatsEvent): void {
    if (!this.closed) this.events.emit("topicStats", event);
  }

  /** @internal */
  setState(state: ThreadState): void {
    if (state === this.stateValue || (this.closed && state !== ThreadState.Offline)) return;
    const previous = this.stateValue;
    this.stateValue = state;
    this.events.emit("state", { state, previous });
  }

  private async joinOnce(): Promise<void> {
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

}
