import { HubWatch, type StateChange } from "./HubWatch";
import type { LiveCommunity } from "./LiveCommunity";
import { RetryWhenAllowed } from "./RetryPolicy";
import { ThreadState } from "./ThreadState";
import type { UpdateEvent, UpdatesSeqEvent, WatchUpdatesResult } from "./updateTypes";
import type { KeptWatchHost } from "./WatchRegistry";

/** Events of a topic's updates-only watch, by name. */
export interface UpdatesWatchEventMap {
  /** An update event after the resume point, each once, in seq order. */
  event: UpdateEvent;
  /** The hub no longer had what was missed: read the updates again over REST (at `lastSeq` or later). */
  reset: { lastSeq: number };
  state: StateChange;
}

const bySeq = (a: UpdateEvent, b: UpdateEvent) => a.seq - b.seq;

/**
 * A topic's updates-only watch (`WatchUpdates`, docs/protocol.md) on the client's one connection: the live
 * blog's events without the discussion's, and a connection the topic does not count among its readers. Seqs
 * come with gaps (the replies between), so a lost event cannot show as a gap: `UpdatesSeq` (the newest update's
 * seq) above the resume point makes it watch again from there. Watched again from the resume point after every
 * reconnect. A connection that also has a full Watch of the topic gets each update twice: the repeat is dropped.
 */
export class UpdatesWatch extends HubWatch<UpdatesWatchEventMap> {
  private readonly host: KeptWatchHost;
  private readonly retry = new RetryWhenAllowed(() => this.join());
  /**
   * Live events that come while a WatchUpdates is under way, applied with its `missed` in seq order; kept until
   * one succeeds (applied before the missed ones, they would move the resume point past them).
   */
  private arriving: UpdateEvent[] | undefined;

  /** @internal Made by `LiveBlog`; `resumePoint`: the seq its lists were read at. */
  constructor(client: LiveCommunity, readonly topicId: string, private resumePoint: number) {
    super();
    const live = (type: UpdateEvent["type"]) => (payload: unknown) => this.received({ ...(payload as UpdateEvent), type } as UpdateEvent);
    this.host = client.keep(this, {
      UpdatePosted: live("UpdatePosted"),
      UpdateEdited: live("UpdateEdited"),
      UpdateRemoved: live("UpdateRemoved"),
      UpdatesSeq: (payload) => this.heard(payload as UpdatesSeqEvent),
    });
  }

  /** The resume point: the highest of the seqs applied and the topic's seq the last WatchUpdates answered. */
  get lastSeq(): number {
    return this.resumePoint;
  }

  /** @internal Joins now, or connects (which joins it); an unreachable hub only leaves it reconnecting. */
  async open(): Promise<void> {
    if (!this.host.link.connected) await this.host.link.attempt();
    if (this.host.link.connected && this.stateValue !== ThreadState.Live) await this.join().catch(() => undefined);
  }

  /** Calls `WatchUpdates(topicId, resumePoint)` (to start, after every reconnect, on a higher `UpdatesSeq`). */
  protected async joinOnce(): Promise<void> {
    if (this.closed) return;
    this.arriving ??= [];
    let result: WatchUpdatesResult;
    try {
      result = await this.host.link.invoke<WatchUpdatesResult>("WatchUpdates", this.topicId, this.resumePoint);
    } catch (error) {
      if (!this.closed) this.retry.after(error);
      throw error;
    }
    if (this.closed) return;
    this.setState(ThreadState.Live);
    if (result.reset) {
      // Everything up to lastSeq comes with the reload; what arrived after it still counts.
      this.resumePoint = Math.max(this.resumePoint, result.lastSeq);
      this.events.emit("reset", { lastSeq: this.resumePoint });
      this.applyAll([]);
      return;
    }
    this.applyAll(result.missed);
    this.resumePoint = Math.max(this.resumePoint, result.lastSeq);
  }

  protected release(): void {
    this.host.release();
    this.host.link.leave("UnwatchUpdates", this.topicId);
  }

  protected override closing(): void {
    this.retry.cancel();
  }

  private received(event: UpdateEvent): void {
    if (this.closed || event.topicId !== this.topicId) return;
    if (this.arriving) this.arriving.push(event);
    else this.apply(event);
  }

  private heard({ topicId, lastSeq }: UpdatesSeqEvent): void {
    if (this.closed || topicId !== this.topicId || lastSeq <= this.resumePoint || !this.host.link.connected) return;
    void this.join().catch(() => undefined);
  }

  /** `missed` and the live events that arrived meanwhile, in seq order, each once. */
  private applyAll(missed: readonly UpdateEvent[]): void {
    const events = [...missed, ...(this.arriving ?? [])].sort(bySeq);
    this.arriving = undefined;
    for (const event of events) this.apply(event);
  }

  private apply(event: UpdateEvent): void {
    if (this.closed || event.seq <= this.resumePoint) return; // applied already (or a full Watch's copy of it)
    this.resumePoint = event.seq;
    this.events.emit("event", event);
  }
}
