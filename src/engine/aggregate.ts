/**
 * Aggregate cells: the running aggregate of one window or one sliding-window bucket, mutated in place.
 * The semantics are in status.ts; this file only keeps the arithmetic exact enough to add, merge and
 * retract cells.
 */
import type { AggregationFunction } from "./alert-definition";

export interface Cell {
  /** Qualifying events. */
  count: number;
  /** Finite numbers among their values (SUM, MIN, MAX, AVG). */
  numbers: number;
  sum: number;
  /** Meaningful only while numbers > 0; 0 otherwise, so that a cell stays JSON-safe (no Infinity). */
  min: number;
  max: number;
  /** COUNT_DISTINCT only: canonical JSON of each value -> how often it occurred. */
  distinct: Map<string, number> | null;
}

/** Stored form of a cell: [count, numbers, sum, min, max, [[key, n], ...] | null]. */
export type StoredCell = [number, number, number | string, number, number, Array<[string, number]> | null];

export function newCell(aggregation: AggregationFunction): Cell {
  return { count: 0, numbers: 0, sum: 0, min: 0, max: 0, distinct: aggregation === "COUNT_DISTINCT" ? new Map() : null };
}

/** Empties a cell in place. */
export function resetCell(cell: Cell): void {
  cell.count = 0;
  cell.numbers = 0;
  cell.sum = 0;
  cell.min = 0;
  cell.max = 0;
  cell.distinct?.clear();
}

/** A cell holding nothing, shared: read it, never write it. */
export const EMPTY_CELL: Readonly<Cell> = Object.freeze(newCell("COUNT"));

/**
 * The aggregate of a cell: COUNT its events, COUNT_DISTINCT its distinct values, SUM/MIN/MAX/AVG its
 * finite numbers (0 when it has none).
 */
export function cellValue(aggregation: AggregationFunction, cell: Readonly<Cell>): number {
  switch (aggregation) {
    case "COUNT":
      return cell.count;
    case "COUNT_DISTINCT":
      return cell.distinct === null ? 0 : cell.distinct.size;
    case "SUM":
      return cell.sum;
    case "MIN":
      return cell.min;
    case "MAX":
      return cell.max;
    case "AVG":
      return cell.numbers === 0 ? 0 : cell.sum / cell.numbers;
  }
}

/**
 * An aggregate as it can be reported: a GraphQL Float carries no Infinity or NaN (issue 13, item 1).
 * A SUM or AVG whose sum left the range of a double saturates at ±Number.MAX_VALUE; one whose parts
 * overflowed both ways (NaN: +Infinity and -Infinity met) has no known sign and reads 0. Both say
 * saturated: the value is not exact. Every other value is finite already and reported as it is.
 */
export function reportedAggregate(value: number): { value: number; saturated: boolean } {
  if (Number.isFinite(value)) return { value, saturated: false };
  return { value: value === Infinity ? Number.MAX_VALUE : value === -Infinity ? -Number.MAX_VALUE : 0, saturated: true };
}

/**
 * Adds one event with its values to `cell`, and to `total` too unless it is null (a sliding window's
 * running total). No allocation except a distinct key the cell has not seen.
 */
export function addEvent(aggregation: AggregationFunction, cell: Cell, values: readonly unknown[], total: Cell | null): void {
  cell.count++;
  if (total !== null) total.count++;
  if (aggregation === "COUNT") return;
  if (aggregation === "COUNT_DISTINCT") {
    for (let i = 0; i < values.length; i++) {
      const key = canonicalJson(values[i]);
      if (key === undefined) continue;
      if (cell.distinct !== null) bump(cell.distinct, key, 1);
      if (total !== null && total.distinct !== null) bump(total.distinct, key, 1);
    }
    return;
  }
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== "number" || !Number.isFinite(v)) continue;
    // -0 would not survive JSON storage
    const x = v === 0 ? 0 : v;
    addNumber(cell, x);
    if (total !== null) addNumber(total, x);
  }
}

function addNumber(cell: Cell, x: number): void {
  if (cell.numbers === 0) {
    cell.min = x;
    cell.max = x;
  } else {
    if (x < cell.min) cell.min = x;
    if (x > cell.max) cell.max = x;
  }
  cell.numbers++;
  cell.sum += x;
}

function bump(map: Map<string, number>, key: string, by: number): void {
  const n = (map.get(key) ?? 0) + by;
  if (n === 0) map.delete(key);
  else map.set(key, n);
}

