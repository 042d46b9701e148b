import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { isDeepStrictEqual } from "node:util";
import { reportedAggregate } from "../../src/engine/aggregate";
import type { AggregationFunction, ComparisonOperator, WindowType } from "../../src/engine/alert-definition";
import {
  advance, applyEvent, createStatus, type Crossing, deserializeStatus, type EventOutcome, mergeStatuses, nextDueMs, rejudge,
  serializeStatus, snapshot, type StatusSpec, type StatusState,
} from "../../src/engine/status";

const DAY_MS = 86_400_000;

function makeSpec(
  aggregation: AggregationFunction, type: WindowType, seconds: number | null, operator: ComparisonOperator, value: number,
  extra: Partial<StatusSpec> = {},
): StatusSpec {
  return { aggregation, window: { type, seconds }, threshold: { operator, value }, lateGraceMs: 60_000, idleMs: 7 * DAY_MS, ...extra };
}

/** What the runner does: advance until nothing is due up to nowMs, collecting crossings. */
function moveTo(spec: StatusSpec, state: StatusState, nowMs: number): { crossings: Crossing[]; removed: boolean } {
  const crossings: Crossing[] = [];
  for (;;) {
    const r = advance(spec, state, nowMs);
    if (r.crossing !== null) crossings.push(r.crossing);
    if (r.remove) return { crossings, removed: true };
    if (r.crossing === null) return { crossings, removed: false };
  }
}

function event(
  spec: StatusSpec, state: StatusState, eventTimeMs: number, nowMs: number, values: unknown[] = [], entity: string | null = null,
): { outcome: EventOutcome; crossing: Crossing | null; clock: Crossing[] } {
  const clock = moveTo(spec, state, nowMs).crossings;
  return { ...applyEvent(spec, state, { eventTimeMs, values, entity }, nowMs), clock };
}

const brief = (c: Crossing | null) => (c === null ? null : `${c.direction}@${c.atMs}#${c.sequence} v=${c.value} n=${c.count}`);

/** Deterministic PRNG (mulberry32), so that a failing case can be replayed from its seed. */
function prng(seed: number): { next: () => number; int: (lo: number, hi: number) => number; pick: <T>(xs: readonly T[]) => T } {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  return { next, int, pick: (xs) => xs[int(0, xs.length - 1)] };
}

const clone = (state: StatusState) => deserializeStatus(JSON.parse(JSON.stringify(serializeStatus(state))));
const withoutClock = (state: StatusState) => ({ ...(serializeStatus(state) as Record<string, unknown>), clockMs: 0 });

describe("crossings: every operator, on every change, never repeated", () => {
  // ALL_TIME SUM: each event adds its value, so the value goes up and down
  type Row = readonly [operator: ComparisonOperator, threshold: number, values: number[], expected: Array<string | null>];
  const rows: readonly Row[] = [
    ["GREATER_THAN", 5, [3, 3, 1, -3, 1, 2], [null, "RAISED", null, "CLEARED", null, "RAISED"]],
    ["GREATER_THAN_OR_EQUAL", 5, [3, 2, 1, -1, -1, 1], [null, "RAISED", null, null, "CLEARED", "RAISED"]],
    ["EQUALS", 5, [5, 0, 1, -1, 2], ["RAISED", null, "CLEARED", "RAISED", "CLEARED"]],
    ["NOT_EQUALS", 5, [5, 1, 1, -2, 0], [null, "RAISED", null, "CLEARED", null]],
    ["EQUALS", 0.3, [0.1, 0.2], [null, null]],
    ["GREATER_THAN", -1, [0, -2, 5], ["RAISED", "CLEARED", "RAISED"]],
  ];
  for (const [operator, threshold, values, expected] of rows) {
    test(`SUM ${operator} ${threshold} over ${values.join(", ")}`, () => {
      const spec = makeSpec("SUM", "ALL_TIME", null, operator, threshold);
      const state = createStatus(spec, 0);
      let sequence = 0;
      values.forEach((v, i) => {
        const { crossing } = event(spec, state, 1000 * (i + 1), 1000 * (i + 1), [v]);
        assert.equal(crossing?.direction ?? null, expected[i], `event ${i}`);
        if (crossing === null) return;
        assert.equal(crossing.sequence, ++sequence);
        assert.equal(crossing.atMs, 1000 * (i + 1));
        assert.equal(crossing.count, i + 1);
        assert.equal(crossing.windowStartMs, null);
        assert.equal(state.lastCrossingAtMs, crossing.atMs);
      });
    });
  }

  test("LESS_THAN with ALL_TIME is refused", () => {
    assert.throws(() => createStatus(makeSpec("COUNT", "ALL_TIME", null, "LESS_THAN", 1), 0), /ALL_TIME never completes/);
    const state = createStatus(makeSpec("COUNT", "ALL_TIME", null, "GREATER_THAN", 1), 0);
    assert.throws(() => rejudge(makeSpec("COUNT", "ALL_TIME", null, "LESS_THAN_OR_EQUAL", 1), state, 0), /ALL_TIME/);
  });

  test("a sliding window clears by itself when its events leave, at the exact moment", () => {
    const spec = makeSpec("COUNT", "SLIDING", 10, "GREATER_THAN_OR_EQUAL", 2);
    const state = createStatus(spec, 0);
    assert.equal(event(spec, state, 1_000, 1_000).crossing, null);
    assert.equal(brief(event(spec, state, 3_500, 3_500).crossing), "RAISED@3500#1 v=2 n=2");
    // the runner was away: the crossing still carries the moment it happened
    const { crossings } = moveTo(spec, state, 60_000);
    assert.deepEqual(crossings.map(brief), ["CLEARED@11000#2 v=1 n=1"]);
    assert.equal(crossings[0].windowStartMs, 2_000);
    assert.equal(crossings[0].windowEndMs, 12_000);
  });

  test("a tumbling window clears when it ends", () => {
    const spec = makeSpec("COUNT", "TUMBLING", 10, "GREATER_THAN", 0);
    const state = createStatus(spec, 0);
    assert.equal(brief(event(spec, state, 9_999, 9_999).crossing), "RAISED@9999#1 v=1 n=1");
    assert.equal(event(spec, state, 15_000, 9_999).crossing, null, "a future window does not count yet");
    assert.deepEqual(moveTo(spec, state, 10_000).crossings, [], "the next window already has an event");
    assert.deepEqual(moveTo(spec, state, 25_000).crossings.map(brief), ["CLEARED@20000#2 v=0 n=0"]);
  });
});

