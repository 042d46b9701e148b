import { reportedAggregate } from "./aggregate";
import { validateDefinition, type AlertDefinition, type DefinitionIssue } from "./alert-definition";
import { compileCondition, type CompiledCondition, type ConditionOperator, type ConditionSpec } from "./condition";
import type { EngineEvent } from "./event";
import { compilePath, pathRootKeys, type CompiledPath } from "./jsonpath";

/** One saved version of an alert: what a control tells the engine to apply. */
export interface AlertVersion extends AlertDefinition {
  readonly id: string;
  readonly version: number;
}

export interface CompiledAlert {
  readonly id: string;
  readonly version: number;
  readonly definition: AlertVersion;
  /**
   * The payload's top-level members that the alert's paths read (null: any). A payload holding just
   * these gives every method below the same answers as the whole payload.
   */
  readonly payloadKeys: readonly string[] | null;
  /** Conditions (AND) and jsonPath non-empty; selectors are the router's job. */
  qualifies(payload: Record<string, unknown>): boolean;
  /** JSON array text of the first value at each groupBy path (null where missing), e.g. '["a@x.com",null]'; null when there is no groupBy. */
  groupKey(payload: Record<string, unknown>): string | null;
  /** Value at entityPath (first value): a string as is, other JSON encoded; null when missing or no entityPath. */
  entity(payload: Record<string, unknown>): string | null;
  /** Every value at the aggregation path ([] for COUNT or when missing). */
  aggregateValues(payload: Record<string, unknown>): unknown[];
}

/** A definition that validateDefinition refuses; callers are expected to have validated it already. */
export class InvalidAlertError extends Error {
  override readonly name = "InvalidAlertError";

  constructor(
    readonly alertId: string,
    readonly issues: readonly DefinitionIssue[],
  ) {
    super(`alert ${alertId} is invalid: ${issues.map((i) => `${i.field}: ${i.message}`).join("; ")}`);
  }
}

export interface ConditionExplanation {
  path: string;
  operator: ConditionOperator;
  matched: boolean;
  /** Every value found at the path, or null when there is none. */
  actual: unknown;
}

/** How one sample event fares, shaped as the contract's AlertTestResult. */
export interface EventExplanation {
  matched: boolean;
  selectorsMatched: boolean;
  conditions: ConditionExplanation[];
  /** The values the jsonPath yields ([] for none); null when the alert has no jsonPath. */
  jsonPathResult: unknown;
  groupKey: string | null;
  entity: string | null;
  aggregateInput: number | null;
}

// explainEvent reuses what compileAlert compiled, without widening the CompiledAlert interface.
const compiledParts = new WeakMap<CompiledAlert, { conditions: readonly CompiledCondition[]; jsonPath: CompiledPath | null }>();

// Shared so that COUNT alerts allocate nothing; frozen so no caller can fill it.
const NO_VALUES: unknown[] = Object.freeze([]) as unknown as unknown[];

/**
 * Compiles every path and condition of an alert version once, into closures for the hot loop.
 * Throws InvalidAlertError when validateDefinition reports issues.
 */
export function compileAlert(def: AlertVersion): CompiledAlert {
  const issues = validateDefinition(def);
  if (issues.length > 0) throw new InvalidAlertError(def.id, issues);

  const conditions: readonly CompiledCondition[] = def.conditions.map((c) => compileCondition(c as ConditionSpec));
  const jsonPath = def.jsonPath === null ? null : compilePath(def.jsonPath);
  const groupBy: readonly CompiledPath[] = def.groupBy.map((p) => compilePath(p));
  const entityPath = def.entityPath === null ? null : compilePath(def.entityPath);
  const aggregationPath = def.aggregation.function === "COUNT" || def.aggregation.path === null ? null : compilePath(def.aggregation.path);

  const alert: CompiledAlert = Object.freeze({
    id: def.id,
    version: def.version,
    definition: def,
    payloadKeys: payloadKeysOf(def),
    qualifies(payload: Record<string, unknown>): boolean {
      for (let i = 0; i < conditions.length; i++) if (!conditions[i].test(payload)) return false;
      return jsonPath === null || jsonPath.first(payload) !== undefined;
    },
    groupKey(payload: Record<string, unknown>): string | null {
      if (groupBy.length === 0) return null;
      let key = "[";
      for (let i = 0; i < groupBy.length; i++) {
        if (i > 0) key += ",";
        const value = groupBy[i].first(payload);
        key += value === undefined ? "null" : canonicalJson(value);
      }
      return key + "]";
    },
    entity(payload: Record<string, unknown>): string | null {
      if (entityPath === null) return null;
      const value = entityPath.first(payload);
      if (value === undefined) return null;
      return typeof value === "string" ? value : canonicalJson(value);
    },
    aggregateValues(payload: Record<string, unknown>): unknown[] {
      return aggregationPath === null ? NO_VALUES : aggregationPath.evaluate(payload);
    },
  });
  compiledParts.set(alert, { conditions, jsonPath });
  return alert;
}

