import { deepEqual, isJsonObject, membershipTest } from "../json";
import { Memo } from "../memo";
import { compileRegex, RegexError } from "../regex";
import { invalidAt } from "./errors";
import {
  isDefinite, parsePath,
  type FilterExpr, type Operand, type PathNode, type Segment, type Selector,
} from "./parser";

export interface CompiledPath {
  readonly source: string;
  /** No wildcard, slice, union, filter or deep scan: yields zero or one value. */
  readonly definite: boolean;
  /** All values the path yields on doc, in document order; [] when there are none. */
  evaluate(doc: unknown): unknown[];
  /** The first value, or undefined when there is none; stops at the first match. */
  first(doc: unknown): unknown | undefined;
}

// Marks "no value" inside the engine, where undefined cannot be told apart from a missing key.
const MISSING: unique symbol = Symbol("missing");
/** A JSON value or MISSING. */
type ValueOrMissing = unknown;

interface EvalContext {
  readonly root: unknown;
  readonly out: unknown[];
  readonly firstOnly: boolean;
}

/** Feeds `node` onward; returns true to stop the whole evaluation (first() found its value). */
type Step = (node: unknown, ctx: EvalContext) => boolean;
/** A filter test: `current` is @, `root` is $. */
type Test = (current: unknown, root: unknown) => boolean;
type Getter = (current: unknown, root: unknown) => ValueOrMissing;

const hasOwn = Object.hasOwn;

function lengthOf(value: unknown): ValueOrMissing {
  if (typeof value === "string" || Array.isArray(value)) return value.length;
  if (isJsonObject(value)) {
    let n = 0;
    for (const key in value) if (hasOwn(value, key)) n++;
    return n;
  }
  return MISSING;
}

/** The walker of a definite path: each step is an own property name or an array index. */
function compileDefinite(path: PathNode): (start: unknown) => ValueOrMissing {
  const keys: Array<string | number> = path.segments.map(({ selectors: [selector] }) => {
    if (selector.kind === "name") return selector.name;
    if (selector.kind === "index") return selector.index;
    throw new Error(`not a definite step: ${selector.kind}`);
  });
  const withLength = path.length;
  return (start) => {
    let node = start;
    if (node === undefined) return MISSING;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      if (typeof key === "string") {
        if (!isJsonObject(node) || !hasOwn(node, key)) return MISSING;
        node = node[key];
      } else {
        if (!Array.isArray(node)) return MISSING;
        const at = key < 0 ? node.length + key : key;
        if (at < 0 || at >= node.length) return MISSING;
        node = node[at];
      }
    }
    return withLength ? lengthOf(node) : node;
  };
}

function sliceStep(start: number | null, end: number | null, step: number, next: Step): Step {
  return (node, ctx) => {
    if (!Array.isArray(node)) return false;
    const len = node.length;
    const norm = (i: number): number => (i < 0 ? len + i : i);
    if (step > 0) {
      const from = Math.min(Math.max(start === null ? 0 : norm(start), 0), len);
      const to = Math.min(Math.max(end === null ? len : norm(end), 0), len);
      for (let i = from; i < to; i += step) if (next(node[i], ctx)) return true;
    } else {
      const from = Math.min(Math.max(start === null ? len - 1 : norm(start), -1), len - 1);
      const to = Math.min(Math.max(end === null ? -1 : norm(end), -1), len - 1);
      for (let i = from; i > to; i += step) if (next(node[i], ctx)) return true;
    }
    return false;
  };
}

function childrenStep(next: Step): Step {
  return (node, ctx) => {
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) if (next(node[i], ctx)) return true;
    } else if (isJsonObject(node)) {
      for (const key in node) if (hasOwn(node, key) && next(node[key], ctx)) return true;
    }
    return false;
  };
}

/**
 * Jayway's filter: on an array it keeps the elements that pass; on an object it tests the object
 * itself, so `$[?(@.severity == 'high')]` asks a question about the payload.
 */
function filterStep(test: Test, next: Step): Step {
  return (node, ctx) => {
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const item = node[i];
        if (test(item, ctx.root) && next(item, ctx)) return true;
      }
    } else if (isJsonObject(node) && test(node, ctx.root)) {
      return next(node, ctx);
    }
    return false;
  };
}