describe("MIN, MAX and AVG over no number are OK whatever the threshold (DESIGN 4)", () => {
  type Row = readonly [AggregationFunction, ComparisonOperator, number, unknown[][], Array<string | null>];
  const rows: readonly Row[] = [
    ["MAX", "GREATER_THAN", -1, [["x"], [-5], [3]], [null, null, "RAISED"]],
    ["MIN", "LESS_THAN_OR_EQUAL", 0, [[], [null], [0]], [null, null, "RAISED"]],
    ["AVG", "NOT_EQUALS", 1, [[], [1], [3]], [null, null, "RAISED"]],
    ["SUM", "GREATER_THAN", -1, [[], ["x"]], ["RAISED", null]],
    ["COUNT_DISTINCT", "EQUALS", 0, [[NaN], ["a"]], ["RAISED", "CLEARED"]],
  ];
  for (const [aggregation, operator, threshold, values, expected] of rows) {
    test(`${aggregation} ${operator} ${threshold} over ${JSON.stringify(values)}`, () => {
      // LESS_THAN needs a window: a 1 s SLIDING one, old enough by the first event
      const spec = makeSpec(aggregation, operator.startsWith("LESS") ? "SLIDING" : "ALL_TIME", operator.startsWith("LESS") ? 1 : null, operator, threshold);
      const state = createStatus(spec, 0);
      values.forEach((v, i) => {
        const t = 5_000 + i * 100;
        assert.equal(event(spec, state, t, t, v).crossing?.direction ?? null, expected[i], `event ${i}`);
      });
    });
  }

  test("SLIDING MIN LESS_THAN clears when the last number leaves", () => {
    const spec = makeSpec("MIN", "SLIDING", 2, "LESS_THAN", 5);
    const state = createStatus(spec, 0);
    event(spec, state, 0, 0, [1]);
    assert.deepEqual(moveTo(spec, state, 2_000).crossings, [], "eligible as bucket 0 leaves: no number, OK");
    assert.equal(brief(event(spec, state, 2_500, 2_500, [1]).crossing), "RAISED@2500#1 v=1 n=1");
    assert.equal(event(spec, state, 3_000, 3_000, ["7"]).crossing, null);
    assert.deepEqual(moveTo(spec, state, 4_000).crossings.map(brief), ["CLEARED@4000#2 v=0 n=1"]);
  });

  test("TUMBLING AVG LESS_THAN: a window without numbers is OK", () => {
    const spec = makeSpec("AVG", "TUMBLING", 10, "LESS_THAN", 100);
    const state = createStatus(spec, 0);
    event(spec, state, 1_000, 1_000, [50]);
    assert.deepEqual(moveTo(spec, state, 10_000).crossings.map(brief), ["RAISED@10000#1 v=50 n=1"]);
    event(spec, state, 11_000, 11_000, ["slow"]);
    assert.deepEqual(moveTo(spec, state, 20_000).crossings.map(brief), ["CLEARED@20000#2 v=0 n=1"]);
    assert.deepEqual(moveTo(spec, state, 40_000).crossings, []);
  });
});

