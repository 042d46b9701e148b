import { ConditionError, compileCondition, type ConditionOperator, type ConditionSpec } from "./condition";
import { jsonDepth } from "./json";
import { compilePath, PathSyntaxError } from "./jsonpath";

export type AlertScope = "GLOBAL" | "CUSTOMER";
export type Severity = "INFO" | "LOW" | "MEDIUM" | "HIGH" | "CRITICAL";
export type AggregationFunction = "COUNT" | "COUNT_DISTINCT" | "SUM" | "MIN" | "MAX" | "AVG";
export type WindowType = "ALL_TIME" | "TUMBLING" | "SLIDING";
export type ComparisonOperator = "GREATER_THAN" | "GREATER_THAN_OR_EQUAL" | "LESS_THAN" | "LESS_THAN_OR_EQUAL" | "EQUALS" | "NOT_EQUALS";

export const SEVERITIES: readonly Severity[] = ["INFO", "LOW", "MEDIUM", "HIGH", "CRITICAL"];
export const AGGREGATION_FUNCTIONS: readonly AggregationFunction[] = ["COUNT", "COUNT_DISTINCT", "SUM", "MIN", "MAX", "AVG"];
export const WINDOW_TYPES: readonly WindowType[] = ["ALL_TIME", "TUMBLING", "SLIDING"];
export const COMPARISON_OPERATORS: readonly ComparisonOperator[] = [
  "GREATER_THAN",
  "GREATER_THAN_OR_EQUAL",
  "LESS_THAN",
  "LESS_THAN_OR_EQUAL",
  "EQUALS",
  "NOT_EQUALS",
];

export interface Condition {
  readonly path: string;
  readonly operator: ConditionOperator;
  readonly value?: unknown;
}

/** The part of an alert that decides what it counts and when it fires: what the engine compiles. */
export interface AlertDefinition {
  readonly scope: AlertScope;
  readonly customerId: string | null;
  readonly name: string;
  readonly description: string;
  readonly severity: Severity;
  readonly enabled: boolean;
  readonly application: string | null;
  readonly objectType: string | null;
  readonly eventType: string | null;
  readonly conditions: readonly Condition[];
  readonly jsonPath: string | null;
  readonly aggregation: { readonly function: AggregationFunction; readonly path: string | null };
  readonly groupBy: readonly string[];
  readonly entityPath: string | null;
  readonly window: { readonly type: WindowType; readonly seconds: number | null };
  readonly threshold: { readonly operator: ComparisonOperator; readonly value: number };
}

/** A rule broken by a definition: `field` is the input path, e.g. "conditions[2].value". */
export interface DefinitionIssue {
  readonly field: string;
  readonly message: string;
}

export const LIMITS = Object.freeze({
  nameMaxChars: 200,
  descriptionMaxChars: 2000,
  selectorMaxChars: 200,
  maxConditions: 20,
  maxGroupBy: 5,
  operandMaxDepth: 64,
  windowMinSeconds: 1,
  windowMaxSeconds: 31 * 24 * 3600,
});

// PostgreSQL text and jsonb refuse U+0000 and unpaired surrogates; definitions are stored there.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether any string in a JSON value (keys included) cannot be stored; walks without recursion. */
function hasUnstorableText(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item === "string") {
      if (UNSTORABLE.test(item)) return true;
    } else if (Array.isArray(item)) {
      stack.push(...item);
    } else if (item !== null && typeof item === "object") {
      for (const [key, inner] of Object.entries(item)) {
        if (UNSTORABLE.test(key)) return true;
        stack.push(inner);
      }
    }
  }
  return false;
}

