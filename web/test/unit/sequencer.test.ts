import assert from "node:assert/strict";
import { test } from "node:test";
import { Sequencer } from "../../sdk/src/Sequencer";
import { fakeTimers } from "../support/clock";

const ev = (seq: number) => ({ seq });

test("applies events in seq order however they arrive", () => {
  const applied: number[] = [];
  const s = new Sequencer((e) => applied.push(e.seq), () => {}, 1000, 0);
  for (const seq of [3, 1, 4, 2]) s.push(ev(seq));
  assert.deepEqual(applied, [1, 2, 3, 4]);
  assert.equal(s.hasGap, false);
  s.dispose();
});

test("drops duplicates and events already applied", () => {
  const applied: number[] = [];
  const s = new Sequencer((e) => applied.push(e.seq), () => {}, 1000, 5);
  for (const seq of [4, 5, 6, 6, 8, 8, 7, 6]) s.push(ev(seq));
  assert.deepEqual(applied, [6, 7, 8]);
  s.dispose();
});

test("reports a gap only if it stays open for the hold time", async (t) => {
  const advance = fakeTimers(t);
  let gaps = 0;
  const s = new Sequencer(() => {}, () => gaps++, 30, 0);
  s.push(ev(2));
  s.push(ev(1)); // closed in time
  await advance(60);
  assert.equal(gaps, 0);
  s.push(ev(4));
  await advance(60);
  assert.equal(gaps, 1);
  s.dispose();
});
