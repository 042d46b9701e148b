import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { AggregationFunction } from "../../src/engine/alert-definition";
import { addEvent, canonicalJson, cellValue, combineCell, loadCell, newCell, reportedAggregate, retractCell, storeCell } from "../../src/engine/aggregate";
import { applyEvent, createStatus, snapshot, type StatusSpec } from "../../src/engine/status";

function allTime(aggregation: AggregationFunction): StatusSpec {
  return {
    aggregation,
    window: { type: "ALL_TIME", seconds: null },
    threshold: { operator: "GREATER_THAN", value: 1e9 },
    lateGraceMs: 60_000,
    idleMs: 7 * 86_400_000,
  };
}

/** Applies one event per entry of `events` (each the values at the path) and reads the aggregate. */
function aggregate(aggregation: AggregationFunction, events: readonly unknown[][]): { value: number; count: number } {
  const spec = allTime(aggregation);
  const state = createStatus(spec, 1000);
  events.forEach((values, i) => applyEvent(spec, state, { eventTimeMs: 1000 + i, values, entity: null }, 1000 + i));
  const { value, count } = snapshot(spec, state, 1000 + events.length);
  return { value, count };
}

type Case = readonly [name: string, aggregation: AggregationFunction, events: unknown[][], value: number, count: number];

const CASES: readonly Case[] = [
  ["COUNT counts events, not values", "COUNT", [[1], [], ["x", "y"]], 3, 3],
  ["COUNT of nothing", "COUNT", [], 0, 0],
  ["SUM of numbers", "SUM", [[1], [2.5], [-1]], 2.5, 3],
  ["SUM adds every value of a multi-valued path", "SUM", [[1, 2, 3], [4]], 10, 2],
  ["SUM ignores strings, null, booleans, arrays, objects, NaN, Infinity", "SUM",
    [["5"], [null], [true], [[1]], [{ n: 1 }], [NaN], [Infinity], [-Infinity], [undefined]], 0, 9],
  ["SUM takes the numbers among mixed values", "SUM", [[1, "2", 3, null]], 4, 1],
  ["SUM: an event without a value still counts", "SUM", [[], [5]], 5, 2],
  ["SUM of nothing is 0", "SUM", [], 0, 0],
  ["MIN", "MIN", [[3], [1, 7], [-2]], -2, 3],
  ["MIN of positives only", "MIN", [[5], [3]], 3, 2],
  ["MIN ignores non-numbers", "MIN", [["-100"], [4], [null]], 4, 3],
  ["MIN without numbers is 0", "MIN", [["a"], [null]], 0, 2],
  ["MAX", "MAX", [[3], [1, 7], [-2]], 7, 3],
  ["MAX of negatives only", "MAX", [[-5], [-3]], -3, 2],
  ["MAX ignores non-numbers", "MAX", [["100"], [[100]], [2]], 2, 3],
  ["MAX without numbers is 0", "MAX", [[{ a: 1 }]], 0, 1],
  ["AVG over numeric values, not events", "AVG", [[1, 2], [3]], 2, 2],
  ["AVG ignores non-numbers", "AVG", [[1, "9"], [3, null], []], 2, 3],
  ["AVG without numbers is 0", "AVG", [["x"], []], 0, 2],
  ["COUNT_DISTINCT strings", "COUNT_DISTINCT", [["a"], ["a"], ["b"]], 2, 3],
  ["COUNT_DISTINCT: 5 is not \"5\"", "COUNT_DISTINCT", [[5], ["5"]], 2, 2],
  ["COUNT_DISTINCT: 1 and 1.0 are one", "COUNT_DISTINCT", [[1], [1.0]], 1, 2],
  ["COUNT_DISTINCT: 0 and -0 are one", "COUNT_DISTINCT", [[0], [-0]], 1, 2],
  ["COUNT_DISTINCT counts null", "COUNT_DISTINCT", [[null], [null], [false]], 2, 3],
  ["COUNT_DISTINCT: object key order does not matter", "COUNT_DISTINCT", [[{ a: 1, b: [2] }], [{ b: [2], a: 1 }]], 1, 2],
  ["COUNT_DISTINCT: array order matters", "COUNT_DISTINCT", [[[1, 2]], [[2, 1]], [[1, 2]]], 2, 3],
  ["COUNT_DISTINCT: [] and {} and \"\" differ", "COUNT_DISTINCT", [[[]], [{}], [""], [null]], 4, 4],
  ["COUNT_DISTINCT ignores non-JSON values", "COUNT_DISTINCT", [[NaN], [Infinity], [undefined], [[NaN]]], 0, 4],
  ["COUNT_DISTINCT: every value of a multi-valued path", "COUNT_DISTINCT", [["a", "b", "a"], ["c"]], 3, 2],
  ["COUNT_DISTINCT of nothing", "COUNT_DISTINCT", [[]], 0, 1],
];

describe("aggregations over ALL_TIME", () => {
  for (const [name, aggregation, events, value, count] of CASES) {
    test(`${name} -> ${value} (count ${count})`, () => {
      assert.deepEqual(aggregate(aggregation, events), { value, count });
    });
  }

  test("-0 is stored as 0 (JSON cannot hold -0)", () => {
    for (const aggregation of ["SUM", "MIN", "MAX"] as const) {
      assert.ok(Object.is(aggregate(aggregation, [[-0]]).value, 0), aggregation);
    }
  });
});