describe("LESS_THAN judges complete windows only", () => {
  test("TUMBLING: at each window end, the window that ended, empty ones included", () => {
    const spec = makeSpec("COUNT", "TUMBLING", 10, "LESS_THAN", 2);
    const state = createStatus(spec, 1_000);
    assert.equal(event(spec, state, 1_000, 1_000).crossing, null, "not judged during the window");
    assert.equal(event(spec, state, 2_000, 2_000).crossing, null);
    assert.deepEqual(moveTo(spec, state, 10_000).crossings, [], "2 < 2 is false");
    assert.equal(event(spec, state, 12_000, 12_000).crossing, null);
    const raised = moveTo(spec, state, 20_000).crossings;
    assert.deepEqual(raised.map(brief), ["RAISED@20000#1 v=1 n=1"]);
    assert.deepEqual([raised[0].windowStartMs, raised[0].windowEndMs], [10_000, 20_000], "the window that ended");
    for (const t of [21_000, 22_000, 23_000]) assert.equal(event(spec, state, t, t).crossing, null, "the state holds");
    assert.equal(snapshot(spec, state, 23_000).firing, true);
    assert.deepEqual(moveTo(spec, state, 30_000).crossings.map(brief), ["CLEARED@30000#2 v=3 n=3"]);
    assert.deepEqual(moveTo(spec, state, 40_000).crossings.map(brief), ["RAISED@40000#3 v=0 n=0"], "an empty window is 0");
    assert.deepEqual(moveTo(spec, state, 90_000).crossings, [], "no repeat while it stays empty");
    assert.equal(nextDueMs(spec, state, 90_000), 30_000 + 7 * DAY_MS, "only idle removal is left");
  });

  test("TUMBLING LESS_THAN_OR_EQUAL", () => {
    const spec = makeSpec("SUM", "TUMBLING", 10, "LESS_THAN_OR_EQUAL", 5);
    const state = createStatus(spec, 0);
    event(spec, state, 1_000, 1_000, [5]);
    assert.deepEqual(moveTo(spec, state, 10_000).crossings.map(brief), ["RAISED@10000#1 v=5 n=1"]);
  });

  test("TUMBLING: the window in which the status was created counts, one that ended before does not", () => {
    const spec = makeSpec("COUNT", "TUMBLING", 10, "LESS_THAN", 1);
    const mid = createStatus(spec, 5_000);
    assert.deepEqual(moveTo(spec, mid, 10_000).crossings.map(brief), ["RAISED@10000#1 v=0 n=0"]);
    const atStart = createStatus(spec, 10_000);
    assert.equal(rejudge(spec, atStart, 10_000), null, "no window has ended since it exists");
    assert.deepEqual(moveTo(spec, atStart, 20_000).crossings.map(brief), ["RAISED@20000#1 v=0 n=0"]);
  });

  test("SLIDING: not before the status is one window old, then at every change", () => {
    const spec = makeSpec("COUNT", "SLIDING", 10, "LESS_THAN", 5);
    const state = createStatus(spec, 0);
    assert.equal(event(spec, state, 5_000, 5_000).crossing, null, "1 < 5 but the status is 5 s old");
    assert.equal(nextDueMs(spec, state, 5_000), 10_000);
    assert.deepEqual(moveTo(spec, state, 9_999).crossings, []);
    assert.deepEqual(moveTo(spec, state, 10_000).crossings.map(brief), ["RAISED@10000#1 v=1 n=1"]);
    for (let i = 0; i < 3; i++) assert.equal(event(spec, state, 11_000, 11_000).crossing, null);
    assert.equal(brief(event(spec, state, 11_000, 11_000).crossing), "CLEARED@11000#2 v=5 n=5");
    assert.deepEqual(moveTo(spec, state, 15_000).crossings.map(brief), ["RAISED@15000#3 v=4 n=4"], "bucket 5 left");
  });

  test("SLIDING: eligibility alone raises, at its moment", () => {
    const spec = makeSpec("COUNT", "SLIDING", 10, "LESS_THAN", 5);
    const state = createStatus(spec, 500);
    event(spec, state, 500, 500);
    assert.deepEqual(moveTo(spec, state, 10_000).crossings, [], "bucket 0 left at 10 s, but the status is 9.5 s old");
    assert.equal(nextDueMs(spec, state, 10_000), 10_500);
    assert.deepEqual(moveTo(spec, state, 10_500).crossings.map(brief), ["RAISED@10500#1 v=0 n=0"]);
  });
});

describe("idle removal", () => {
  test("an empty window for idleMs removes the status, without a crossing when OK", () => {
    const spec = makeSpec("COUNT", "SLIDING", 10, "GREATER_THAN", 0, { idleMs: 60_000 });
    const state = createStatus(spec, 0);
    assert.equal(event(spec, state, 0, 0).crossing?.direction, "RAISED");
    assert.deepEqual(moveTo(spec, state, 10_000).crossings.map(brief), ["CLEARED@10000#2 v=0 n=0"]);
    assert.equal(nextDueMs(spec, state, 10_000), 70_000, "measured from the moment it became empty");
    assert.deepEqual(advance(spec, state, 69_999), { crossing: null, changed: false, remove: false });
    assert.deepEqual(advance(spec, state, 70_000), { crossing: null, changed: true, remove: true });
  });

  test("a FIRING status is CLEARED first", () => {
    const spec = makeSpec("COUNT", "TUMBLING", 10, "LESS_THAN", 1, { idleMs: 60_000 });
    const state = createStatus(spec, 0);
    event(spec, state, 1_000, 1_000);
    assert.deepEqual(moveTo(spec, state, 20_000).crossings.map(brief), ["RAISED@20000#1 v=0 n=0"]);
    assert.equal(nextDueMs(spec, state, 20_000), 70_000);
    const r = advance(spec, state, 75_000);
    assert.equal(r.remove, true);
    assert.equal(brief(r.crossing), "CLEARED@70000#2 v=0 n=0");
  });

  test("a status that never held an event is idle from its creation", () => {
    const spec = makeSpec("COUNT", "TUMBLING", 10, "GREATER_THAN", 0, { idleMs: 60_000 });
    const state = createStatus(spec, 5_000);
    assert.equal(event(spec, state, -100_000, 5_000, [], "u").outcome, "late");
    assert.equal(advance(spec, state, 64_999).remove, false);
    assert.equal(advance(spec, state, 65_000).remove, true);
  });

  test("events waiting ahead keep it", () => {
    const spec = makeSpec("COUNT", "SLIDING", 10, "GREATER_THAN", 0, { idleMs: 1_000 });
    const state = createStatus(spec, 0);
    event(spec, state, 120_000, 0);
    assert.equal(nextDueMs(spec, state, 0), 120_000);
    assert.equal(moveTo(spec, state, 120_000).removed, false);
    assert.equal(snapshot(spec, state, 120_000).count, 1);
  });

  test("ALL_TIME is never removed", () => {
    const spec = makeSpec("COUNT", "ALL_TIME", null, "GREATER_THAN", 0, { idleMs: 1 });
    const state = createStatus(spec, 0);
    assert.equal(nextDueMs(spec, state, 0), null);
    assert.deepEqual(advance(spec, state, 1e12), { crossing: null, changed: false, remove: false });
  });
});