function selectorStep(selector: Selector, next: Step): Step {
  switch (selector.kind) {
    case "name": {
      const name = selector.name;
      return (node, ctx) => isJsonObject(node) && hasOwn(node, name) && next(node[name], ctx);
    }
    case "index": {
      const index = selector.index;
      return (node, ctx) => {
        if (!Array.isArray(node)) return false;
        const at = index < 0 ? node.length + index : index;
        return at >= 0 && at < node.length && next(node[at], ctx);
      };
    }
    case "slice":
      return sliceStep(selector.start, selector.end, selector.step, next);
    case "wildcard":
      return childrenStep(next);
    case "filter":
      return filterStep(compileFilter(selector.expr), next);
  }
}

function unionStep(selectors: readonly Selector[], next: Step): Step {
  const steps = selectors.map((selector) => selectorStep(selector, next));
  if (steps.length === 1) return steps[0];
  return (node, ctx) => {
    for (const step of steps) if (step(node, ctx)) return true;
    return false;
  };
}

/**
 * `..`: visits the node and every container below it in document pre-order (the order Goessner,
 * jsonpath-plus and Jayway share) and applies the selectors at each. Iterative, so a deep document
 * cannot exhaust the stack. After `..`, a filter tests each object itself, as Jayway's scan does.
 */
function descendantStep(selectors: readonly Selector[], next: Step): Step {
  const selector = selectors[0];
  let apply: Step;
  if (selectors.length === 1 && selector.kind === "filter") {
    const test = compileFilter(selector.expr);
    apply = (node, ctx) => isJsonObject(node) && test(node, ctx.root) && next(node, ctx);
  } else {
    apply = unionStep(selectors, next);
  }
  return (start, ctx) => {
    if (start === null || typeof start !== "object") return false;
    const pending: unknown[] = [start];
    while (pending.length > 0) {
      const node = pending.pop();
      if (apply(node, ctx)) return true;
      if (Array.isArray(node)) {
        for (let i = node.length - 1; i >= 0; i--) {
          const child: unknown = node[i];
          if (child !== null && typeof child === "object") pending.push(child);
        }
      } else {
        const obj = node as Record<string, unknown>;
        const keys = Object.keys(obj);
        for (let i = keys.length - 1; i >= 0; i--) {
          const child = obj[keys[i]];
          if (child !== null && typeof child === "object") pending.push(child);
        }
      }
    }
    return false;
  };
}

function segmentStep(segment: Segment, next: Step): Step {
  return segment.descendant ? descendantStep(segment.selectors, next) : unionStep(segment.selectors, next);
}

const collect: Step = (node, ctx) => {
  ctx.out.push(node);
  return ctx.firstOnly;
};

const collectLength: Step = (node, ctx) => {
  const n = lengthOf(node);
  if (n === MISSING) return false;
  ctx.out.push(n);
  return ctx.firstOnly;
};

function compileChain(path: PathNode): Step {
  let step = path.length ? collectLength : collect;
  for (let i = path.segments.length - 1; i >= 0; i--) step = segmentStep(path.segments[i], step);
  return step;
}

/** Where a path inside a filter starts: @ (the current node) or $ (the document). */
function startOf(path: PathNode): (current: unknown, root: unknown) => unknown {
  return path.root === "@" ? (current) => current : (_current, root) => root;
}

function compileOperand(operand: Operand): Getter {
  if (operand.kind === "literal") {
    const value = operand.value;
    return () => value;
  }
  const walk = compileDefinite(operand.path);
  return operand.path.root === "@" ? (current) => walk(current) : (_current, root) => walk(root);
}

function isPrimitive(value: unknown): boolean {
  return value === null || typeof value !== "object";
}

function compileEquals(left: Operand, right: Operand): Test {
  const getLeft = compileOperand(left);
  const getRight = compileOperand(right);
  if (right.kind === "literal" && isPrimitive(right.value)) {
    const value = right.value;
    return (current, root) => getLeft(current, root) === value;
  }
  return (current, root) => {
    const a = getLeft(current, root);
    const b = getRight(current, root);
    return a !== MISSING && b !== MISSING && deepEqual(a, b);
  };
}

function compileOrdering(op: "<" | "<=" | ">" | ">=", left: Operand, right: Operand): Test {
  const getLeft = compileOperand(left);
  const getRight = compileOperand(right);
  const holds = (a: number | string, b: number | string): boolean => {
    switch (op) {
      case "<": return a < b;
      case "<=": return a <= b;
      case ">": return a > b;
      case ">=": return a >= b;
    }
  };
  return (current, root) => {
    const a = getLeft(current, root);
    const b = getRight(current, root);
    const comparable = (typeof a === "number" && typeof b === "number") || (typeof a === "string" && typeof b === "string");
    return comparable && holds(a, b);
  };
}

