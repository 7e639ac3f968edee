/** What a retry policy knows when asked for the next delay. */
export interface RetryContext {
  /** Failed attempts so far in this outage; 0 before the first retry. */
  previousRetryCount: number;
  /** Milliseconds since the connection was lost. */
  elapsedMilliseconds: number;
  /** Why the last attempt (or the connection) failed. */
  retryReason: Error;
}

/** Milliseconds to wait before the next attempt, or null to give up and go offline. */
export type RetryPolicy = (context: RetryContext) => number | null;

/**
 * Default delays: the first retry within `DEFAULT_FIRST_RETRY_SPREAD_MS` (see below), then after 1 s, 2 s, 5 s,
 * 10 s, and every 30 s after that, never giving up.
 */
export const DEFAULT_RETRY_DELAYS: readonly number[] = [0, 1_000, 2_000, 5_000, 10_000, 30_000];

/**
 * The first retry waits a random 0 to 2 s on top of its delay. When an instance dies, all of its readers lose
 * their connection in the same instant; a relative jitter of a zero delay is still zero, so without this spread
 * they would all arrive at the surviving instances in the same instant too.
 */
export const DEFAULT_FIRST_RETRY_SPREAD_MS = 2_000;

/**
 * Backoff over `delays` (the last one repeats) with ±`jitter` relative spread, and the first retry spread over
 * `firstRetrySpreadMs`, so that thousands of readers cut off at once do not come back at once.
 * `giveUpAfterMs` turns the policy into one that goes offline; by default it never does.
 */
export function backoffRetryPolicy(
  options: {
    delays?: readonly number[];
    jitter?: number;
    firstRetrySpreadMs?: number;
    giveUpAfterMs?: number;
    random?: () => number;
  } = {},
): RetryPolicy {
  const delays = options.delays ?? DEFAULT_RETRY_DELAYS;
  const jitter = options.jitter ?? 0.25;
  const firstSpread = options.firstRetrySpreadMs ?? DEFAULT_FIRST_RETRY_SPREAD_MS;
  const random = options.random ?? Math.random;
  return ({ previousRetryCount, elapsedMilliseconds }) => {
    if (options.giveUpAfterMs !== undefined && elapsedMilliseconds >= options.giveUpAfterMs) return null;
    const base = delays[Math.min(previousRetryCount, delays.length - 1)] ?? 0;
    const spread = previousRetryCount === 0 ? firstSpread * random() : 0;
    return Math.round(base * (1 + jitter * (2 * random() - 1)) + spread);
  };
}

export const defaultRetryPolicy: RetryPolicy = backoffRetryPolicy();

/**
 * The wait a refusal names ("rate limited, retry in 3 s", "busy, retry in 1 s"), in milliseconds; null when
 * the error says nothing of the kind. Used to try a refused Watch or WatchTopics again when the server allows.
 */
export function serverRetryAfterMs(error: unknown): number | null {
  const seconds = /retry in (\d+) s/.exec(error instanceof Error ? error.message : String(error))?.[1];
  return seconds ? Number(seconds) * 1000 : null;
}

/**
 * Tries a join (Watch, WatchTopics, WatchQueue) again when the server refused it naming a wait ("rate limited,
 * retry in 3 s", "busy, retry in 1 s") instead of leaving the watch behind. One pending retry at a time.
 */
export class RetryWhenAllowed {
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly join: () => Promise<void>) {}

  /** Schedules the join again if `error` names a wait; otherwise does nothing. */
  after(error: unknown): void {
    const wait = serverRetryAfterMs(error);
    if (wait === null) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.join().catch(() => undefined), wait);
  }

  cancel(): void {
    clearTimeout(this.timer);
  }
}