describe("entities", () => {
  test("most recent first, ties by key, bounded by evicting the least recent", () => {
    const spec = makeSpec("COUNT", "SLIDING", 5, "GREATER_THAN", 1e9, { maxEntities: 3 });
    const state = createStatus(spec, 0);
    for (const [key, t] of [["e1", 1_000], ["e2", 2_000], ["e3", 3_000], ["e1", 4_000]] as const) event(spec, state, t, t, [], key);
    const keys = () => snapshot(spec, state, state.clockMs).entities.map((e) => `${e.key}:${e.count}:${e.firstSeenMs}-${e.lastSeenMs}`);
    assert.deepEqual(keys(), ["e1:2:1000-4000", "e3:1:3000-3000", "e2:1:2000-2000"]);
    event(spec, state, 5_000, 5_000, [], "e4");
    assert.deepEqual(keys(), ["e4:1:5000-5000", "e1:2:1000-4000", "e3:1:3000-3000"]);
    event(spec, state, 5_000, 5_000, [], "a0");
    assert.deepEqual(keys(), ["a0:1:5000-5000", "e4:1:5000-5000", "e1:2:1000-4000"], "ties by key");
    event(spec, state, 4_500, 5_000, [], "old");
    assert.deepEqual(keys(), ["a0:1:5000-5000", "e4:1:5000-5000", "old:1:4500-4500"]);
    event(spec, state, 1_500, 5_000, [], "older");
    assert.deepEqual(keys(), ["a0:1:5000-5000", "e4:1:5000-5000", "old:1:4500-4500"], "a new key older than all evicts itself");
    assert.equal(event(spec, state, 0, 200_000, [], "late").outcome, "late");
    assert.equal(snapshot(spec, state, 200_000).count, 0, "the window emptied");
    assert.equal(keys().length, 3, "entities are not windowed");
    assert.ok(!keys().some((k) => k.startsWith("late")), "a late event does not list its entity");
  });

  test("a crossing carries a copy", () => {
    const spec = makeSpec("COUNT", "ALL_TIME", null, "GREATER_THAN", 0);
    const state = createStatus(spec, 0);
    const { crossing } = event(spec, state, 1_000, 1_000, [], "u1");
    event(spec, state, 2_000, 2_000, [], "u1");
    assert.deepEqual(crossing?.entities, [{ key: "u1", count: 1, firstSeenMs: 1_000, lastSeenMs: 1_000 }]);
  });
});

describe("snapshot", () => {
  test("reads the status at nowMs when nothing is due before, else at its clock", () => {
    const spec = makeSpec("COUNT", "TUMBLING", 10, "GREATER_THAN", 5);
    const state = createStatus(spec, 0);
    event(spec, state, 1_000, 1_000, [], "u");
    const at = (nowMs: number) => {
      const { count, windowStartMs, windowEndMs } = snapshot(spec, state, nowMs);
      return [count, windowStartMs, windowEndMs];
    };
    assert.deepEqual(at(9_999), [1, 0, 10_000]);
    assert.deepEqual(at(15_000), [1, 0, 10_000], "the window end is due: advance first");
    moveTo(spec, state, 15_000);
    assert.deepEqual(at(15_000), [0, 10_000, 20_000]);
    moveTo(spec, state, 20_000);
    assert.equal(nextDueMs(spec, state, 20_000), 10_000 + 7 * DAY_MS, "the ended window was dropped; only idle removal is left");
    assert.deepEqual(at(45_000), [0, 40_000, 50_000], "nothing due: the windows move with nowMs");
    assert.deepEqual(snapshot(spec, state, 45_000), {
      firing: false, value: 0, count: 0, windowStartMs: 40_000, windowEndMs: 50_000, lastEventAtMs: 1_000, lastCrossingAtMs: null,
      entities: [{ key: "u", count: 1, firstSeenMs: 1_000, lastSeenMs: 1_000 }],
    });
  });
});

describe("rejudge after a threshold change", () => {
  test("crosses at nowMs when the new threshold flips the state, not otherwise", () => {
    const spec = makeSpec("COUNT", "ALL_TIME", null, "GREATER_THAN", 5);
    const state = createStatus(spec, 0);
    for (const t of [1, 2, 3]) event(spec, state, t, t);
    assert.equal(rejudge(spec, state, 10), null);
    const lower = makeSpec("COUNT", "ALL_TIME", null, "GREATER_THAN", 2);
    assert.equal(brief(rejudge(lower, state, 10)), "RAISED@10#1 v=3 n=3");
    assert.equal(rejudge(lower, state, 11), null);
    assert.equal(brief(rejudge(makeSpec("COUNT", "ALL_TIME", null, "NOT_EQUALS", 3), state, 12)), "CLEARED@12#2 v=3 n=3");
  });

  test("TUMBLING: to LESS_THAN judges the window that ended, the state holds until the next end", () => {
    const greater = makeSpec("COUNT", "TUMBLING", 10, "GREATER_THAN", 2);
    const state = createStatus(greater, 0);
    for (const t of [1_000, 2_000, 3_000]) event(greater, state, t, t);
    assert.equal(state.firing, true);
    event(greater, state, 11_000, 11_000);
    assert.equal(state.firing, false);
    const less = makeSpec("COUNT", "TUMBLING", 10, "LESS_THAN", 5);
    const c = rejudge(less, state, 12_000);
    assert.equal(brief(c), "RAISED@12000#3 v=3 n=3");
    assert.deepEqual([c?.windowStartMs, c?.windowEndMs], [0, 10_000]);
    for (let i = 0; i < 5; i++) assert.equal(event(less, state, 13_000, 13_000).crossing, null);
    assert.deepEqual(moveTo(less, state, 20_000).crossings.map(brief), ["CLEARED@20000#4 v=6 n=6"]);
  });
});

