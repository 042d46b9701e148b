/**
 * One status: the per-(alert, customer, group key) stages window -> aggregate -> cross -> entities ->
 * idle removal (DESIGN "An alert's meaning" 3-7), as pure functions over plain data that mutate the
 * state in place. Times are epoch ms; windows are half-open [start, end).
 *
 * Aggregate, over the qualifying events of the current window. COUNT: the events. SUM, MIN, MAX, AVG:
 * every value at the path that is a finite number (others ignored); AVG = sum / how many numbers.
 * COUNT_DISTINCT: distinct JSON values by deep equality (canonical JSON, keys sorted); non-JSON values
 * ignored. Every value counts (a multi-valued path adds several). An event without a usable value still
 * counts in `count`, updates its entity and the status, and leaves the value unchanged. No values: 0.
 * Sums are IEEE doubles: exact while partial sums are integers below 2^53. A sum past the double range
 * is kept as ±Infinity (NaN when both overflowed in one window), judged as such (Infinity is greater
 * than every threshold), and reported saturated at ±Number.MAX_VALUE (aggregate.ts reportedAggregate).
 * It stays saturated while its window holds the values that overflowed: a SLIDING total is added up
 * again from its buckets as they leave, a TUMBLING window until it ends, ALL_TIME for good.
 *
 * Window, by event time t, with the status's clock C (the largest nowMs it has been given; it never
 * goes back, so an earlier nowMs reads as C):
 * - ALL_TIME: one aggregate forever; window null; every event applied.
 * - TUMBLING of W ms: an event's window is [floor(t/W)*W, +W); the current window contains C. Windows
 *   after the current one keep their events and become current as C reaches them.
 * - SLIDING of N s: per-second buckets, bucket b = floor(t/1000). The window at C is
 *   [E - N*1000, E) with E = (floor(C/1000)+1)*1000: the last N whole seconds, the current one
 *   included. Bucket b enters at b*1000 and leaves at (b+N)*1000, retracted exactly (MIN/MAX from the
 *   buckets that remain, distinct values counted per bucket).
 * An event "leaves" at L = its window's end (TUMBLING) or (b+N)*1000 (SLIDING). If L > C it is
 * applied; if L <= C - lateGraceMs it is late; otherwise closed. Late and closed events change nothing,
 * not even entities.
 *
 * Cross: the status is FIRING while `value <operator> threshold` holds (EQUALS/NOT_EQUALS exact), except
 * that MIN, MAX and AVG over a window without numbers are OK whatever the threshold (DESIGN 4); each
 * change OK<->FIRING is one crossing, numbered 1, 2, 3... (`sequence`). A status starts OK and is only
 * judged at these moments. GREATER_THAN(_OR_EQUAL), EQUALS, NOT_EQUALS: after each applied event that
 * enters the current window, and at each clock moment at which the window's events change (a bucket
 * leaves or enters; a tumbling window ends and the old or new window holds events).
 * LESS_THAN(_OR_EQUAL): TUMBLING at each window end, judging the window that just ended (0 when it had
 * no events) if it ended after the status was created; the state holds until the next end. SLIDING as
 * the others, but only once C - createdAtMs >= N*1000, and also at that moment; before, the state
 * holds. With ALL_TIME they throw.
 * A crossing's atMs: the event's time; for the clock, the moment it happened (<= nowMs); for rejudge,
 * nowMs. Its value, count and window: the judged window (the ended one for TUMBLING LESS_THAN, else the
 * current window at C); entities: a copy, most recent first.
 *
 * Entities: every applied event with an entity increments its count, firstSeenMs = min, lastSeenMs =
 * max. Ordered by lastSeenMs descending, then key; at most maxEntities (default 100): a new key beyond
 * the bound evicts the entity that sorts last (maybe itself), whose count is then forgotten. Not windowed.
 *
 * Idle: a TUMBLING or SLIDING status whose current window is empty, with no events ahead, since
 * emptySinceMs (when the window last became empty, or creation) is removed at emptySinceMs + idleMs,
 * before any judgement at that moment: advance returns remove: true, with a CLEARED crossing (the
 * current window's value) if it was FIRING. ALL_TIME stays.
 *
 * Clock: advance() walks the clock through each moment at which something changes (a bucket leaving or
 * entering, a tumbling window ending off or onto events, an ended window dropped, a judgement that
 * would flip, idle removal), judging at each. It stops at the first that gives a crossing or a removal;
 * the clock is then that moment and nextDueMs() <= nowMs says to call again; otherwise the clock ends
 * at nowMs. applyEvent() throws when such a moment is due at or before nowMs: advance first, so that no
 * crossing is lost.
 */