/** into += from: counts and sums add, min/max combine, distinct multisets unite. */
export function combineCell(into: Cell, from: Readonly<Cell>): void {
  if (from.numbers > 0) {
    if (into.numbers === 0 || from.min < into.min) into.min = from.min;
    if (into.numbers === 0 || from.max > into.max) into.max = from.max;
  }
  into.count += from.count;
  into.numbers += from.numbers;
  into.sum += from.sum;
  if (into.distinct !== null && from.distinct !== null) {
    for (const [key, n] of from.distinct) bump(into.distinct, key, n);
  }
}

/**
 * total -= cell, for a bucket leaving a sliding window. Returns true when the caller must recompute
 * the total from the buckets that remain: the bucket held total's min or max, or total's sum is past
 * the double range (±Infinity or NaN), which no subtraction brings back (Infinity - x is Infinity).
 */
export function retractCell(total: Cell, cell: Readonly<Cell>): boolean {
  const stale = cell.numbers > 0 && (cell.min === total.min || cell.max === total.max || !Number.isFinite(total.sum));
  total.count -= cell.count;
  total.numbers -= cell.numbers;
  total.sum -= cell.sum;
  if (total.numbers === 0) {
    // running sums drift with fractions; an empty window is exactly 0 again
    total.sum = 0;
    total.min = 0;
    total.max = 0;
  }
  if (total.distinct !== null && cell.distinct !== null) {
    for (const [key, n] of cell.distinct) bump(total.distinct, key, -n);
  }
  return stale && total.numbers > 0;
}

/** Folds a cell's min/max into `total`'s, whose `numbers` already counts them. */
export function foldExtremes(total: Cell, cell: Readonly<Cell>, first: boolean): void {
  if (cell.numbers === 0) return;
  if (first || cell.min < total.min) total.min = cell.min;
  if (first || cell.max > total.max) total.max = cell.max;
}

export function cloneCell(cell: Readonly<Cell>): Cell {
  return { ...cell, distinct: cell.distinct === null ? null : new Map(cell.distinct) };
}

/**
 * Canonical JSON of a JSON value, object keys sorted: two values are deep-equal exactly when their
 * encodings are equal. undefined for anything that is not JSON (undefined, NaN, Infinity, functions).
 * Recursive: payloads are at most 64 levels deep (DESIGN "The event").
 */
export function canonicalJson(value: unknown): string | undefined {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
      return Number.isFinite(value) ? String(value === 0 ? 0 : value) : undefined;
    case "boolean":
      return value ? "true" : "false";
    case "object": {
      if (value === null) return "null";
      if (Array.isArray(value)) {
        let out = "[";
        for (let i = 0; i < value.length; i++) {
          const item = canonicalJson(value[i]);
          if (item === undefined) return undefined;
          out += i === 0 ? item : "," + item;
        }
        return out + "]";
      }
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj).sort();
      let out = "{";
      for (let i = 0; i < keys.length; i++) {
        const item = canonicalJson(obj[keys[i]]);
        if (item === undefined) return undefined;
        out += (i === 0 ? "" : ",") + JSON.stringify(keys[i]) + ":" + item;
      }
      return out + "}";
    }
    default:
      return undefined;
  }
}

export function storeCell(cell: Readonly<Cell>): StoredCell {
  const distinct = cell.distinct === null ? null : [...cell.distinct].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  // a sum can overflow to ±Infinity (or NaN after retracting it), which JSON cannot hold
  const sum = Number.isFinite(cell.sum) ? cell.sum : String(cell.sum);
  return [cell.count, cell.numbers, sum, cell.min, cell.max, distinct];
}

export function loadCell(data: unknown, field: string): Cell {
  if (!Array.isArray(data) || data.length !== 6) throw malformed(field);
  const [count, numbers, sum, min, max, distinct] = data as unknown[];
  for (const n of [count, numbers, min, max]) if (typeof n !== "number" || !Number.isFinite(n)) throw malformed(field);
  let total: number;
  if (typeof sum === "number") total = sum;
  else if (sum === "Infinity" || sum === "-Infinity" || sum === "NaN") total = Number(sum);
  else throw malformed(`${field}.sum`);
  let map: Map<string, number> | null = null;
  if (distinct !== null) {
    if (!Array.isArray(distinct)) throw malformed(`${field}.distinct`);
    map = new Map();
    for (const pair of distinct as unknown[]) {
      if (!Array.isArray(pair) || typeof pair[0] !== "string" || typeof pair[1] !== "number" || pair[1] <= 0) throw malformed(`${field}.distinct`);
      map.set(pair[0], pair[1]);
    }
  }
  return { count: count as number, numbers: numbers as number, sum: total, min: min as number, max: max as number, distinct: map };
}

export function malformed(field: string): Error {
  return new Error(`stored status is malformed at "${field}": it was not written by serializeStatus; rebuild the status by a backfill`);
}
