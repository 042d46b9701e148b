/**
 * Windows by event time for one status: where an event goes (applied, closed, late), how the status's
 * clock moves its window, and when that next changes something. The rules are in status.ts; this file
 * mutates the window part of a StatusState in place and leaves crossings to status.ts.
 */
import type { ComparisonOperator } from "./alert-definition";
import { addEvent, type Cell, cellValue, combineCell, EMPTY_CELL, foldExtremes, newCell, resetCell, retractCell } from "./aggregate";
import type { EventOutcome, StatusSpec, StatusState } from "./status";

/** The window length in ms (TUMBLING, SLIDING). */
export function windowMs(spec: StatusSpec): number {
  return (spec.window.seconds ?? 0) * 1000;
}

/** applied, closed or late for an event at `timeMs` when the status's clock is `clockMs`. */
export function classifyEvent(spec: StatusSpec, clockMs: number, timeMs: number): EventOutcome {
  let leftMs: number;
  if (spec.window.type === "TUMBLING") {
    const w = windowMs(spec);
    leftMs = Math.floor(timeMs / w) * w + w;
  } else if (spec.window.type === "SLIDING") {
    leftMs = (Math.floor(timeMs / 1000) + (spec.window.seconds ?? 0)) * 1000;
  } else {
    return "applied";
  }
  if (leftMs > clockMs) return "applied";
  return leftMs <= clockMs - spec.lateGraceMs ? "late" : "closed";
}

/**
 * Adds an applied event to its window or bucket. Returns true when it entered the current window (the
 * value may have changed), false when it waits in a future window or bucket.
 */
export function addToWindow(spec: StatusSpec, state: StatusState, timeMs: number, values: readonly unknown[]): boolean {
  const aggregation = spec.aggregation;
  if (spec.window.type === "ALL_TIME") {
    addEvent(aggregation, state.total, values, null);
    return true;
  }
  const cells = state.cells;
  if (spec.window.type === "TUMBLING") {
    const w = windowMs(spec);
    const start = Math.floor(timeMs / w) * w;
    let cell = cells.get(start);
    if (cell === undefined) {
      cell = newCell(aggregation);
      cells.set(start, cell);
    }
    addEvent(aggregation, cell, values, null);
    return start === Math.floor(state.clockMs / w) * w;
  }
  const second = Math.floor(timeMs / 1000);
  let cell = cells.get(second);
  if (cell === undefined) {
    cell = newCell(aggregation);
    cells.set(second, cell);
    if (state.maxSec === null || second > state.maxSec) state.maxSec = second;
  }
  const inWindow = second < Math.floor(state.clockMs / 1000) + 1;
  if (inWindow) {
    if (state.firstSec === null || second < state.firstSec) state.firstSec = second;
  } else if (state.nextFutureSec === null || second < state.nextFutureSec) {
    state.nextFutureSec = second;
  }
  addEvent(aggregation, cell, values, inWindow ? state.total : null);
  return inWindow;
}

/** The cell of the window current at `atMs` (TUMBLING) or the running total (ALL_TIME, SLIDING). */
export function currentCell(spec: StatusSpec, state: StatusState, atMs: number): Readonly<Cell> {
  if (spec.window.type !== "TUMBLING") return state.total;
  const w = windowMs(spec);
  return state.cells.get(Math.floor(atMs / w) * w) ?? EMPTY_CELL;
}

/** Start of the window current at `atMs`; null for ALL_TIME. */
export function windowStartAt(spec: StatusSpec, atMs: number): number | null {
  if (spec.window.type === "ALL_TIME") return null;
  if (spec.window.type === "TUMBLING") {
    const w = windowMs(spec);
    return Math.floor(atMs / w) * w;
  }
  return (Math.floor(atMs / 1000) + 1) * 1000 - windowMs(spec);
}

/** True when the current window holds no event (never for ALL_TIME, which has no idle state). */
export function windowEmpty(spec: StatusSpec, state: StatusState): boolean {
  if (spec.window.type === "ALL_TIME") return false;
  return currentCell(spec, state, state.clockMs).count === 0;
}

/** True when events wait in a future window or bucket. */
export function hasEventsAhead(spec: StatusSpec, state: StatusState): boolean {
  if (spec.window.type === "SLIDING") return state.nextFutureSec !== null;
  if (spec.window.type !== "TUMBLING") return false;
  const w = windowMs(spec);
  const current = Math.floor(state.clockMs / w) * w;
  for (const start of state.cells.keys()) if (start > current) return true;
  return false;
}

/** moveClock's result, bits: the window's events changed (its value may have). */
export const MOVED_CONTENT = 1;
/** A TUMBLING window ended. */
export const MOVED_END = 2;

