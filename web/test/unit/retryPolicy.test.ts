import assert from "node:assert/strict";
import { test } from "node:test";
import { backoffRetryPolicy, DEFAULT_FIRST_RETRY_SPREAD_MS, DEFAULT_RETRY_DELAYS, defaultRetryPolicy } from "../../sdk/src/index";

const ctx = (previousRetryCount: number, elapsedMilliseconds = 0) => ({ previousRetryCount, elapsedMilliseconds, retryReason: new Error("x") });

test("default delays back off and then repeat the last delay forever", () => {
  const exact = backoffRetryPolicy({ jitter: 0, firstRetrySpreadMs: 0 });
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 50].map((n) => exact(ctx(n))), [0, 1000, 2000, 5000, 10000, 30000, 30000, 30000]);
  assert.equal(defaultRetryPolicy(ctx(1000, 24 * 3600_000)) !== null, true, "never gives up by default");
});

test("jitter spreads delays within ±25% of the base delay", () => {
  for (let n = 1; n < DEFAULT_RETRY_DELAYS.length; n++) {
    const base = DEFAULT_RETRY_DELAYS[n]!;
    const low = backoffRetryPolicy({ random: () => 0 })(ctx(n));
    const high = backoffRetryPolicy({ random: () => 0.999999 })(ctx(n));
    assert.equal(low, Math.round(base * 0.75));
    assert.ok(high! <= base * 1.25 && high! > base * 1.24);
  }
});

test("the first retry is spread over 0-2 s, so the readers of a failed instance do not all return in one instant", () => {
  assert.equal(DEFAULT_FIRST_RETRY_SPREAD_MS, 2_000);
  assert.equal(backoffRetryPolicy({ random: () => 0 })(ctx(0)), 0);
  assert.equal(backoffRetryPolicy({ random: () => 0.5 })(ctx(0)), 1_000);
  const delays = Array.from({ length: 1_000 }, () => defaultRetryPolicy(ctx(0))!);
  assert.ok(delays.every((d) => d >= 0 && d <= 2_000));
  // Spread, not bunched: every fifth of the range gets a share (each expects 200 of the 1,000).
  for (let fifth = 0; fifth < 5; fifth++) {
    const inFifth = delays.filter((d) => d >= fifth * 400 && d < (fifth + 1) * 400).length;
    assert.ok(inFifth > 100, `fifth ${fifth}: ${inFifth}`);
  }
  // Only the first retry: later ones keep their backoff within ±25 %.
  const second = backoffRetryPolicy({ random: () => 0.999999 })(ctx(1))!;
  assert.ok(second <= 1_250);
});

test("gives up only when told to", () => {
  const policy = backoffRetryPolicy({ giveUpAfterMs: 60_000 });
  assert.notEqual(policy(ctx(3, 59_999)), null);
  assert.equal(policy(ctx(3, 60_000)), null);
});