describe("canonicalJson", () => {
  const cases: ReadonlyArray<readonly [unknown, string | undefined]> = [
    ["a", '"a"'],
    ['q"uote', '"q\\"uote"'],
    [5, "5"],
    [-0, "0"],
    [1.5e300, "1.5e+300"],
    [true, "true"],
    [null, "null"],
    [[], "[]"],
    [{}, "{}"],
    [[1, "1", null], '[1,"1",null]'],
    [{ b: 1, a: { d: [], c: "x" } }, '{"a":{"c":"x","d":[]},"b":1}'],
    [NaN, undefined],
    [Infinity, undefined],
    [undefined, undefined],
    [[1, undefined], undefined],
    [{ a: NaN }, undefined],
    [() => 1, undefined],
  ];
  for (const [value, expected] of cases) {
    test(`${String(expected)}`, () => assert.equal(canonicalJson(value), expected));
  }
});

describe("cells", () => {
  const aggregations: readonly AggregationFunction[] = ["COUNT", "COUNT_DISTINCT", "SUM", "MIN", "MAX", "AVG"];
  const eventsA: unknown[][] = [[4, "x"], [9], []];
  const eventsB: unknown[][] = [[-2, "x"], ["y", 4]];

  for (const aggregation of aggregations) {
    test(`${aggregation}: combining two cells equals adding all events to one`, () => {
      const a = newCell(aggregation);
      const b = newCell(aggregation);
      const all = newCell(aggregation);
      for (const values of eventsA) addEvent(aggregation, a, values, all);
      for (const values of eventsB) addEvent(aggregation, b, values, all);
      combineCell(a, b);
      assert.deepEqual(a, all);
    });

    test(`${aggregation}: retracting a cell restores the total without it`, () => {
      const a = newCell(aggregation);
      const b = newCell(aggregation);
      const total = newCell(aggregation);
      for (const values of eventsA) addEvent(aggregation, a, values, total);
      for (const values of eventsB) addEvent(aggregation, b, values, total);
      const stale = retractCell(total, a);
      assert.equal(cellValue("COUNT", total), 2);
      if (aggregation === "COUNT_DISTINCT") assert.deepEqual(total.distinct, b.distinct);
      if (aggregation === "SUM" || aggregation === "AVG") assert.equal(cellValue(aggregation, total), cellValue(aggregation, b));
      // a held the max (9): the caller must recompute the extremes
      assert.equal(stale, aggregation !== "COUNT" && aggregation !== "COUNT_DISTINCT");
    });

    test(`${aggregation}: store and load round trip`, () => {
      const cell = newCell(aggregation);
      for (const values of [...eventsA, ...eventsB]) addEvent(aggregation, cell, values, null);
      const stored = JSON.parse(JSON.stringify(storeCell(cell))) as unknown;
      assert.deepStrictEqual(loadCell(stored, "cell"), cell);
    });
  }

  test("a sum that overflowed survives storage", () => {
    const cell = newCell("SUM");
    addEvent("SUM", cell, [1e308, 1e308], null);
    assert.equal(cell.sum, Infinity);
    assert.deepStrictEqual(loadCell(JSON.parse(JSON.stringify(storeCell(cell))), "cell"), cell);
  });

  test("malformed stored cells are refused with the field named", () => {
    assert.throws(() => loadCell([1, 2, 3], "cells[5]"), /cells\[5\]/);
    assert.throws(() => loadCell([1, 0, "lots", 0, 0, null], "total"), /total\.sum/);
  });
});

describe("reportedAggregate: what a GraphQL Float can carry", () => {
  test("finite values as they are; past the double range saturated at ±MAX_VALUE; NaN as 0, saturated", () => {
    const cases: [number, { value: number; saturated: boolean }][] = [
      [0, { value: 0, saturated: false }],
      [-1.5, { value: -1.5, saturated: false }],
      [Number.MAX_VALUE, { value: Number.MAX_VALUE, saturated: false }],
      [-Number.MAX_VALUE, { value: -Number.MAX_VALUE, saturated: false }],
      [Infinity, { value: Number.MAX_VALUE, saturated: true }],
      [-Infinity, { value: -Number.MAX_VALUE, saturated: true }],
      [NaN, { value: 0, saturated: true }],
    ];
    for (const [raw, want] of cases) assert.deepEqual(reportedAggregate(raw), want, String(raw));
  });

  test("retracting from a saturated total asks the caller to add up the buckets again", () => {
    const a = newCell("SUM");
    const b = newCell("SUM");
    const total = newCell("SUM");
    addEvent("SUM", a, [1.7e308, 1], total);
    addEvent("SUM", b, [1.6e308], total);
    assert.equal(total.sum, Infinity);
    // b holds neither the total's min (1) nor its max (1.7e308): only the overflowed sum is stale
    assert.equal(retractCell(total, b), true);
    const c = newCell("SUM");
    const finite = newCell("SUM");
    addEvent("SUM", c, [2], finite);
    addEvent("SUM", newCell("SUM"), [3], finite);
    addEvent("SUM", newCell("SUM"), [1], finite);
    // a finite total and a bucket holding neither extreme: nothing to recompute
    assert.equal(retractCell(finite, c), false);
  });
});