/** Every problem with a definition, each naming its field and how to fix it; empty when it is valid. */
export function validateDefinition(def: AlertDefinition): DefinitionIssue[] {
  const issues: DefinitionIssue[] = [];
  const add = (field: string, message: string) => issues.push({ field, message });
  const textFields: [string, unknown][] = [
    ["name", def.name],
    ["description", def.description],
    ["application", def.application],
    ["objectType", def.objectType],
    ["eventType", def.eventType],
    ["jsonPath", def.jsonPath],
    ["entityPath", def.entityPath],
    ["aggregation.path", def.aggregation.path],
    ["customerId", def.customerId],
    ...def.groupBy.map((path, i): [string, unknown] => [`groupBy[${i}]`, path]),
    ...def.conditions.flatMap((c, i): [string, unknown][] => [[`conditions[${i}].path`, c.path], [`conditions[${i}].value`, c.value]]),
  ];
  for (const [field, value] of textFields) {
    if (hasUnstorableText(value)) add(field, "contains U+0000 or an unpaired surrogate, which cannot be stored; remove it");
  }

  const name = def.name.trim();
  if (name.length === 0 || def.name.length > LIMITS.nameMaxChars) add("name", `must be 1 to ${LIMITS.nameMaxChars} characters and not blank`);
  if (def.description.length > LIMITS.descriptionMaxChars) add("description", `must be at most ${LIMITS.descriptionMaxChars} characters`);
  for (const key of ["application", "objectType", "eventType"] as const) {
    const selector = def[key];
    if (selector !== null && (selector.length === 0 || selector.length > LIMITS.selectorMaxChars)) {
      add(key, `must be 1 to ${LIMITS.selectorMaxChars} characters, or null to match any`);
    }
  }

  // Over the limits, nothing more is compiled: a huge definition must not hold the server up.
  if (def.conditions.length > LIMITS.maxConditions) add("conditions", `at most ${LIMITS.maxConditions} conditions; combine or split the alert`);
  else def.conditions.forEach((condition, i) => {
    if (condition.value !== undefined && condition.value !== null && jsonDepth(condition.value) > LIMITS.operandMaxDepth) {
      add(`conditions[${i}].value`, `nests deeper than ${LIMITS.operandMaxDepth} levels; use a flatter operand`);
      return;
    }
    try {
      compileCondition(condition as ConditionSpec);
    } catch (err) {
      if (!(err instanceof ConditionError)) throw err;
      add(`conditions[${i}].${err.field}`, err.message);
    }
  });

  checkPath(def.jsonPath, "jsonPath", add);
  if (def.groupBy.length > LIMITS.maxGroupBy) add("groupBy", `at most ${LIMITS.maxGroupBy} paths`);
  else def.groupBy.forEach((path, i) => checkPath(path, `groupBy[${i}]`, add));
  checkPath(def.entityPath, "entityPath", add);

  if (def.aggregation.function === "COUNT") {
    if (def.aggregation.path !== null) checkPath(def.aggregation.path, "aggregation.path", add);
  } else if (def.aggregation.path === null) {
    add("aggregation.path", `${def.aggregation.function} needs the JSONPath of the value to aggregate, e.g. "$.bytes"`);
  } else {
    checkPath(def.aggregation.path, "aggregation.path", add);
  }

  const { type, seconds } = def.window;
  if (type === "ALL_TIME") {
    if (seconds !== null) add("window.seconds", "ALL_TIME has no length; leave seconds out");
  } else if (seconds === null || !Number.isInteger(seconds) || seconds < LIMITS.windowMinSeconds || seconds > LIMITS.windowMaxSeconds) {
    add("window.seconds", `${type} needs a length from ${LIMITS.windowMinSeconds} to ${LIMITS.windowMaxSeconds} seconds (31 days)`);
  }

  if (!Number.isFinite(def.threshold.value)) add("threshold.value", "must be a finite number");
  if ((def.threshold.operator === "LESS_THAN" || def.threshold.operator === "LESS_THAN_OR_EQUAL") && type === "ALL_TIME") {
    add(
      "threshold.operator",
      `${def.threshold.operator} is judged on complete windows, and ALL_TIME never completes; use a TUMBLING or SLIDING window`,
    );
  }
  if (def.scope === "GLOBAL" && def.customerId !== null) add("customerId", "a GLOBAL alert has no customer");
  if (def.scope === "CUSTOMER" && def.customerId === null) add("customerId", "a CUSTOMER alert needs a customerId");
  return issues;
}

function checkPath(path: string | null, field: string, add: (field: string, message: string) => void): void {
  if (path === null) return;
  try {
    compilePath(path);
  } catch (err) {
    if (!(err instanceof PathSyntaxError)) throw err;
    add(field, `invalid JSONPath at position ${err.position}: ${err.reason}`);
  }
}

/** The fields whose change means the statuses must be rebuilt from history (DESIGN.md "Changes"). */
export const REBUILD_FIELDS = [
  "application",
  "objectType",
  "eventType",
  "conditions",
  "jsonPath",
  "groupBy",
  "entityPath",
  "aggregation",
  "window",
] as const satisfies readonly (keyof AlertDefinition)[];
