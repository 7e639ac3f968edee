import type { ApiClient } from "./ApiClient";
import { Emitter, type Disposer } from "./Emitter";
import type { QueueChangedEvent, QueueCounts, QueuePage, QueueQuery, WatchQueueResult } from "./moderationTypes";
import { RetryWhenAllowed } from "./RetryPolicy";
import { ThreadState } from "./ThreadState";

/** Events of a watched moderation queue, by name. */
export interface QueueWatchEventMap {
  /** A reply entered a queue or was decided (`QueueChanged`); `counts` are the counts after it. */
  changed: QueueChangedEvent;
  /** The counts changed, whatever the cause (an event, a resync). */
  counts: { counts: QueueCounts };
  /**
   * The connection came back after events may have been missed (queue events carry no seq):
   * reload the listed queue over REST. `counts` are fresh.
   */
  resync: { counts: QueueCounts };
  state: { state: ThreadState; previous: ThreadState };
}

/** What a queue watch needs from the client that owns it. */
export interface QueueHost {
  readonly api: ApiClient;
  invoke<T>(method: string, ...args: unknown[]): Promise<T>;
  release(watch: QueueWatch): void;
}

/**
 * The moderators' live view of the queue: counts per queue kept current by `QueueChanged`, and a `resync`
 * after every reconnect. Made by `LiveCommunity.watchQueue()`; list the items with `load` (REST).
 */
export class QueueWatch {
  private readonly events = new Emitter<QueueWatchEventMap>();
  private countsValue: QueueCounts = { reported: 0, pending: 0 };
  private stateValue = ThreadState.Connecting;
  /** Events may have been missed since the last WatchQueue: the next successful one says so with `resync`. */
  private stale = false;
  private joining: Promise<void> | undefined;
  /** A WatchQueue refused as rate limited or busy is tried again when the server said. */
  private readonly retry = new RetryWhenAllowed(() => this.join());
  private closed = false;

  /** @internal Made by `LiveCommunity.watchQueue`. */
  constructor(private readonly host: QueueHost) {}

  /** Items waiting in each queue, as of the last event. */
  get counts(): QueueCounts {
    return this.countsValue;
  }

  get state(): ThreadState {
    return this.stateValue;
  }

  on<K extends keyof QueueWatchEventMap>(event: K, handler: (payload: QueueWatchEventMap[K]) => void): Disposer {
    return this.events.on(event, handler);
  }

  /** Lists queue items over REST, oldest first (the same as `LiveCommunity.moderationQueue`). */
  load(query: QueueQuery = {}): Promise<QueuePage> {
    return this.host.api.getQueue(query);
  }

  /** Stops watching (`UnwatchQueue`); emits nothing more. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.retry.cancel();
    this.setState(ThreadState.Offline);
    this.events.clear();
    this.host.release(this);
  }

  /** @internal Calls `WatchQueue` (to start, and again after every reconnect). */
  join(): Promise<void> {
    this.joining ??= this.joinOnce().finally(() => (this.joining = undefined));
    return this.joining;
  }

  /** @internal Counts read over REST while the hub is out of reach; the next join resyncs. */
  startOffline(counts: QueueCounts, state: ThreadState): void {
    this.stale = true;
    this.setCounts(counts);
    this.setState(state);
  }

  /** @internal */
  receive(event: QueueChangedEvent): void {
    if (this.closed) return;
    this.setCounts(event.counts);
    this.events.emit("changed", event);
  }

  /** @internal */
  setState(state: ThreadState): void {
    if (state === this.stateValue || (this.closed && state !== ThreadState.Offline)) return;
    if (state !== ThreadState.Live && this.stateValue === ThreadState.Live) this.stale = true;
    const previous = this.stateValue;
    this.stateValue = state;
    this.events.emit("state", { state, previous });
  }

  private async joinOnce(): Promise<void> {
    if (this.closed) return;
    let counts: QueueCounts;
    try {
      ({ counts } = await this.host.invoke<WatchQueueResult>("WatchQueue"));
    } catch (error) {
      if (!this.closed) this.retry.after(error);
      throw error;
    }
    if (this.closed) return;
    this.setState(ThreadState.Live);
    this.setCounts(counts);
    if (this.stale) {
      this.stale = false;
      this.events.emit("resync", { counts });
    }
  }

  private setCounts(counts: QueueCounts): void {
    const same = counts.reported === this.countsValue.reported && counts.pending === this.countsValue.pending;
    this.countsValue = { reported: counts.reported, pending: counts.pending };
    if (!same) this.events.emit("counts", { counts: this.countsValue });
  }
}
