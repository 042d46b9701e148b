import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { AggregationFunction, WindowType } from "../../src/engine/alert-definition";
import { classifyEvent } from "../../src/engine/window";
import {
  advance, applyEvent, createStatus, nextDueMs, serializeStatus, snapshot, type StatusSpec, type StatusState,
} from "../../src/engine/status";

function spec(type: WindowType, seconds: number | null, aggregation: AggregationFunction = "COUNT", lateGraceMs = 60_000): StatusSpec {
  return {
    aggregation,
    window: { type, seconds },
    threshold: { operator: "GREATER_THAN", value: 1e9 },
    lateGraceMs,
    idleMs: 7 * 86_400_000,
  };
}

/** Advances through every due moment up to nowMs (ignoring crossings), as the runner does. */
function moveTo(s: StatusSpec, state: StatusState, nowMs: number): void {
  for (;;) {
    const r = advance(s, state, nowMs);
    assert.equal(r.remove, false);
    if (r.crossing === null) return;
  }
}

function apply(s: StatusSpec, state: StatusState, eventTimeMs: number, nowMs: number, values: unknown[] = []): string {
  moveTo(s, state, nowMs);
  return applyEvent(s, state, { eventTimeMs, values, entity: null }, nowMs).outcome;
}

function read(s: StatusSpec, state: StatusState, nowMs: number): { value: number; count: number; windowStartMs: number | null; windowEndMs: number | null } {
  moveTo(s, state, nowMs);
  const { value, count, windowStartMs, windowEndMs } = snapshot(s, state, nowMs);
  return { value, count, windowStartMs, windowEndMs };
}

describe("applied, closed or late", () => {
  const tumbling = spec("TUMBLING", 60, "COUNT", 10_000);
  const sliding = spec("SLIDING", 10, "COUNT", 5_000);
  const cases: ReadonlyArray<readonly [name: string, s: StatusSpec, clockMs: number, timeMs: number, expected: string]> = [
    ["TUMBLING: the current window's first ms", tumbling, 120_000, 120_000, "applied"],
    ["TUMBLING: the current window's last ms", tumbling, 120_000, 179_999, "applied"],
    ["TUMBLING: the next window (future)", tumbling, 120_000, 180_000, "applied"],
    ["TUMBLING: the previous window, just ended", tumbling, 120_000, 119_999, "closed"],
    ["TUMBLING: the previous window, end + grace - 1 ms", tumbling, 129_999, 60_000, "closed"],
    ["TUMBLING: the previous window, end + grace", tumbling, 130_000, 60_000, "late"],
    ["TUMBLING: long ago", tumbling, 130_000, 0, "late"],
    ["SLIDING: the window's first second", sliding, 100_500, 91_000, "applied"],
    ["SLIDING: the current second", sliding, 100_500, 100_999, "applied"],
    ["SLIDING: the next second (future)", sliding, 100_500, 101_000, "applied"],
    ["SLIDING: left the window 500 ms ago", sliding, 100_500, 90_999, "closed"],
    ["SLIDING: left at the clock's exact ms", sliding, 100_000, 90_000, "closed"],
    ["SLIDING: left grace - 500 ms ago", sliding, 100_500, 86_000, "closed"],
    ["SLIDING: left exactly grace ago", sliding, 100_000, 85_000, "late"],
    ["SLIDING: left grace + 500 ms ago", sliding, 100_500, 85_999, "late"],
    ["ALL_TIME: anything", spec("ALL_TIME", null), 1e12, 0, "applied"],
  ];
  for (const [name, s, clockMs, timeMs, expected] of cases) {
    test(`${name} -> ${expected}`, () => {
      assert.equal(classifyEvent(s, clockMs, timeMs), expected);
      const state = createStatus(s, clockMs);
      const before = serializeStatus(state);
      const outcome = applyEvent(s, state, { eventTimeMs: timeMs, values: [], entity: "u" }, clockMs).outcome;
      assert.equal(outcome, expected);
      // closed and late change nothing, entities included
      if (expected !== "applied") assert.deepEqual(serializeStatus(state), before);
      else assert.equal(state.entities.size, 1);
    });
  }
});

describe("TUMBLING boundaries", () => {
  const s = spec("TUMBLING", 10);

  test("t = start and t = end - 1 are in the window, t = end in the next", () => {
    const state = createStatus(s, 10_000);
    assert.equal(apply(s, state, 10_000, 10_000), "applied");
    assert.equal(apply(s, state, 19_999, 19_999), "applied");
    assert.equal(apply(s, state, 20_000, 19_999), "applied");
    assert.deepEqual(read(s, state, 19_999), { value: 2, count: 2, windowStartMs: 10_000, windowEndMs: 20_000 });
    assert.equal(nextDueMs(s, state, 19_999), 20_000);
    assert.deepEqual(read(s, state, 20_000), { value: 1, count: 1, windowStartMs: 20_000, windowEndMs: 30_000 });
    assert.deepEqual(read(s, state, 30_000), { value: 0, count: 0, windowStartMs: 30_000, windowEndMs: 40_000 });
  });

  test("an event 4 minutes ahead waits for its window", () => {
    const state = createStatus(s, 0);
    assert.equal(apply(s, state, 240_500, 500), "applied");
    assert.equal(read(s, state, 500).count, 0);
    assert.equal(nextDueMs(s, state, 500), 240_000);
    assert.equal(read(s, state, 239_999).count, 0);
    assert.equal(read(s, state, 240_000).count, 1);
    assert.equal(read(s, state, 250_000).count, 0);
  });

  test("windows are aligned to the epoch", () => {
    const state = createStatus(s, 1_234_567);
    apply(s, state, 1_234_567, 1_234_567);
    assert.deepEqual(read(s, state, 1_234_567), { value: 1, count: 1, windowStartMs: 1_230_000, windowEndMs: 1_240_000 });
  });
});

