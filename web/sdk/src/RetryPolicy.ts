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

/** Default delays: retry at once, then after 1 s, 2 s, 5 s, 10 s, and every 30 s after that, never giving up. */
export const DEFAULT_RETRY_DELAYS: readonly number[] = [0, 1_000, 2_000, 5_000, 10_000, 30_000];

/**
 * Backoff over `delays` (the last one repeats) with ±`jitter` relative spread,
 * so that thousands of readers cut off at once do not come back at once.
 * `giveUpAfterMs` turns the policy into one that goes offline; by default it never does.
 */
export function backoffRetryPolicy(
  options: { delays?: readonly number[]; jitter?: number; giveUpAfterMs?: number; random?: () => number } = {},
): RetryPolicy {
  const delays = options.delays ?? DEFAULT_RETRY_DELAYS;
  const jitter = options.jitter ?? 0.25;
  const random = options.random ?? Math.random;
  return ({ previousRetryCount, elapsedMilliseconds }) => {
    if (options.giveUpAfterMs !== undefined && elapsedMilliseconds >= options.giveUpAfterMs) return null;
    const base = delays[Math.min(previousRetryCount, delays.length - 1)] ?? 0;
    return Math.round(base * (1 + jitter * (2 * random() - 1)));
  };
}

export const defaultRetryPolicy: RetryPolicy = backoffRetryPolicy();