import type { AggregationFunction, ComparisonOperator, WindowType } from "./alert-definition";
import { type Cell, cellValue, cloneCell, combineCell, EMPTY_CELL, loadCell, malformed, newCell, storeCell } from "./aggregate";
import { cloneEntities, type EntityMap, listEntities, loadEntities, mergeEntities, storeEntities, touchEntity, type TriggeredEntity } from "./entities";
import {
  addToWindow, cellHolds, classifyEvent, currentCell, idleDueMs, isLess, moveClock, MOVED_CONTENT, MOVED_END, nextChangeMs, resumSlidingTotal,
  windowMs, windowStartAt,
} from "./window";

export type { TriggeredEntity } from "./entities";

export interface StatusSpec {
  readonly aggregation: AggregationFunction;
  readonly window: { readonly type: WindowType; readonly seconds: number | null };
  readonly threshold: { readonly operator: ComparisonOperator; readonly value: number };
  /** DESIGN LATE_GRACE_SECONDS * 1000, default 60_000. */
  readonly lateGraceMs: number;
  /** DESIGN STATUS_IDLE_DAYS in ms, default 7 days. */
  readonly idleMs: number;
  /** Default 100. */
  readonly maxEntities?: number;
}

/** One qualifying event as the status sees it. */
export interface StatusInput {
  readonly eventTimeMs: number;
  /** Every value at the aggregation path; [] when none or COUNT. */
  readonly values: readonly unknown[];
  readonly entity: string | null;
}

export interface Crossing {
  readonly direction: "RAISED" | "CLEARED";
  readonly value: number;
  readonly count: number;
  readonly windowStartMs: number | null;
  readonly windowEndMs: number | null;
  readonly atMs: number;
  /** 1, 2, 3… per status: with the status identity it makes crossing ids deterministic. */
  readonly sequence: number;
  /** Snapshot, most recent first. */
  readonly entities: TriggeredEntity[];
}

/** Plain data, mutated in place; serializeStatus gives its stored form. */
export interface StatusState {
  createdAtMs: number;
  clockMs: number;
  firing: boolean;
  sequence: number;
  lastCrossingAtMs: number | null;
  lastEventAtMs: number | null;
  /** null while the current window holds events (always for ALL_TIME). */
  emptySinceMs: number | null;
  /** ALL_TIME: every event; SLIDING: the buckets inside the window; TUMBLING: unused, empty. */
  total: Cell;
  /** TUMBLING: window start ms -> the previous, current and future windows that hold events. SLIDING: second -> bucket. */
  cells: Map<number, Cell>;
  /** SLIDING: the oldest bucket inside the window, the earliest bucket after it, the latest bucket. */
  firstSec: number | null;
  nextFutureSec: number | null;
  maxSec: number | null;
  entities: EntityMap;
}

export type EventOutcome = "applied" | "late" | "closed";
type EventResult = { outcome: EventOutcome; crossing: Crossing | null };
type AdvanceResult = { crossing: Crossing | null; changed: boolean; remove: boolean };

// shared results: the hot path allocates only when something crosses
const APPLIED: EventResult = Object.freeze({ outcome: "applied", crossing: null });
const LATE: EventResult = Object.freeze({ outcome: "late", crossing: null });
const CLOSED: EventResult = Object.freeze({ outcome: "closed", crossing: null });
const UNCHANGED: AdvanceResult = Object.freeze({ crossing: null, changed: false, remove: false });
const CHANGED: AdvanceResult = Object.freeze({ crossing: null, changed: true, remove: false });

export function createStatus(spec: StatusSpec, nowMs: number): StatusState {
  checkSpec(spec);
  return {
    createdAtMs: nowMs,
    clockMs: nowMs,
    firing: false,
    sequence: 0,
    lastCrossingAtMs: null,
    lastEventAtMs: null,
    emptySinceMs: spec.window.type === "ALL_TIME" ? null : nowMs,
    total: newCell(spec.aggregation),
    cells: new Map(),
    firstSec: null,
    nextFutureSec: null,
    maxSec: null,
    entities: new Map(),
  };
}