describe("SLIDING boundaries", () => {
  const s = spec("SLIDING", 10);

  test("the window is the last 10 whole seconds, the current one included", () => {
    const state = createStatus(s, 5_500);
    apply(s, state, 5_500, 5_500);
    assert.deepEqual(read(s, state, 5_500), { value: 1, count: 1, windowStartMs: -4_000, windowEndMs: 6_000 });
    assert.equal(nextDueMs(s, state, 5_500), 15_000);
    assert.deepEqual(read(s, state, 14_999), { value: 1, count: 1, windowStartMs: 5_000, windowEndMs: 15_000 });
    assert.deepEqual(read(s, state, 15_000), { value: 0, count: 0, windowStartMs: 6_000, windowEndMs: 16_000 });
  });

  test("an event later in the current second counts at once", () => {
    const state = createStatus(s, 7_000);
    apply(s, state, 7_999, 7_000);
    assert.equal(read(s, state, 7_000).count, 1);
  });

  test("a future bucket enters when the clock reaches its second", () => {
    const state = createStatus(s, 1_000);
    assert.equal(apply(s, state, 3_200, 1_000), "applied");
    assert.equal(read(s, state, 1_000).count, 0);
    assert.equal(nextDueMs(s, state, 1_000), 3_000);
    assert.equal(read(s, state, 2_999).count, 0);
    assert.equal(read(s, state, 3_000).count, 1);
    assert.equal(nextDueMs(s, state, 3_000), 13_000);
  });

  test("a jump far past every bucket empties the window in one call", () => {
    const state = createStatus(s, 0);
    for (let t = 0; t < 30_000; t += 700) apply(s, state, t, t);
    apply(s, state, 40_000, 30_000);
    assert.equal(read(s, state, 10_000_000).count, 0);
    assert.equal(state.cells.size, 0);
    assert.equal(nextDueMs(s, state, 10_000_000), 50_000 + 7 * 86_400_000, "idle since the future bucket left at 50 s");
  });
});

describe("SLIDING retraction is exact for every aggregation", () => {
  // a 3 s window; one event per second at 0, 1000, 2000; read as the buckets leave
  type Row = readonly [aggregation: AggregationFunction, values: readonly [unknown[], unknown[], unknown[]], at: readonly number[]];
  const rows: readonly Row[] = [
    ["COUNT", [[5], [1], [9]], [3, 2, 1, 0]],
    ["SUM", [[5], [1], [9]], [15, 10, 9, 0]],
    ["SUM", [[0.5], [0.25], [-0.125]], [0.625, 0.125, -0.125, 0]],
    ["MIN", [[5], [1], [9]], [1, 1, 9, 0]],
    ["MIN", [[1], [5, 1], [9]], [1, 1, 9, 0]],
    ["MAX", [[9], [1], [5]], [9, 5, 5, 0]],
    ["MAX", [[-9], [-1], [-5]], [-1, -1, -5, 0]],
    ["AVG", [[6], [1, 2], [9]], [4.5, 4, 9, 0]],
    ["COUNT_DISTINCT", [["a"], ["a"], ["b"]], [2, 2, 1, 0]],
    ["COUNT_DISTINCT", [["a", "b"], [{ k: 1 }], ["b"]], [3, 2, 1, 0]],
    ["COUNT_DISTINCT", [["a"], ["b"], ["a"]], [2, 2, 1, 0]],
  ];
  for (const [aggregation, values, at] of rows) {
    test(`${aggregation} ${JSON.stringify(values)} at 2999/3000/4000/5000 ms -> ${at.join("/")}`, () => {
      const s = spec("SLIDING", 3, aggregation);
      const state = createStatus(s, 0);
      values.forEach((v, i) => apply(s, state, i * 1000, i * 1000, v));
      const read2999 = read(s, state, 2_999).value;
      assert.equal(read2999, at[0]);
      assert.equal(nextDueMs(s, state, 2_999), 3_000);
      assert.equal(read(s, state, 3_000).value, at[1]);
      assert.equal(read(s, state, 3_999).value, at[1]);
      assert.equal(read(s, state, 4_000).value, at[2]);
      assert.equal(read(s, state, 5_000).value, at[3]);
      assert.equal(state.total.count, 0);
      if (state.total.distinct !== null) assert.equal(state.total.distinct.size, 0);
    });
  }

  test("fractions drift in a running sum, but an empty window is exactly 0 again", () => {
    const s = spec("SLIDING", 3, "SUM");
    const state = createStatus(s, 0);
    [0.1, 0.2, 0.3].forEach((v, i) => apply(s, state, i * 1000, i * 1000, [v]));
    assert.ok(Math.abs(read(s, state, 3_000).value - 0.5) < 1e-12);
    assert.ok(Object.is(read(s, state, 5_000).value, 0));
  });

  test("a bucket entering and a bucket leaving at the same ms", () => {
    const s = spec("SLIDING", 2, "MAX");
    const state = createStatus(s, 0);
    apply(s, state, 0, 0, [7]);
    apply(s, state, 2_000, 0, [3]);
    assert.equal(read(s, state, 1_999).value, 7);
    assert.equal(nextDueMs(s, state, 1_999), 2_000);
    assert.equal(read(s, state, 2_000).value, 3);
  });
});