describe("applyEvent and the clock", () => {
  test("refuses to run ahead of a due moment, so no crossing is lost", () => {
    const spec = makeSpec("COUNT", "TUMBLING", 10, "GREATER_THAN", 0);
    const state = createStatus(spec, 0);
    event(spec, state, 1_000, 1_000);
    assert.throws(() => applyEvent(spec, state, { eventTimeMs: 10_500, values: [], entity: null }, 10_500), /advance/);
    assert.equal(moveTo(spec, state, 10_500).crossings[0].direction, "CLEARED");
    assert.equal(applyEvent(spec, state, { eventTimeMs: 10_500, values: [], entity: null }, 10_500).crossing?.direction, "RAISED");
  });

  test("an earlier nowMs reads as the status's clock", () => {
    const spec = makeSpec("COUNT", "TUMBLING", 10, "GREATER_THAN", 0);
    const state = createStatus(spec, 0);
    moveTo(spec, state, 80_000);
    assert.equal(applyEvent(spec, state, { eventTimeMs: 5_000, values: [], entity: null }, 1_000).outcome, "late");
  });

  test("ALL_TIME COUNT applies without allocating per call (sanity check, not a benchmark)", () => {
    const spec = makeSpec("COUNT", "ALL_TIME", null, "GREATER_THAN", 1e12);
    const state = createStatus(spec, 0);
    const input = { eventTimeMs: 1, values: [], entity: "u" };
    const first = applyEvent(spec, state, input, 1);
    const total = state.total;
    const entity = state.entities.get("u");
    for (let i = 2; i < 10_000; i++) {
      assert.equal(applyEvent(spec, state, input, i), first, "one shared result object");
    }
    assert.equal(state.total, total, "the aggregate is mutated in place");
    assert.equal(state.entities.get("u"), entity, "so is the entity");
    assert.equal(state.total.count, 9_999);
    assert.ok(Object.isFrozen(first));
  });
});

// ---------------------------------------------------------------------------------------------
// property tests over random event streams

const AGGREGATIONS: readonly AggregationFunction[] = ["COUNT", "COUNT_DISTINCT", "SUM", "MIN", "MAX", "AVG"];
const OPERATORS: readonly ComparisonOperator[] = ["GREATER_THAN", "GREATER_THAN_OR_EQUAL", "LESS_THAN", "LESS_THAN_OR_EQUAL", "EQUALS", "NOT_EQUALS"];
const VALUES: readonly unknown[] = [-3, -1, 0, 1, 2, 5, 8, "a", "b", "5", null, true, [1], { k: 1 }, { k: 2 }];

interface Scenario {
  spec: StatusSpec;
  startMs: number;
  events: Array<{ nowMs: number; input: { eventTimeMs: number; values: unknown[]; entity: string | null } }>;
  endMs: number;
}

function scenario(seed: number, type: WindowType, aggregation: AggregationFunction): Scenario {
  const r = prng(seed);
  const seconds = type === "ALL_TIME" ? null : r.int(1, 6);
  const operators = type === "ALL_TIME" ? OPERATORS.filter((o) => !o.startsWith("LESS")) : OPERATORS;
  const spec = makeSpec(aggregation, type, seconds, r.pick(operators), r.int(0, 4), {
    lateGraceMs: r.pick([0, 1_000, 5_000]),
    idleMs: r.pick([DAY_MS, 7_000, 20_000]),
    maxEntities: r.pick([2, 100]),
  });
  const startMs = r.int(0, 1_000_000);
  let nowMs = startMs;
  const events: Scenario["events"] = [];
  const n = r.int(0, 30);
  for (let i = 0; i < n; i++) {
    nowMs += r.pick([0, 0, 17, 400, 999, 1000, 1_500, 4_000]);
    const values = r.next() < 0.15 ? [] : Array.from({ length: r.int(1, 3) }, () => r.pick(VALUES));
    const entity = r.next() < 0.3 ? null : `user${r.int(1, 4)}`;
    events.push({ nowMs, input: { eventTimeMs: nowMs + r.int(-9_000, 3_000), values, entity } });
  }
  return { spec, startMs, events, endMs: nowMs + r.int(0, 25_000) };
}

const CASES_PER_COMBINATION = 200;
const WINDOW_TYPES: readonly WindowType[] = ["ALL_TIME", "TUMBLING", "SLIDING"];