/** Applies one qualifying event at engine time nowMs. Returns the outcome and a crossing when the state flips. */
export function applyEvent(spec: StatusSpec, state: StatusState, input: StatusInput, nowMs: number): EventResult {
  if (nowMs > state.clockMs) {
    const due = nextDueMs(spec, state, nowMs);
    if (due !== null && due <= nowMs) {
      throw new Error(`status is behind: call advance(spec, state, ${nowMs}) until nextDueMs > nowMs (due ${due}) before applying events`);
    }
    // nothing is due up to nowMs, so only the clock moves
    state.clockMs = nowMs;
  }
  const timeMs = input.eventTimeMs;
  const outcome = classifyEvent(spec, state.clockMs, timeMs);
  if (outcome !== "applied") return outcome === "late" ? LATE : CLOSED;
  const entered = addToWindow(spec, state, timeMs, input.values);
  if (state.lastEventAtMs === null || timeMs > state.lastEventAtMs) state.lastEventAtMs = timeMs;
  if (input.entity !== null) touchEntity(state.entities, input.entity, timeMs, spec.maxEntities ?? 100);
  if (!entered) return APPLIED;
  state.emptySinceMs = null;
  if (spec.window.type === "TUMBLING" && isLess(spec.threshold.operator)) return APPLIED;
  const firing = judge(spec, state);
  if (firing === null || firing === state.firing) return APPLIED;
  return { outcome: "applied", crossing: cross(spec, state, firing, timeMs, false) };
}

/** Moves the status to engine time nowMs (see "Clock" above). */
export function advance(spec: StatusSpec, state: StatusState, nowMs: number): AdvanceResult {
  let changed = false;
  let previousMs = -Infinity;
  for (;;) {
    const due = nextDueMs(spec, state, nowMs);
    if (due === null || due > nowMs) break;
    // an overdue idle removal (after a merge) happens at the clock
    const atMs = Math.max(due, state.clockMs);
    if (atMs <= previousMs) throw new Error("status clock did not move forward: the state is inconsistent; rebuild it by a backfill");
    previousMs = atMs;
    const fromMs = state.clockMs;
    const moved = moveClock(spec, state, atMs);
    changed = true;
    if (idleDueMs(spec, state) <= atMs) {
      return { crossing: state.firing ? cross(spec, state, false, atMs, true) : null, changed, remove: true };
    }
    if (!judgesAfterMove(spec, state, moved, fromMs)) continue;
    const firing = judge(spec, state);
    if (firing !== null && firing !== state.firing) return { crossing: cross(spec, state, firing, atMs, false), changed, remove: false };
  }
  moveClock(spec, state, nowMs);
  return changed ? CHANGED : UNCHANGED;
}

/**
 * The earliest engine time after the status's clock at which advance() changes something, or null for
 * never (ALL_TIME). A function of the state alone: when the status is behind, it may be <= nowMs.
 */
export function nextDueMs(spec: StatusSpec, state: StatusState, _nowMs: number): number | null {
  const due = nextChangeMs(spec, state);
  return due === Infinity ? null : due;
}

/** The threshold changed: judge again now, without moving the clock (may return a crossing at nowMs). */
export function rejudge(spec: StatusSpec, state: StatusState, nowMs: number): Crossing | null {
  const firing = judge(spec, state);
  if (firing === null || firing === state.firing) return null;
  return cross(spec, state, firing, nowMs, false);
}

/** The status at nowMs when nothing is due before then, else at its clock (advance it first). */
export function snapshot(spec: StatusSpec, state: StatusState, nowMs: number): {
  firing: boolean; value: number; count: number; windowStartMs: number | null; windowEndMs: number | null;
  lastEventAtMs: number | null; lastCrossingAtMs: number | null; entities: TriggeredEntity[];
} {
  let atMs = state.clockMs;
  if (nowMs > atMs) {
    const due = nextDueMs(spec, state, nowMs);
    if (due === null || nowMs < due) atMs = nowMs;
  }
  const cell = currentCell(spec, state, atMs);
  const windowStartMs = windowStartAt(spec, atMs);
  return {
    firing: state.firing,
    value: cellValue(spec.aggregation, cell),
    count: cell.count,
    windowStartMs,
    windowEndMs: windowStartMs === null ? null : windowStartMs + windowMs(spec),
    lastEventAtMs: state.lastEventAtMs,
    lastCrossingAtMs: state.lastCrossingAtMs,
    entities: listEntities(state.entities),
  };
}