/**
 * Moves the clock forward to `toMs` in one step, however far: buckets leave and enter, windows roll,
 * ended windows older than the previous one are dropped, and emptySinceMs records when the window last
 * became empty. Judges nothing. Returns MOVED_* bits.
 */
export function moveClock(spec: StatusSpec, state: StatusState, toMs: number): number {
  if (toMs <= state.clockMs) return 0;
  const fromMs = state.clockMs;
  state.clockMs = toMs;
  if (spec.window.type === "TUMBLING") return moveTumbling(spec, state, fromMs, toMs);
  if (spec.window.type === "SLIDING") return moveSliding(spec, state, fromMs, toMs);
  return 0;
}

function moveTumbling(spec: StatusSpec, state: StatusState, fromMs: number, toMs: number): number {
  const w = windowMs(spec);
  const from = Math.floor(fromMs / w) * w;
  const to = Math.floor(toMs / w) * w;
  if (to === from) return 0;
  let lastEndMs: number | null = null;
  for (const start of state.cells.keys()) {
    if (start >= from && start < to && (lastEndMs === null || start + w > lastEndMs)) lastEndMs = start + w;
    // the previous window stays: LESS_THAN judges it, and rejudge may judge it again
    if (start < to - w) state.cells.delete(start);
  }
  const entered = state.cells.has(to);
  if (entered) state.emptySinceMs = null;
  else if (lastEndMs !== null) state.emptySinceMs = lastEndMs;
  return MOVED_END | (entered || lastEndMs !== null ? MOVED_CONTENT : 0);
}

function moveSliding(spec: StatusSpec, state: StatusState, fromMs: number, toMs: number): number {
  const n = spec.window.seconds ?? 0;
  const fromEnd = Math.floor(fromMs / 1000) + 1;
  const toEnd = Math.floor(toMs / 1000) + 1;
  const cells = state.cells;
  if (toEnd === fromEnd || cells.size === 0) return 0;
  const fromStart = fromEnd - n;
  const toStart = toEnd - n;
  const total = state.total;
  let lastLeftMs: number | null = null;
  let stale = false;
  let entered = false;
  if (toStart - fromStart > cells.size) {
    // a long jump: one pass over the buckets is cheaper than one step per second
    for (const second of cells.keys()) {
      if (second >= toStart) continue;
      cells.delete(second);
      if (lastLeftMs === null || (second + n) * 1000 > lastLeftMs) lastLeftMs = (second + n) * 1000;
    }
    resetCell(total);
    for (const [second, cell] of cells) {
      if (second >= toEnd) continue;
      combineCell(total, cell);
      if (second >= fromEnd) entered = true;
    }
  } else {
    for (let second = fromStart; second < toStart; second++) {
      const cell = cells.get(second);
      if (cell === undefined) continue;
      // a future bucket the clock jumped over entered and left again: it never reached the total
      if (second < fromEnd) stale = retractCell(total, cell) || stale;
      cells.delete(second);
      lastLeftMs = (second + n) * 1000;
    }
    for (let second = Math.max(fromEnd, toStart); second < toEnd; second++) {
      const cell = cells.get(second);
      if (cell === undefined) continue;
      combineCell(total, cell);
      entered = true;
    }
  }
  if (stale) recomputeFromBuckets(state, toStart, toEnd);
  if (state.firstSec === null || state.firstSec < toStart) state.firstSec = minKeyIn(cells, toStart, toEnd);
  if (state.nextFutureSec !== null && state.nextFutureSec < toEnd) {
    state.nextFutureSec = state.maxSec === null ? null : minKeyIn(cells, toEnd, state.maxSec + 1);
  }
  // only the oldest buckets leave, so the latest one left only if every one did
  if (cells.size === 0) state.maxSec = null;
  if (total.count > 0) state.emptySinceMs = null;
  else if (lastLeftMs !== null) state.emptySinceMs = lastLeftMs;
  return entered || lastLeftMs !== null ? MOVED_CONTENT : 0;
}

/**
 * The total's min and max from the buckets in [startSec, endSec), and its sum too when that is past the
 * double range. A saturated sum cannot be retracted exactly (Infinity - x is Infinity, Infinity -
 * Infinity is NaN), so a window would stay saturated long after its huge values left; adding up the
 * buckets that remain is exact, and costs a pass over them only while the window is saturated. A
 * bucket that overflowed by itself stays saturated until it leaves: its values are not kept.
 */
function recomputeFromBuckets(state: StatusState, startSec: number, endSec: number): void {
  const total = state.total;
  const resum = !Number.isFinite(total.sum);
  if (resum) total.sum = 0;
  let first = true;
  for (const [second, cell] of state.cells) {
    if (second < startSec || second >= endSec || cell.numbers === 0) continue;
    foldExtremes(total, cell, first);
    if (resum) total.sum += cell.sum;
    first = false;
  }
}