function compileMatch(left: Operand, pattern: string, flags: string, position: number): Test {
  let matches: (input: string) => boolean;
  try {
    matches = compileRegex(pattern, flags);
  } catch (error) {
    if (error instanceof RegexError) throw invalidAt(position, error.reason);
    throw error;
  }
  const getLeft = compileOperand(left);
  return (current, root) => {
    const value = getLeft(current, root);
    return typeof value === "string" && matches(value);
  };
}

function compileIn(left: Operand, right: Operand): Test {
  const getLeft = compileOperand(left);
  if (right.kind === "literal") {
    const isMember = membershipTest(right.value as readonly unknown[]);
    return (current, root) => {
      const value = getLeft(current, root);
      return value !== MISSING && isMember(value);
    };
  }
  const getRight = compileOperand(right);
  return (current, root) => {
    const value = getLeft(current, root);
    const list = getRight(current, root);
    if (value === MISSING || !Array.isArray(list)) return false;
    for (const item of list) if (deepEqual(value, item)) return true;
    return false;
  };
}

function compileExists(path: PathNode): Test {
  const start = startOf(path);
  if (isDefinite(path)) {
    const walk = compileDefinite(path);
    return (current, root) => walk(start(current, root)) !== MISSING;
  }
  const chain = compileChain(path);
  return (current, root) => {
    const ctx: EvalContext = { root, out: [], firstOnly: true };
    chain(start(current, root), ctx);
    return ctx.out.length > 0;
  };
}

function compileFilter(expr: FilterExpr): Test {
  switch (expr.kind) {
    case "or": {
      const tests = expr.operands.map(compileFilter);
      return (current, root) => {
        for (const test of tests) if (test(current, root)) return true;
        return false;
      };
    }
    case "and": {
      const tests = expr.operands.map(compileFilter);
      return (current, root) => {
        for (const test of tests) if (!test(current, root)) return false;
        return true;
      };
    }
    case "not": {
      const test = compileFilter(expr.operand);
      return (current, root) => !test(current, root);
    }
    case "exists":
      return compileExists(expr.path);
    case "compare": {
      if (expr.op === "==" || expr.op === "!=") {
        const equals = compileEquals(expr.left, expr.right);
        return expr.op === "==" ? equals : (current, root) => !equals(current, root);
      }
      return compileOrdering(expr.op, expr.left, expr.right);
    }
    case "match":
      return compileMatch(expr.left, expr.regex.pattern, expr.regex.flags, expr.regex.start);
    case "in": {
      const test = compileIn(expr.left, expr.right);
      return expr.negated ? (current, root) => !test(current, root) : test;
    }
  }
}

/**
 * Compiles a JSONPath once into closures, shared by every alert with the same path. Throws
 * PathSyntaxError (with a 0-based position and a reason) for anything outside the supported subset;
 * nothing in the path is ever run as code.
 */
export function compilePath(source: string): CompiledPath {
  return compiledPaths.get(source, () => compileUncached(source));
}

const compiledPaths = new Memo<CompiledPath>(50_000);

function compileUncached(source: string): CompiledPath {
  const ast = parsePath(source);
  const definite = isDefinite(ast);
  if (definite) {
    const walk = compileDefinite(ast);
    return Object.freeze({
      source,
      definite,
      evaluate(doc: unknown): unknown[] {
        const value = walk(doc);
        return value === MISSING ? [] : [value];
      },
      first(doc: unknown): unknown | undefined {
        const value = walk(doc);
        return value === MISSING ? undefined : value;
      },
    });
  }
  const chain = compileChain(ast);
  return Object.freeze({
    source,
    definite,
    evaluate(doc: unknown): unknown[] {
      const ctx: EvalContext = { root: doc, out: [], firstOnly: false };
      if (doc !== undefined) chain(doc, ctx);
      return ctx.out;
    },
    first(doc: unknown): unknown | undefined {
      const ctx: EvalContext = { root: doc, out: [], firstOnly: true };
      if (doc !== undefined) chain(doc, ctx);
      return ctx.out[0];
    },
  });
}