describe("mergeStatuses equals applying every event to one status", () => {
  for (const type of WINDOW_TYPES) {
    for (const aggregation of AGGREGATIONS) {
      test(`${type} ${aggregation}: ${CASES_PER_COMBINATION} random splits`, () => {
        for (let c = 0; c < CASES_PER_COMBINATION; c++) {
          const seed = c * 7919 + type.length * 31 + aggregation.length;
          const { spec, startMs, events, endMs } = scenario(seed, type, aggregation);
          // the bound evicts per event, the merge per union: exact only while nothing is evicted
          const exactSpec: StatusSpec = { ...spec, idleMs: DAY_MS, maxEntities: 100 };
          const one = createStatus(exactSpec, startMs);
          const parts = [createStatus(exactSpec, startMs), createStatus(exactSpec, startMs)];
          const r = prng(seed ^ 0x5bd1e995);
          for (const { nowMs, input } of events) {
            const part = parts[r.int(0, 1)];
            moveTo(exactSpec, one, nowMs);
            moveTo(exactSpec, part, nowMs);
            const outcome = applyEvent(exactSpec, one, input, nowMs).outcome;
            assert.equal(applyEvent(exactSpec, part, input, nowMs).outcome, outcome, `seed ${seed}`);
          }
          moveTo(exactSpec, one, endMs);
          if (r.next() < 0.5) moveTo(exactSpec, parts[0], endMs);
          const before = parts.map((p) => JSON.stringify(serializeStatus(p)));
          const merged = mergeStatuses(exactSpec, parts[0], parts[1], endMs);
          assert.deepEqual(parts.map((p) => JSON.stringify(serializeStatus(p))), before, "inputs untouched");
          const comparable = (s: StatusState) => {
            const { firing: _f, sequence: _s, lastCrossingAtMs: _l, ...rest } = serializeStatus(s) as Record<string, unknown>;
            return rest;
          };
          assert.deepEqual(comparable(merged), comparable(one), `seed ${seed}`);
          assert.deepEqual({ ...snapshot(exactSpec, merged, endMs), firing: null, lastCrossingAtMs: null },
            { ...snapshot(exactSpec, one, endMs), firing: null, lastCrossingAtMs: null }, `seed ${seed}`);
          rejudge(exactSpec, merged, endMs);
          rejudge(exactSpec, one, endMs);
          assert.equal(merged.firing, one.firing, `seed ${seed}`);
        }
      });
    }
  }

  test("a long clock jump in the merge retracts only the buckets that were inside the window", () => {
    const spec = makeSpec("SUM", "SLIDING", 2, "GREATER_THAN", 1e9);
    for (const endMs of [2_500, 3_500, 4_500, 9_000]) {
      const a = createStatus(spec, 0);
      // bucket 0 is in the window at 0; buckets 1 to 4 wait ahead (events may be up to 5 min early)
      [0, 1_000, 2_000, 3_000, 4_000].forEach((t, i) => applyEvent(spec, a, { eventTimeMs: t, values: [10 ** i], entity: null }, 0));
      const stepped = clone(a);
      moveTo(spec, stepped, endMs);
      const merged = mergeStatuses(spec, a, createStatus(spec, 0), endMs);
      assert.deepEqual(snapshot(spec, merged, endMs), snapshot(spec, stepped, endMs), `at ${endMs}`);
      assert.deepEqual(serializeStatus(merged), serializeStatus(stepped), `at ${endMs}`);
    }
  });

  test("entities: counts add, first/last combine, the bound keeps the most recent of the union", () => {
    const spec = makeSpec("COUNT", "ALL_TIME", null, "GREATER_THAN", 1e9, { maxEntities: 2 });
    const a = createStatus(spec, 0);
    const b = createStatus(spec, 0);
    event(spec, a, 1_000, 1_000, [], "x");
    event(spec, a, 5_000, 5_000, [], "y");
    event(spec, b, 3_000, 3_000, [], "x");
    event(spec, b, 4_000, 4_000, [], "z");
    const merged = mergeStatuses(spec, a, b, 6_000);
    assert.deepEqual(snapshot(spec, merged, 6_000).entities, [
      { key: "y", count: 1, firstSeenMs: 5_000, lastSeenMs: 5_000 },
      { key: "z", count: 1, firstSeenMs: 4_000, lastSeenMs: 4_000 },
    ]);
    event(spec, a, 6_000, 6_000, [], "z");
    const again = mergeStatuses(spec, a, b, 6_000);
    assert.deepEqual(snapshot(spec, again, 6_000).entities.map((e) => [e.key, e.count]), [["z", 2], ["y", 1]]);
  });
});

/** Random statuses at random moments of random streams, for the properties below. */
function* randomStates(count: number): Generator<{ spec: StatusSpec; state: StatusState; seed: number }> {
  for (let seed = 1; seed <= count; seed++) {
    const r = prng(seed);
    const { spec, startMs, events } = scenario(seed * 104_729, r.pick(WINDOW_TYPES), r.pick(AGGREGATIONS));
    const state = createStatus(spec, startMs);
    const stop = r.int(0, events.length);
    let removed = false;
    for (const { nowMs, input } of events.slice(0, stop)) {
      if (moveTo(spec, state, nowMs).removed) {
        removed = true;
        break;
      }
      applyEvent(spec, state, input, nowMs);
    }
    if (!removed) yield { spec, state, seed };
  }
}

/** What a change can touch: the stored state, the value, and which tumbling window holds the events. */
function observe(spec: StatusSpec, state: StatusState): unknown {
  const { value, count, windowStartMs } = snapshot(spec, state, state.clockMs);
  return { ...withoutClock(state), value, count, window: spec.window.type === "TUMBLING" && count > 0 ? windowStartMs : null };
}

