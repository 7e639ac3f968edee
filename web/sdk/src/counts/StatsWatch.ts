import { Emitter, type Disposer } from "../Emitter";
import { RetryWhenAllowed } from "../RetryPolicy";
import { ThreadState } from "../ThreadState";
import type { TopicStatsEvent } from "../types";
import type { HubMethod } from "../hubMethods";

/** Events of a stats watch, by name. */
export interface StatsWatchEventMap {
  /** A watched topic's reply count, own reactions or readers changed. */
  topicStats: TopicStatsEvent;
  /** Watched again after the connection was lost: nothing sent meanwhile is replayed, so read counts over REST. */
  resumed: Record<string, never>;
  state: { state: ThreadState; previous: ThreadState };
}

/** What the watch needs from the client that owns it. */
export interface StatsWatchHost {
  readonly connected: boolean;
  invoke<T>(method: HubMethod, ...args: unknown[]): Promise<T>;
  release(watch: StatsWatch): void;
}

/** The hub's bound (PROTOCOL.md v3: WatchStats takes at most 100 ids, per connection). */
export const MAX_STATS_TOPICS = 100;

/**
 * `WatchStats` of one client (`lc.watchStats(ids)`): TopicStats of chosen topics, watched again by itself after
 * each reconnect. The server replaces the set on every call, so the watch always sends its whole set.
 */
export class StatsWatch {
  private readonly events = new Emitter<StatsWatchEventMap>();
  private stateValue = ThreadState.Connecting;
  private topics: string[] = [];
  private joining: Promise<void> | undefined;
  private again = false;
  private joinedBefore = false;
  private readonly retry = new RetryWhenAllowed(() => this.join());
  private closed = false;

  /** @internal Made by `LiveCommunity.watchStats`. */
  constructor(private readonly host: StatsWatchHost) {}

  get state(): ThreadState {
    return this.stateValue;
  }

  /** The topics watched (at most 100: the rest of a longer list is not watched). */
  get topicIds(): readonly string[] {
    return this.topics;
  }

  on<K extends keyof StatsWatchEventMap>(event: K, handler: (payload: StatsWatchEventMap[K]) => void): Disposer {
    return this.events.on(event, handler);
  }

  /** Watches these topics instead of the ones before (the first 100 distinct ids). */
  set(topicIds: readonly string[]): Promise<void> {
    this.topics = [...new Set(topicIds)].slice(0, MAX_STATS_TOPICS);
    return this.join();
  }

  /** Stops watching; emits nothing more. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.retry.cancel();
    this.setState(ThreadState.Offline);
    this.events.clear();
    this.host.release(this);
  }

  /** @internal Calls WatchStats with the whole set; a call made while one runs follows it with the newest set. */
  join(): Promise<void> {
    if (this.joining) {
      this.again = true;
      return this.joining;
    }
    this.joining = this.joinOnce().finally(() => (this.joining = undefined));
    return this.joining;
  }

  /** @internal */
  stats(event: TopicStatsEvent): void {
    if (!this.closed && this.topics.includes(event.topicId)) this.events.emit("topicStats", event);
  }

  /** @internal */
  setState(state: ThreadState): void {
    if (state === this.stateValue || (this.closed && state !== ThreadState.Offline)) return;
    const previous = this.stateValue;
    this.stateValue = state;
    this.events.emit("state", { state, previous });
  }

  private async joinOnce(): Promise<void> {
    do {
      this.again = false;
      if (this.closed || !this.host.connected) return;
      try {
        await this.host.invoke<object>("WatchStats", this.topics);
      } catch (error) {
        if (!this.closed) this.retry.after(error);
        throw error;
      }
    } while (this.again);
    if (this.closed) return;
    const resumed = this.joinedBefore && this.stateValue !== ThreadState.Live;
    this.setState(ThreadState.Live);
    if (resumed) this.events.emit("resumed", {});
    this.joinedBefore = true;
  }
}
