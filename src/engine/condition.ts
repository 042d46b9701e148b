import { cloneJson, deepEqual, isEmptyValue, membershipTest } from "./json";
import { compilePath, PathSyntaxError, type CompiledPath } from "./jsonpath";
import { Memo } from "./memo";
import { compileRegex, MAX_REGEX_LENGTH, RegexError } from "./regex";

export type ConditionOperator =
  | "EQUALS" | "NOT_EQUALS"
  | "GREATER_THAN" | "GREATER_THAN_OR_EQUAL" | "LESS_THAN" | "LESS_THAN_OR_EQUAL"
  | "CONTAINS" | "NOT_CONTAINS" | "STARTS_WITH" | "ENDS_WITH" | "MATCHES"
  | "IN" | "NOT_IN"
  | "IS_EMPTY" | "IS_NOT_EMPTY" | "EXISTS" | "NOT_EXISTS";

export const CONDITION_OPERATORS: readonly ConditionOperator[] = Object.freeze([
  "EQUALS", "NOT_EQUALS",
  "GREATER_THAN", "GREATER_THAN_OR_EQUAL", "LESS_THAN", "LESS_THAN_OR_EQUAL",
  "CONTAINS", "NOT_CONTAINS", "STARTS_WITH", "ENDS_WITH", "MATCHES",
  "IN", "NOT_IN",
  "IS_EMPTY", "IS_NOT_EMPTY", "EXISTS", "NOT_EXISTS",
] as const);

export interface ConditionSpec {
  path: string;
  operator: ConditionOperator;
  /** A JSON value; undefined or null when the operator takes none. */
  value?: unknown;
}

/** A condition that cannot be compiled; `field` names the part of the spec to fix. */
export class ConditionError extends Error {
  override readonly name = "ConditionError";

  constructor(
    readonly field: "path" | "value" | "operator",
    message: string,
  ) {
    super(message);
  }
}

export interface CompiledCondition {
  readonly spec: ConditionSpec;
  test(payload: unknown): boolean;
  /** The verdict and every value the path yielded, for previews and "why did this fire". */
  explain(payload: unknown): { matched: boolean; actual: unknown[] };
}

type ValuePredicate = (value: unknown) => boolean;

interface Semantics {
  /** Holds for one value. */
  readonly positive: ValuePredicate;
  /**
   * any: some value satisfies `positive`; none: no value does (so a missing path passes);
   * all: every value does (vacuously true on no values).
   */
  readonly quantifier: "any" | "none" | "all";
}

const VALUELESS: ReadonlySet<ConditionOperator> = new Set(["IS_EMPTY", "IS_NOT_EMPTY", "EXISTS", "NOT_EXISTS"]);
const KNOWN: ReadonlySet<string> = new Set(CONDITION_OPERATORS);

function describe(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (value === null) return "null";
  if (typeof value === "object") return "an object";
  return `${typeof value} ${JSON.stringify(value)}`;
}

function requireString(operator: ConditionOperator, value: unknown, example: string): string {
  if (typeof value !== "string") {
    throw new ConditionError("value", `${operator} needs a string value, got ${describe(value)}; set value to a string such as ${example}`);
  }
  return value;
}

function isPrimitive(value: unknown): boolean {
  return value === null || typeof value !== "object";
}

function equalsPredicate(operand: unknown): ValuePredicate {
  return isPrimitive(operand) ? (value) => value === operand : (value) => deepEqual(value, operand);
}

function orderingPredicate(operator: ConditionOperator, operand: unknown): ValuePredicate {
  if (typeof operand !== "number" && typeof operand !== "string") {
    throw new ConditionError(
      "value",
      `${operator} compares with a number or a string, got ${describe(operand)}; set value to e.g. 10 or "2024-01-01"`,
    );
  }
  const type = typeof operand;
  switch (operator) {
    case "GREATER_THAN":
      return (value) => typeof value === type && (value as number | string) > operand;
    case "GREATER_THAN_OR_EQUAL":
      return (value) => typeof value === type && (value as number | string) >= operand;
    case "LESS_THAN":
      return (value) => typeof value === type && (value as number | string) < operand;
    default:
      return (value) => typeof value === type && (value as number | string) <= operand;
  }
}

function containsPredicate(operand: unknown): ValuePredicate {
  const inArray = equalsPredicate(operand);
  const inString = typeof operand === "string" ? operand : undefined;
  return (value) => {
    if (typeof value === "string") return inString !== undefined && value.includes(inString);
    if (Array.isArray(value)) {
      for (const item of value) if (inArray(item)) return true;
    }
    return false;
  };
}

function matchesPredicate(operand: unknown): ValuePredicate {
  const pattern = requireString("MATCHES", operand, "\"^admin-\\\\d+$\"");
  if (pattern.length > MAX_REGEX_LENGTH) {
    throw new ConditionError(
      "value",
      `MATCHES patterns may be at most ${MAX_REGEX_LENGTH} characters long, this one has ${pattern.length}; shorten it`,
    );
  }
  let matches: (input: string) => boolean;
  try {
    matches = compileRegex(pattern);
  } catch (error) {
    if (error instanceof RegexError) {
      throw new ConditionError(
        "value",
        `MATCHES needs a valid regular expression (JavaScript syntax, RE2 subset): ${error.reason}; fix the pattern`,
      );
    }
    throw error;
  }
  return (value) => typeof value === "string" && matches(value);
}

