import type { ApiClient } from "./ApiClient";
import { HubWatch, type StateChange } from "./HubWatch";
import type { QueueChangedEvent, QueueCounts, QueuePage, QueueQuery, WatchQueueResult } from "./moderationTypes";
import { RetryWhenAllowed } from "./RetryPolicy";
import { ThreadState } from "./ThreadState";
import type { HubMethod } from "./hubMethods";

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
  state: StateChange;
}

/** What a queue watch needs from the client that owns it. */
export interface QueueHost {
  readonly api: ApiClient;
  invoke<T>(method: HubMethod, ...args: unknown[]): Promise<T>;
  release(watch: QueueWatch): void;
}

/**
 * The moderators' live view of the queue: counts per queue kept current by `QueueChanged`, and a `resync`
 * after every reconnect. Made by `LiveCommunity.watchQueue()`; list the items with `load` (REST).
 */
export class QueueWatch extends HubWatch<QueueWatchEventMap> {
  private countsValue: QueueCounts = { reported: 0, pending: 0 };
  /** A WatchQueue refused as rate limited or busy is tried again when the server said. */
  private readonly retry = new RetryWhenAllowed(() => this.join());

  /** @internal Made by `LiveCommunity.watchQueue`. */
  constructor(private readonly host: QueueHost) {
    super();
  }

  /** Items waiting in each queue, as of the last event. */
  get counts(): QueueCounts {
    return this.countsValue;
  }

  /** Lists queue items over REST, oldest first (the same as `LiveCommunity.moderationQueue`). */
  load(query: QueueQuery = {}): Promise<QueuePage> {
    return this.host.api.getQueue(query);
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

  /** Calls `WatchQueue` (to start, and again after every reconnect); a stale watch then says `resync`. */
  protected async joinOnce(): Promise<void> {
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

  protected release(): void {
    this.host.release(this); // UnwatchQueue
  }

  protected override closing(): void {
    this.retry.cancel();
  }

  private setCounts(counts: QueueCounts): void {
    const same = counts.reported === this.countsValue.reported && counts.pending === this.countsValue.pending;
    this.countsValue = { reported: counts.reported, pending: counts.pending };
    if (!same) this.events.emit("counts", { counts: this.countsValue });
  }
}
