import { Emitter, type Disposer } from "./Emitter";
import { ThreadState } from "./ThreadState";

/** The `state` event every watch emits. */
export interface StateChange {
  state: ThreadState;
  previous: ThreadState;
}

/**
 * What the client's watches (the topic list, the moderation queue, notifications) share: typed events, a state
 * that follows the one hub connection, one join at a time (the client joins again after every reconnect), and
 * a close that silences them.
 */
export abstract class HubWatch<Events extends { state: StateChange }> {
  protected readonly events = new Emitter<Events>();
  protected stateValue = ThreadState.Connecting;
  /** Events may have been missed since the watch was last live: the next successful join should say so. */
  protected stale = false;
  protected closed = false;
  private joining: Promise<void> | undefined;

  get state(): ThreadState {
    return this.stateValue;
  }

  on<K extends keyof Events>(event: K, handler: (payload: Events[K]) => void): Disposer {
    return this.events.on(event, handler);
  }

  /** Stops watching; the watch goes offline and emits nothing more. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.closing();
    this.setState(ThreadState.Offline);
    this.events.clear();
    this.release();
  }

  /** @internal Joins (to start, and again after every reconnect); a call while one runs shares it. */
  join(): Promise<void> {
    this.joining ??= this.joinOnce().finally(() => (this.joining = undefined));
    return this.joining;
  }

  /** @internal */
  setState(state: ThreadState): void {
    if (state === this.stateValue || (this.closed && state !== ThreadState.Offline)) return;
    if (state !== ThreadState.Live && this.stateValue === ThreadState.Live) this.stale = true;
    const previous = this.stateValue;
    this.stateValue = state;
    this.events.emit("state", { state, previous } as Events["state"]);
  }

  protected abstract joinOnce(): Promise<void>;

  /** Gives the watch back to its client (which stops asking the hub for it). */
  protected abstract release(): void;

  /** What else closing stops (a pending retry). */
  protected closing(): void {}
}