/**
 * After a merge (status.ts mergeStatuses): a SLIDING total whose sum is past the double range is added
 * up again from its buckets, where a history part and a live part may cancel out exactly.
 */
export function resumSlidingTotal(spec: StatusSpec, state: StatusState): void {
  if (spec.window.type !== "SLIDING" || Number.isFinite(state.total.sum)) return;
  const endSec = Math.floor(state.clockMs / 1000) + 1;
  recomputeFromBuckets(state, endSec - (spec.window.seconds ?? 0), endSec);
}

/** The smallest key in [lo, hi), in O(min(hi - lo, 2 * size)). */
function minKeyIn(cells: Map<number, Cell>, lo: number, hi: number): number | null {
  const steps = Math.min(hi - lo, cells.size);
  for (let key = lo; key < lo + steps; key++) if (cells.has(key)) return key;
  if (steps >= hi - lo) return null;
  let best: number | null = null;
  for (const key of cells.keys()) if (key >= lo + steps && key < hi && (best === null || key < best)) best = key;
  return best;
}

export function isLess(operator: ComparisonOperator): boolean {
  return operator === "LESS_THAN" || operator === "LESS_THAN_OR_EQUAL";
}

/**
 * Whether `value <operator> threshold` holds for a cell's aggregate, unsaturated (reportedAggregate
 * saturates it only for reading). MIN, MAX and AVG over no number never hold: DESIGN 4, "with no values in the window, MIN/MAX/AVG give 0 and the status is OK".
 */
export function cellHolds(spec: StatusSpec, cell: Readonly<Cell>): boolean {
  const aggregation = spec.aggregation;
  if (cell.numbers === 0 && (aggregation === "MIN" || aggregation === "MAX" || aggregation === "AVG")) return false;
  const value = cellValue(aggregation, cell);
  // a sum that overflowed both ways (NaN) has no known value, so it holds no threshold; ±Infinity
  // compares as the true sum would, beyond every finite threshold
  if (Number.isNaN(value)) return false;
  return holds(spec.threshold.operator, value, spec.threshold.value);
}

function holds(operator: ComparisonOperator, value: number, threshold: number): boolean {
  switch (operator) {
    case "GREATER_THAN":
      return value > threshold;
    case "GREATER_THAN_OR_EQUAL":
      return value >= threshold;
    case "LESS_THAN":
      return value < threshold;
    case "LESS_THAN_OR_EQUAL":
      return value <= threshold;
    case "EQUALS":
      return value === threshold;
    case "NOT_EQUALS":
      return value !== threshold;
  }
}

/**
 * The earliest moment after the clock at which moving the clock changes something (see status.ts
 * "Clock"); Infinity for never.
 */
export function nextChangeMs(spec: StatusSpec, state: StatusState): number {
  if (spec.window.type === "ALL_TIME") return Infinity;
  const due = spec.window.type === "SLIDING" ? slidingDueMs(spec, state) : tumblingDueMs(spec, state);
  return Math.min(due, idleDueMs(spec, state));
}

/** When the status is removed for being idle, if nothing else happens first; Infinity for not idle. */
export function idleDueMs(spec: StatusSpec, state: StatusState): number {
  if (state.emptySinceMs === null || !windowEmpty(spec, state) || hasEventsAhead(spec, state)) return Infinity;
  return state.emptySinceMs + spec.idleMs;
}

function slidingDueMs(spec: StatusSpec, state: StatusState): number {
  let due = Infinity;
  if (state.firstSec !== null) due = (state.firstSec + (spec.window.seconds ?? 0)) * 1000;
  if (state.nextFutureSec !== null && state.nextFutureSec * 1000 < due) due = state.nextFutureSec * 1000;
  const eligibleMs = state.createdAtMs + windowMs(spec);
  if (!isLess(spec.threshold.operator) || state.clockMs >= eligibleMs || eligibleMs >= due) return due;
  return cellHolds(spec, state.total) === state.firing ? due : eligibleMs;
}

/**
 * The next window end if something changes then, else the start of the first window ahead that holds
 * events: every end before it moves from no events to no events, judged (LESS_THAN only) as 0 again.
 */
function tumblingDueMs(spec: StatusSpec, state: StatusState): number {
  const w = windowMs(spec);
  const next = Math.floor(state.clockMs / w) * w + w;
  let ahead = Infinity;
  for (const start of state.cells.keys()) {
    // at the next end the previous window is dropped, or the window moves off or onto events
    if (start <= next) return next;
    if (start < ahead) ahead = start;
  }
  if (isLess(spec.threshold.operator) && cellHolds(spec, EMPTY_CELL) !== state.firing) return next;
  return ahead;
}
