import { LiveCommunityError } from "./ApiClient";
import type { HubConnectionLike } from "./HubConnectionLike";
import type { RetryPolicy } from "./RetryPolicy";
import { ThreadState } from "./ThreadState";
import type { HubMethod } from "./hubMethods";

/** A watch the link carries: its state follows the connection's, and it joins again after every (re)connect. */
export interface CarriedWatch {
  join(): Promise<void>;
  setState(state: ThreadState): void;
  close(): void;
}

/**
 * The client's one hub connection and the reconnect loop that keeps it up while anything is watched: its state,
 * calls to the hub, and the watches (`carried`, in the order they join) joined again after each connect.
 */
export class HubLink {
  private stateValue = ThreadState.Offline;
  private connecting: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private attemptWaiters: (() => void)[] = [];
  private everConnected = false;
  private closedValue = false;

  constructor(
    private readonly connection: HubConnectionLike,
    private readonly retryPolicy: RetryPolicy,
    private readonly networkEvents: EventTarget | undefined,
    private readonly carried: () => readonly CarriedWatch[],
  ) {
    connection.onclose((error) => this.connectionLost(error ?? new Error("connection closed")));
    networkEvents?.addEventListener("online", this.onOnline);
    networkEvents?.addEventListener("offline", this.onOffline);
  }

  get state(): ThreadState {
    return this.stateValue;
  }

  get connected(): boolean {
    return this.stateValue === ThreadState.Live;
  }

  get closed(): boolean {
    return this.closedValue;
  }

  on(name: string, handler: (payload: unknown) => void): void {
    this.connection.on(name, handler);
  }

  async invoke<T>(method: HubMethod, ...args: unknown[]): Promise<T> {
    if (this.stateValue !== ThreadState.Live) throw new LiveCommunityError(`not connected (${this.stateValue})`);
    try {
      return await this.connection.invoke<T>(method, ...args);
    } catch (error) {
      // SignalR prefixes the server's HubException message with its own words; keep the server's.
      const message = (error as Error).message ?? String(error);
      throw new LiveCommunityError(/HubException: (.*)$/s.exec(message)?.[1] ?? message);
    }
  }

  /** Tells the hub a watch is given back (an Unwatch call), if live; nothing waits for it. */
  leave(method: HubMethod, ...args: unknown[]): void {
    if (this.stateValue === ThreadState.Live) this.connection.invoke(method, ...args).catch(() => undefined);
  }

  /** Starts the connection if it is not live; resolves after one attempt (which joins every carried watch). */
  attempt(): Promise<void> {
    const attempted = new Promise<void>((resolve) => this.attemptWaiters.push(resolve));
    this.ensureConnected();
    return attempted;
  }

  /** Closes every carried watch (each gives itself back while the connection may still be live), then the connection. */
  async close(): Promise<void> {
    if (this.closedValue) return;
    this.closedValue = true;
    this.networkEvents?.removeEventListener("online", this.onOnline);
    this.networkEvents?.removeEventListener("offline", this.onOffline);
    for (const watch of this.carried()) watch.close();
    this.stateValue = ThreadState.Offline;
    this.wakeUp?.();
    await this.connection.stop().catch(() => undefined);
  }

  private setState(state: ThreadState): void {
    this.stateValue = state;
    // A live connection makes a thread (or the list, or the queue) live only once it has re-joined (see connectLoop).
    if (state === ThreadState.Live) return;
    for (const watch of this.carried()) watch.setState(state);
  }

  private ensureConnected(): void {
    if (this.closedValue || this.connecting || this.stateValue === ThreadState.Live) return;
    this.connecting = this.connectLoop().finally(() => {
      this.connecting = undefined;
      this.attempted();
      // Lost again while the loop was re-joining threads: go round once more.
      if (!this.closedValue && this.stateValue === ThreadState.Reconnecting) this.ensureConnected();
    });
  }

  private attempted(): void {
    for (const resolve of this.attemptWaiters.splice(0)) resolve();
  }

  private connectionLost(error: Error): void {
    if (this.closedValue || this.stateValue !== ThreadState.Live) return;
    this.setState(ThreadState.Reconnecting);
    this.ensureConnected();
  }

  /** Connects, retrying per the retry policy; on success every watched thread resumes from its last applied seq. */
  /**
   * A first connection is tried at once. A lost one waits the policy's first delay before its first attempt, as
   * SignalR's own automatic reconnect does: when an instance dies, all of its readers lose their connection in
   * the same instant, and the default policy spreads their return over two seconds instead of sending them all
   * to the surviving instances at once. A browser coming back online cuts any wait short.
   */
  private async connectLoop(): Promise<void> {
    const startedAt = Date.now();
    const reconnecting = this.everConnected;
    this.setState(reconnecting ? ThreadState.Reconnecting : ThreadState.Connecting);
    let lastError: Error = new Error("connection lost");
    for (let failures = 0; !this.closedValue; failures++) {
      if (reconnecting || failures > 0) {
        const delay = this.retryPolicy({
          previousRetryCount: reconnecting ? failures : failures - 1,
          elapsedMilliseconds: Date.now() - startedAt,
          retryReason: lastError,
        });
        if (delay === null) {
          this.setState(ThreadState.Offline);
          return;
        }
        this.setState(ThreadState.Reconnecting);
        await this.sleep(delay);
        if (this.closedValue) return;
      }
      try {
        await this.connection.start();
      } catch (error) {
        lastError = error instanceof Error ? error : new Error(String(error));
        this.attempted();
        continue;
      }
      if (this.closedValue) {
        await this.connection.stop().catch(() => undefined);
        return;
      }
      this.everConnected = true;
      this.setState(ThreadState.Live);
      await Promise.all(this.carried().map((live) => live.join().catch(() => undefined)));
      return;
    }
  }

  /** Waits `ms`, or less when the browser comes back online. */
  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
      function done() {
        clearTimeout(timer);
        resolve();
      }
    }).finally(() => (this.wakeUp = undefined));
  }

  private readonly onOnline = () => {
    if (this.wakeUp) this.wakeUp();
    else if (this.stateValue === ThreadState.Offline && this.carried().length > 0) this.ensureConnected();
  };

  /** The socket may take a server timeout to notice; the browser knows now. */
  private readonly onOffline = () => {
    if (this.stateValue !== ThreadState.Live) return;
    this.setState(ThreadState.Reconnecting);
    void this.connection.stop().catch(() => undefined).then(() => this.ensureConnected());
  };
}