function checkSpec(spec: StatusSpec): void {
  const { type, seconds } = spec.window;
  if (type !== "ALL_TIME" && (seconds === null || !Number.isInteger(seconds) || seconds < 1)) {
    throw new Error(`a ${type} window needs window.seconds, a whole number >= 1`);
  }
  if (type === "ALL_TIME" && isLess(spec.threshold.operator)) throw lessAllTime(spec.threshold.operator);
  if (!(spec.lateGraceMs >= 0)) throw new Error("lateGraceMs must be >= 0 (LATE_GRACE_SECONDS * 1000)");
  if (!(spec.idleMs > 0)) throw new Error("idleMs must be > 0 (STATUS_IDLE_DAYS in ms)");
  const max = spec.maxEntities;
  if (max !== undefined && !(Number.isInteger(max) && max >= 0)) throw new Error("maxEntities must be a whole number >= 0");
}

function lessAllTime(operator: ComparisonOperator): Error {
  return new Error(`${operator} judges complete windows and ALL_TIME never completes: the alert should have been refused at save`);
}

/** Whether a clock move is a moment of judgement: the value may have changed, or LESS_THAN's moment came. */
function judgesAfterMove(spec: StatusSpec, state: StatusState, moved: number, fromMs: number): boolean {
  if (!isLess(spec.threshold.operator)) return (moved & MOVED_CONTENT) !== 0;
  if (spec.window.type === "TUMBLING") return (moved & MOVED_END) !== 0;
  const eligibleMs = state.createdAtMs + windowMs(spec);
  return (moved & MOVED_CONTENT) !== 0 || (fromMs < eligibleMs && state.clockMs >= eligibleMs);
}

/** Whether the status should be FIRING at its clock; null when it cannot judge yet (the state holds). */
function judge(spec: StatusSpec, state: StatusState): boolean | null {
  const operator = spec.threshold.operator;
  if (!isLess(operator)) return cellHolds(spec, currentCell(spec, state, state.clockMs));
  if (spec.window.type === "ALL_TIME") throw lessAllTime(operator);
  if (spec.window.type === "SLIDING") {
    if (state.clockMs - state.createdAtMs < windowMs(spec)) return null;
    return cellHolds(spec, state.total);
  }
  const w = windowMs(spec);
  const current = Math.floor(state.clockMs / w) * w;
  // the previous window is complete for this status only if it ended after the status was created
  if (current <= state.createdAtMs) return null;
  return cellHolds(spec, state.cells.get(current - w) ?? EMPTY_CELL);
}

function cross(spec: StatusSpec, state: StatusState, firing: boolean, atMs: number, removing: boolean): Crossing {
  state.firing = firing;
  state.sequence++;
  state.lastCrossingAtMs = atMs;
  let windowStartMs = windowStartAt(spec, state.clockMs);
  let cell = currentCell(spec, state, state.clockMs);
  if (!removing && windowStartMs !== null && spec.window.type === "TUMBLING" && isLess(spec.threshold.operator)) {
    windowStartMs -= windowMs(spec);
    cell = state.cells.get(windowStartMs) ?? EMPTY_CELL;
  }
  return {
    direction: firing ? "RAISED" : "CLEARED",
    value: cellValue(spec.aggregation, cell),
    count: cell.count,
    windowStartMs,
    windowEndMs: windowStartMs === null ? null : windowStartMs + windowMs(spec),
    atMs,
    sequence: state.sequence,
    entities: listEntities(state.entities),
  };
}

/** For storage: JSON-safe plain data, deterministic (sorted), and back. */
export function serializeStatus(state: StatusState): unknown {
  return {
    v: 1,
    createdAtMs: state.createdAtMs,
    clockMs: state.clockMs,
    firing: state.firing,
    sequence: state.sequence,
    lastCrossingAtMs: state.lastCrossingAtMs,
    lastEventAtMs: state.lastEventAtMs,
    emptySinceMs: state.emptySinceMs,
    total: storeCell(state.total),
    cells: [...state.cells].sort((a, b) => a[0] - b[0]).map(([key, cell]) => [key, storeCell(cell)]),
    firstSec: state.firstSec,
    nextFutureSec: state.nextFutureSec,
    maxSec: state.maxSec,
    entities: storeEntities(state.entities),
  };
}

