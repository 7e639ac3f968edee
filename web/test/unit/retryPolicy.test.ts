import assert from "node:assert/strict";
import { test } from "node:test";
import { backoffRetryPolicy, DEFAULT_RETRY_DELAYS, defaultRetryPolicy } from "../../sdk/src/index";

const ctx = (previousRetryCount: number, elapsedMilliseconds = 0) => ({ previousRetryCount, elapsedMilliseconds, retryReason: new Error("x") });

test("default delays back off and then repeat the last delay forever", () => {
  const exact = backoffRetryPolicy({ jitter: 0 });
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

test("gives up only when told to", () => {
  const policy = backoffRetryPolicy({ giveUpAfterMs: 60_000 });
  assert.notEqual(policy(ctx(3, 59_999)), null);
  assert.equal(policy(ctx(3, 60_000)), null);
});