function inPredicate(operator: ConditionOperator, operand: unknown): ValuePredicate {
  if (!Array.isArray(operand)) {
    throw new ConditionError("value", `${operator} needs a list of values, got ${describe(operand)}; set value to e.g. ["admin", "owner"]`);
  }
  return membershipTest(operand);
}

function semanticsOf(operator: ConditionOperator, operand: unknown): Semantics {
  switch (operator) {
    case "EQUALS":
      return { positive: equalsPredicate(operand), quantifier: "any" };
    case "NOT_EQUALS":
      return { positive: equalsPredicate(operand), quantifier: "none" };
    case "GREATER_THAN":
    case "GREATER_THAN_OR_EQUAL":
    case "LESS_THAN":
    case "LESS_THAN_OR_EQUAL":
      return { positive: orderingPredicate(operator, operand), quantifier: "any" };
    case "CONTAINS":
      return { positive: containsPredicate(operand), quantifier: "any" };
    case "NOT_CONTAINS":
      return { positive: containsPredicate(operand), quantifier: "none" };
    case "STARTS_WITH": {
      const prefix = requireString(operator, operand, "\"admin-\"");
      return { positive: (value) => typeof value === "string" && value.startsWith(prefix), quantifier: "any" };
    }
    case "ENDS_WITH": {
      const suffix = requireString(operator, operand, "\"@example.com\"");
      return { positive: (value) => typeof value === "string" && value.endsWith(suffix), quantifier: "any" };
    }
    case "MATCHES":
      return { positive: matchesPredicate(operand), quantifier: "any" };
    case "IN":
      return { positive: inPredicate(operator, operand), quantifier: "any" };
    case "NOT_IN":
      return { positive: inPredicate(operator, operand), quantifier: "none" };
    case "IS_EMPTY":
      return { positive: isEmptyValue, quantifier: "all" };
    case "IS_NOT_EMPTY":
      return { positive: (value) => !isEmptyValue(value), quantifier: "any" };
    case "EXISTS":
      return { positive: () => true, quantifier: "any" };
    case "NOT_EXISTS":
      return { positive: () => true, quantifier: "none" };
  }
}

function compileConditionPath(source: unknown): CompiledPath {
  if (typeof source !== "string") {
    throw new ConditionError("path", "path must be a JSONPath string such as $.user.role");
  }
  try {
    return compilePath(source);
  } catch (error) {
    if (error instanceof PathSyntaxError) {
      throw new ConditionError("path", `invalid JSONPath ${JSON.stringify(source)}: ${error.message}`);
    }
    throw error;
  }
}

function validateOperand(operator: ConditionOperator, value: unknown): unknown {
  const absent = value === undefined || value === null;
  if (VALUELESS.has(operator)) {
    if (!absent) throw new ConditionError("value", `${operator} takes no value; remove value or set it to null`);
    return undefined;
  }
  if (absent) {
    throw new ConditionError("value", `${operator} needs a value to compare with; set value, e.g. "admin", 10 or ["a", "b"]`);
  }
  const copy = cloneJson(value, true);
  if (copy === undefined) {
    throw new ConditionError("value", `${operator} needs a JSON value (string, finite number, boolean, list or object); got something else`);
  }
  return copy;
}

/**
 * Validates a condition and compiles it once: the path, the operand (a frozen copy, so later changes
 * to the caller's object do not leak in), regexes and IN sets. Throws ConditionError naming the field to fix.
 */
export function compileCondition(spec: ConditionSpec): CompiledCondition {
  const operator = spec.operator;
  if (typeof operator !== "string" || !KNOWN.has(operator)) {
    throw new ConditionError("operator", `unknown operator ${JSON.stringify(operator)}; use one of ${CONDITION_OPERATORS.join(", ")}`);
  }
  const path = compileConditionPath(spec.path);
  const operand = validateOperand(operator, spec.value);
  // Shared by operand: a scalar or a flat list (a nested one, however deep, is compiled on its own).
  // Operands with the same JSON judge alike (-0 and 0 too: the operators compare with ===).
  if (!isFlat(operand)) return compileValid(path, operator, operand);
  return compiledConditions.get(JSON.stringify([path.source, operator, operand ?? null]), () => compileValid(path, operator, operand));
}

const isScalar = (value: unknown): boolean => value === null || typeof value !== "object";
const isFlat = (operand: unknown): boolean => isScalar(operand) || (Array.isArray(operand) && operand.every(isScalar));

const compiledConditions = new Memo<CompiledCondition>(50_000);

function compileValid(path: CompiledPath, operator: ConditionOperator, operand: unknown): CompiledCondition {
  const { positive, quantifier } = semanticsOf(operator, operand);

  const judge = (values: readonly unknown[]): boolean => {
    switch (quantifier) {
      case "any":
        for (const value of values) if (positive(value)) return true;
        return false;
      case "none":
        for (const value of values) if (positive(value)) return false;
        return true;
      case "all":
        for (const value of values) if (!positive(value)) return false;
        return true;
    }
  };

  // a definite path yields at most one value: read it without building a list
  const test: (payload: unknown) => boolean = path.definite
    ? (payload) => {
      const value = path.first(payload);
      if (value === undefined) return quantifier !== "any";
      return quantifier === "none" ? !positive(value) : positive(value);
    }
    : (payload) => judge(path.evaluate(payload));

  const frozenSpec: ConditionSpec = Object.freeze(
    operand === undefined ? { path: path.source, operator } : { path: path.source, operator, value: operand },
  );
  return Object.freeze({
    spec: frozenSpec,
    test,
    explain(payload: unknown) {
      const actual = path.evaluate(payload);
      return { matched: judge(actual), actual };
    },
  });
}