describe("nextDueMs is exact", () => {
  test("advance at nextDueMs - 1 changes nothing, at nextDueMs it changes", () => {
    let checked = 0;
    for (const { spec, state, seed } of randomStates(1_500)) {
      // walk a few due moments of each state
      for (let step = 0; step < 6; step++) {
        const due = nextDueMs(spec, state, state.clockMs);
        if (due === null) {
          assert.equal(spec.window.type, "ALL_TIME", `seed ${seed}`);
          break;
        }
        assert.ok(due > state.clockMs, `seed ${seed}: due after the clock`);
        const early = clone(state);
        const before = snapshot(spec, early, due - 1);
        assert.deepEqual(advance(spec, early, due - 1), { crossing: null, changed: false, remove: false }, `seed ${seed}`);
        assert.deepEqual(withoutClock(early), withoutClock(state), `seed ${seed}`);
        assert.deepEqual(snapshot(spec, early, due - 1), before, `seed ${seed}`);
        const seen = observe(spec, state);
        const r = advance(spec, state, due);
        assert.equal(r.changed, true, `seed ${seed} step ${step}`);
        const changed = r.crossing !== null || r.remove;
        assert.ok(changed || !isDeepStrictEqual(observe(spec, state), seen), `seed ${seed} step ${step}: nothing changed at ${due}`);
        checked++;
        if (r.remove) break;
      }
    }
    assert.ok(checked > 1_000, `checked ${checked}`);
  });

  test("advancing in one call or in many gives the same crossings and state", () => {
    for (const { spec, state, seed } of randomStates(600)) {
      const r = prng(seed);
      const direct = clone(state);
      const stepped = clone(state);
      const endMs = state.clockMs + r.int(0, 40_000);
      const directRun = moveTo(spec, direct, endMs);
      const steppedCrossings: Crossing[] = [];
      let removed = false;
      for (let t = stepped.clockMs; !removed; ) {
        t = Math.min(endMs, t + r.int(1, 3_000));
        const run = moveTo(spec, stepped, t);
        steppedCrossings.push(...run.crossings);
        removed = run.removed;
        if (t === endMs) break;
      }
      assert.deepEqual(steppedCrossings, directRun.crossings, `seed ${seed}`);
      assert.equal(removed, directRun.removed, `seed ${seed}`);
      if (!removed) assert.deepEqual(serializeStatus(stepped), serializeStatus(direct), `seed ${seed}`);
    }
  });
});

describe("serializeStatus / deserializeStatus", () => {
  test("round trip is exact, through JSON text, Maps included", () => {
    let count = 0;
    for (const { spec, state, seed } of randomStates(400)) {
      const text = JSON.stringify(serializeStatus(state));
      const back = deserializeStatus(JSON.parse(text));
      assert.deepStrictEqual(back, state, `seed ${seed}`);
      assert.equal(JSON.stringify(serializeStatus(back)), text, `seed ${seed}`);
      // and it behaves the same afterwards
      const later = state.clockMs + 5_000;
      const input = { eventTimeMs: later, values: [1, "a"], entity: "after" };
      const run = moveTo(spec, state, later);
      assert.deepEqual(moveTo(spec, back, later), run, `seed ${seed}`);
      if (run.removed) continue;
      assert.deepEqual(applyEvent(spec, back, input, later), applyEvent(spec, state, input, later), `seed ${seed}`);
      assert.deepStrictEqual(back, state, `seed ${seed}`);
      count++;
    }
    assert.ok(count > 300);
  });

  test("refuses what it did not write", () => {
    assert.throws(() => deserializeStatus(null), /malformed at "v"/);
    const stored = serializeStatus(createStatus(makeSpec("COUNT", "SLIDING", 5, "GREATER_THAN", 1), 0)) as Record<string, unknown>;
    assert.throws(() => deserializeStatus({ ...stored, clockMs: "soon" }), /clockMs/);
    assert.throws(() => deserializeStatus({ ...stored, cells: [[1, [1]]] }), /cells\[1\]/);
    assert.throws(() => deserializeStatus({ ...stored, entities: [["u", 1]] }), /entities/);
  });
});

