/**
 * Applies sequenced events in `seq` order, each exactly once (PROTOCOL.md "seq" rules).
 * An event ahead of a missing seq is held; if the gap is still open after `holdMs`,
 * `onGap` is called so the owner can ask the hub for what it missed.
 */
export class Sequencer<E extends { seq: number }> {
  private held = new Map<number, E>();
  private gapTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly apply: (event: E) => void,
    private readonly onGap: () => void,
    private readonly holdMs: number,
    /** The last seq whose effect is in the state; 0 before anything happened. */
    public lastApplied = 0,
  ) {}

  /** Starts over from a fresh snapshot whose effects go up to `lastApplied`. */
  reset(lastApplied: number): void {
    this.lastApplied = lastApplied;
    this.held.clear();
    this.stopTimer();
  }

  get hasGap(): boolean {
    return this.held.size > 0;
  }

  push(event: E): void {
    if (event.seq <= this.lastApplied || this.held.has(event.seq)) return; // a duplicate
    this.held.set(event.seq, event);
    for (let next = this.held.get(this.lastApplied + 1); next; next = this.held.get(this.lastApplied + 1)) {
      this.held.delete(next.seq);
      this.lastApplied = next.seq;
      this.apply(next);
    }
    if (this.held.size === 0) this.stopTimer();
    else this.armGapTimer();
  }

  /** Waits (again) for a gap to close by itself, e.g. after a gap fill that failed. */
  armGapTimer(): void {
    if (this.held.size > 0 && !this.gapTimer) this.gapTimer = setTimeout(() => this.gapTimedOut(), this.holdMs);
  }

  dispose(): void {
    this.held.clear();
    this.stopTimer();
  }

  private gapTimedOut(): void {
    this.gapTimer = undefined;
    if (this.held.size > 0) this.onGap();
  }

  private stopTimer(): void {
    if (this.gapTimer) clearTimeout(this.gapTimer);
    this.gapTimer = undefined;
  }
}
