import type { TestContext } from "node:test";

/** Lets pending promise continuations and I/O callbacks run (a few real turns of the event loop; never a wait). */
export async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((r) => setImmediate(r));
}

/**
 * Fake timers for one test (node:test's mock.timers, undone when the test ends): the returned `advance(ms)`
 * moves the clock in small steps and lets the code under test run between them, so a reconnect loop's
 * awaits and the timers they start happen in the order they would in real time, without waiting for it.
 */
export function fakeTimers(t: TestContext): (ms: number, stepMs?: number) => Promise<void> {
  t.mock.timers.enable({ apis: ["setTimeout", "setInterval"] });
  return async (ms: number, stepMs = 5) => {
    await settle();
    for (let done = 0; done < ms; done += stepMs) {
      t.mock.timers.tick(Math.min(stepMs, ms - done));
      await settle();
    }
  };
}