describe("sums past the double range (issue 13, item 1)", () => {
  const HUGE = 1.7e308;
  const reported = (spec: StatusSpec, state: StatusState, nowMs: number) => reportedAggregate(snapshot(spec, state, nowMs).value);

  test("ALL_TIME SUM of two 1.7e308 saturates at MAX_VALUE and fires on GREATER_THAN a threshold above either event", () => {
    const spec = makeSpec("SUM", "ALL_TIME", null, "GREATER_THAN", 1.79e308);
    const state = createStatus(spec, 0);
    assert.equal(event(spec, state, 0, 0, [HUGE]).crossing, null);
    assert.deepEqual(reported(spec, state, 0), { value: HUGE, saturated: false });
    const second = event(spec, state, 1, 1, [HUGE]).crossing;
    assert.equal(second?.direction, "RAISED");
    assert.deepEqual(reportedAggregate(second!.value), { value: Number.MAX_VALUE, saturated: true });
    // even a threshold at MAX_VALUE itself: the true sum is beyond it
    const atMax = makeSpec("SUM", "ALL_TIME", null, "GREATER_THAN", Number.MAX_VALUE);
    const s2 = createStatus(atMax, 0);
    event(atMax, s2, 0, 0, [HUGE]);
    assert.equal(event(atMax, s2, 1, 1, [HUGE]).crossing?.direction, "RAISED");
  });

  test("a saturated ALL_TIME sum stays saturated: it cannot be retracted exactly", () => {
    const spec = makeSpec("SUM", "ALL_TIME", null, "GREATER_THAN", 0);
    const state = createStatus(spec, 0);
    for (const v of [HUGE, HUGE, -HUGE]) event(spec, state, 0, 0, [v]);
    assert.deepEqual(reported(spec, state, 0), { value: Number.MAX_VALUE, saturated: true });
  });

  test("AVG saturates with its sum; MIN and MAX of huge values are exact", () => {
    for (const [aggregation, want] of [["AVG", { value: -Number.MAX_VALUE, saturated: true }], ["MIN", { value: -HUGE, saturated: false }], ["MAX", { value: -HUGE, saturated: false }]] as const) {
      const spec = makeSpec(aggregation, "ALL_TIME", null, "GREATER_THAN", 0);
      const state = createStatus(spec, 0);
      event(spec, state, 0, 0, [-HUGE, -HUGE]);
      assert.deepEqual(reported(spec, state, 0), want, aggregation);
    }
  });

  test("SLIDING: when one huge bucket leaves, the sum is exact again, not stuck at Infinity or NaN", () => {
    const spec = makeSpec("SUM", "SLIDING", 10, "GREATER_THAN", 1.79e308);
    const state = createStatus(spec, 0);
    event(spec, state, 0, 0, [HUGE]);
    assert.equal(event(spec, state, 5_000, 5_000, [HUGE]).crossing?.direction, "RAISED");
    assert.deepEqual(reported(spec, state, 5_000), { value: Number.MAX_VALUE, saturated: true });
    // the first bucket leaves at 10 s: 1.7e308 is left, which no subtraction from Infinity gives. Second
    // by second, so the bucket is retracted (a longer jump adds up the remaining buckets anyway).
    const crossings: Crossing[] = [];
    for (let t = 6_000; t <= 10_000; t += 1_000) crossings.push(...moveTo(spec, state, t).crossings);
    assert.deepEqual(crossings.map(brief), ["CLEARED@10000#2 v=1.7e+308 n=1"]);
    assert.deepEqual(reported(spec, state, 10_000), { value: HUGE, saturated: false });
    // and a later small value adds to the exact sum
    event(spec, state, 11_000, 11_000, [1e292]);
    assert.equal(snapshot(spec, state, 11_000).value, HUGE + 1e292);
    moveTo(spec, state, 16_000);
    assert.deepEqual(reported(spec, state, 16_000), { value: 1e292, saturated: false });
  });

  test("SLIDING: a bucket that overflowed by itself keeps the window saturated until it leaves", () => {
    const spec = makeSpec("SUM", "SLIDING", 10, "GREATER_THAN", 0);
    const state = createStatus(spec, 0);
    event(spec, state, 0, 0, [1]);
    event(spec, state, 1_000, 1_000, [HUGE, HUGE]);
    event(spec, state, 2_000, 2_000, [5]);
    for (let t = 3_000; t <= 10_000; t += 1_000) moveTo(spec, state, t);
    assert.deepEqual(reported(spec, state, 10_000), { value: Number.MAX_VALUE, saturated: true });
    moveTo(spec, state, 11_000);
    assert.deepEqual(reported(spec, state, 11_000), { value: 5, saturated: false });
  });

  test("overflow both ways (NaN) reads 0, saturated, and holds no threshold, not even NOT_EQUALS", () => {
    for (const operator of ["GREATER_THAN", "NOT_EQUALS", "EQUALS"] as const) {
      const spec = makeSpec("SUM", "TUMBLING", 60, operator, 0);
      const a = createStatus(spec, 0);
      const b = createStatus(spec, 0);
      event(spec, a, 0, 0, [HUGE, HUGE]);
      event(spec, b, 0, 0, [-HUGE, -HUGE]);
      const merged = mergeStatuses(spec, a, b, 0);
      merged.firing = false;
      assert.deepEqual(reported(spec, merged, 0), { value: 0, saturated: true }, operator);
      assert.equal(rejudge(spec, merged, 0), null, operator);
    }
  });

  test("SLIDING merge: parts that overflowed apart are added up again from their buckets", () => {
    const spec = makeSpec("SUM", "SLIDING", 10, "GREATER_THAN", 0);
    const history = createStatus(spec, 0);
    const live = createStatus(spec, 0);
    event(spec, history, 0, 0, [HUGE]);
    event(spec, history, 1_000, 1_000, [HUGE]);
    event(spec, live, 0, 0, [-HUGE]);
    event(spec, live, 1_000, 1_000, [-HUGE]);
    const merged = mergeStatuses(spec, history, live, 1_000);
    assert.deepEqual(reported(spec, merged, 1_000), { value: 0, saturated: false });
    // and the merged state stores and loads like any other
    assert.deepEqual(serializeStatus(clone(merged)), serializeStatus(merged));
  });

  test("a saturated state survives storage: the stored sum says Infinity", () => {
    const spec = makeSpec("SUM", "SLIDING", 10, "GREATER_THAN", 0);
    const state = createStatus(spec, 0);
    event(spec, state, 0, 0, [HUGE]);
    event(spec, state, 1_000, 1_000, [HUGE]);
    const loaded = clone(state);
    assert.deepEqual(reported(spec, loaded, 1_000), { value: Number.MAX_VALUE, saturated: true });
    for (let t = 2_000; t <= 10_000; t += 1_000) moveTo(spec, loaded, t);
    assert.deepEqual(reported(spec, loaded, 10_000), { value: HUGE, saturated: false });
  });
});