export function deserializeStatus(data: unknown): StatusState {
  if (typeof data !== "object" || data === null || (data as { v?: unknown }).v !== 1) throw malformed("v");
  const d = data as Record<string, unknown>;
  const num = (field: string): number => {
    if (typeof d[field] !== "number" || !Number.isFinite(d[field])) throw malformed(field);
    return d[field];
  };
  const numOrNull = (field: string): number | null => (d[field] === null ? null : num(field));
  if (typeof d.firing !== "boolean") throw malformed("firing");
  if (!Array.isArray(d.cells)) throw malformed("cells");
  const cells = new Map<number, Cell>();
  for (const row of d.cells as unknown[]) {
    if (!Array.isArray(row) || row.length !== 2 || typeof row[0] !== "number") throw malformed("cells");
    cells.set(row[0], loadCell(row[1], `cells[${row[0]}]`));
  }
  return {
    createdAtMs: num("createdAtMs"),
    clockMs: num("clockMs"),
    firing: d.firing,
    sequence: num("sequence"),
    lastCrossingAtMs: numOrNull("lastCrossingAtMs"),
    lastEventAtMs: numOrNull("lastEventAtMs"),
    emptySinceMs: numOrNull("emptySinceMs"),
    total: loadCell(d.total, "total"),
    cells,
    firstSec: numOrNull("firstSec"),
    nextFutureSec: numOrNull("nextFutureSec"),
    maxSec: numOrNull("maxSec"),
    entities: loadEntities(d.entities),
  };
}

/**
 * Exact merge of two states of the same spec built from disjoint event sets (history + live). Both are
 * first moved, on copies, to max(nowMs, both clocks); then counts and sums add, min/max combine,
 * distinct sets unite, buckets and windows merge one by one, entities merge (counts add, first/last
 * combine, the bound applied to the union). createdAtMs is the earlier, lastEventAtMs the later,
 * sequence the larger; firing and lastCrossingAtMs are a's; emptySinceMs is null if either window holds
 * events, else the later. The caller then judges with rejudge/advance. a and b are not changed.
 */
export function mergeStatuses(spec: StatusSpec, a: StatusState, b: StatusState, nowMs: number): StatusState {
  const atMs = Math.max(nowMs, a.clockMs, b.clockMs);
  const into = cloneStatus(a);
  const from = cloneStatus(b);
  moveClock(spec, into, atMs);
  moveClock(spec, from, atMs);
  combineCell(into.total, from.total);
  for (const [key, cell] of from.cells) {
    const mine = into.cells.get(key);
    if (mine === undefined) into.cells.set(key, cell);
    else combineCell(mine, cell);
  }
  into.firstSec = least(into.firstSec, from.firstSec);
  into.nextFutureSec = least(into.nextFutureSec, from.nextFutureSec);
  into.maxSec = into.maxSec === null ? from.maxSec : from.maxSec === null ? into.maxSec : Math.max(into.maxSec, from.maxSec);
  into.createdAtMs = Math.min(into.createdAtMs, from.createdAtMs);
  into.sequence = Math.max(into.sequence, from.sequence);
  if (from.lastEventAtMs !== null && (into.lastEventAtMs === null || from.lastEventAtMs > into.lastEventAtMs)) into.lastEventAtMs = from.lastEventAtMs;
  into.emptySinceMs = into.emptySinceMs === null || from.emptySinceMs === null ? null : Math.max(into.emptySinceMs, from.emptySinceMs);
  mergeEntities(into.entities, from.entities, spec.maxEntities ?? 100);
  resumSlidingTotal(spec, into);
  return into;
}

function least(x: number | null, y: number | null): number | null {
  return x === null ? y : y === null ? x : Math.min(x, y);
}

function cloneStatus(state: StatusState): StatusState {
  const cells = new Map<number, Cell>();
  for (const [key, cell] of state.cells) cells.set(key, cloneCell(cell));
  return { ...state, total: cloneCell(state.total), cells, entities: cloneEntities(state.entities) };
}