/** The union of every path's root keys; null when any path may read any member. */
function payloadKeysOf(def: AlertVersion): readonly string[] | null {
  const paths = [...def.conditions.map((c) => c.path), def.jsonPath, ...def.groupBy, def.entityPath, def.aggregation.path];
  const keys = new Set<string>();
  for (const path of paths) {
    if (path === null) continue;
    const rootKeys = pathRootKeys(path);
    if (rootKeys === null) return null;
    for (const key of rootKeys) keys.add(key);
  }
  return Object.freeze([...keys]);
}

/**
 * Whether an event's envelope is in the alert's reach (DESIGN.md "Route"): scope GLOBAL or the same
 * customer, and each non-null selector equal. `enabled` is not considered.
 */
export function selectorsMatch(
  def: AlertDefinition,
  event: Pick<EngineEvent, "customerId" | "application" | "objectType" | "eventType">,
): boolean {
  return (def.scope === "GLOBAL" || def.customerId === event.customerId) &&
    (def.application === null || def.application === event.application) &&
    (def.objectType === null || def.objectType === event.objectType) &&
    (def.eventType === null || def.eventType === event.eventType);
}

/** testAlert: every verdict for one sample event, whether or not the alert is enabled. */
export function explainEvent(alert: CompiledAlert, event: EngineEvent): EventExplanation {
  const def = alert.definition;
  const payload = event.payload;
  const parts = compiledParts.get(alert) ?? {
    conditions: def.conditions.map((c) => compileCondition(c as ConditionSpec)),
    jsonPath: def.jsonPath === null ? null : compilePath(def.jsonPath),
  };
  const selectorsMatched = selectorsMatch(def, event);
  const conditions = parts.conditions.map((c): ConditionExplanation => {
    const { matched, actual } = c.explain(payload);
    return { path: c.spec.path, operator: c.spec.operator, matched, actual: actual.length === 0 ? null : actual };
  });
  const jsonPathResult = parts.jsonPath === null ? null : parts.jsonPath.evaluate(payload);
  const matched = selectorsMatched && alert.qualifies(payload);
  return {
    matched,
    selectorsMatched,
    conditions,
    jsonPathResult,
    groupKey: alert.groupKey(payload),
    entity: alert.entity(payload),
    aggregateInput: matched ? aggregateInput(def.aggregation.function, alert.aggregateValues(payload)) : null,
  };
}

function aggregateInput(fn: AlertDefinition["aggregation"]["function"], values: readonly unknown[]): number | null {
  if (fn === "COUNT") return 1;
  if (fn === "COUNT_DISTINCT") return new Set(values.map(canonicalJson)).size;
  const numbers = values.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  if (numbers.length === 0) return null;
  switch (fn) {
    case "SUM":
      return reportedAggregate(numbers.reduce((a, b) => a + b, 0)).value;
    case "AVG":
      return reportedAggregate(numbers.reduce((a, b) => a + b, 0) / numbers.length).value;
    case "MIN":
      return numbers.reduce((a, b) => Math.min(a, b));
    case "MAX":
      return numbers.reduce((a, b) => Math.max(a, b));
  }
}

/**
 * A canonical JSON text: object keys sorted, so two values are deep-equal (json.ts deepEqual) exactly
 * when their texts are equal. Suits group keys and distinct sets. Iterative, so no nesting depth can
 * exhaust the stack; values that are not JSON encode as JSON.stringify would (undefined members
 * dropped, non-finite numbers as null).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return scalarJson(value);
  let out = "";
  // Each entry is either a value still to encode or, wrapped in Literal, text to emit as is.
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const item = pending.pop();
    if (item instanceof Literal) {
      out += item.text;
    } else if (item === null || typeof item !== "object") {
      out += scalarJson(item);
    } else if (Array.isArray(item)) {
      pending.push(CLOSE_ARRAY);
      for (let i = item.length - 1; i >= 0; i--) {
        const element = item[i];
        pending.push(element === undefined || typeof element === "function" || typeof element === "symbol" ? null : element);
        if (i > 0) pending.push(COMMA);
      }
      out += "[";
    } else {
      const obj = item as Record<string, unknown>;
      const keys = Object.keys(obj).filter((k) => {
        const v = obj[k];
        return v !== undefined && typeof v !== "function" && typeof v !== "symbol";
      });
      keys.sort();
      pending.push(CLOSE_OBJECT);
      for (let i = keys.length - 1; i >= 0; i--) {
        pending.push(obj[keys[i]]);
        pending.push(new Literal(`${i > 0 ? "," : ""}${JSON.stringify(keys[i])}:`));
      }
      out += "{";
    }
  }
  return out;
}

class Literal {
  constructor(readonly text: string) {}
}

const COMMA = new Literal(",");
const CLOSE_ARRAY = new Literal("]");
const CLOSE_OBJECT = new Literal("}");

function scalarJson(value: unknown): string {
  if (typeof value === "bigint") return value.toString();
  return JSON.stringify(value) ?? "null";
}
