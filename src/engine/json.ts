export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object: not null, not an array. */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isPrimitive(value: unknown): boolean {
  return value === null || typeof value !== "object";
}

/**
 * Strict deep equality of JSON values: no coercion (5 is not "5"), object key order ignored, own
 * keys only. Iterative so that a deeply nested value cannot exhaust the stack.
 */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (isPrimitive(a) || isPrimitive(b)) return false;
  const pending: unknown[] = [a, b];
  while (pending.length > 0) {
    const y = pending.pop();
    const x = pending.pop();
    if (x === y) continue;
    if (isPrimitive(x) || isPrimitive(y)) return false;
    if (Array.isArray(x)) {
      if (!Array.isArray(y) || x.length !== y.length) return false;
      for (let i = 0; i < x.length; i++) pending.push(x[i], y[i]);
      continue;
    }
    if (Array.isArray(y)) return false;
    const xo = x as Record<string, unknown>;
    const yo = y as Record<string, unknown>;
    let xCount = 0;
    for (const key in xo) {
      if (!Object.hasOwn(xo, key)) continue;
      if (!Object.hasOwn(yo, key)) return false;
      xCount++;
      pending.push(xo[key], yo[key]);
    }
    let yCount = 0;
    for (const key in yo) {
      if (Object.hasOwn(yo, key)) yCount++;
    }
    if (xCount !== yCount) return false;
  }
  return true;
}

/** null, "", [] and {} are empty; everything else (0 and false included) is not. */
export function isEmptyValue(value: unknown): boolean {
  if (value === null || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  if (isJsonObject(value)) {
    for (const key in value) {
      if (Object.hasOwn(value, key)) return false;
    }
    return true;
  }
  return false;
}

/** Nesting depth: 0 for a scalar, 1 for a flat array or object. Iterative. */
export function jsonDepth(value: unknown): number {
  let max = 0;
  const pending: Array<[unknown, number]> = [[value, 0]];
  while (pending.length > 0) {
    const [node, depth] = pending.pop() as [unknown, number];
    if (isPrimitive(node)) continue;
    const inner = depth + 1;
    if (inner > max) max = inner;
    if (Array.isArray(node)) {
      for (const item of node) if (!isPrimitive(item)) pending.push([item, inner]);
    } else {
      const obj = node as Record<string, unknown>;
      for (const key in obj) {
        if (Object.hasOwn(obj, key) && !isPrimitive(obj[key])) pending.push([obj[key], inner]);
      }
    }
  }
  return max;
}

/**
 * A deep copy when `value` is JSON (finite numbers, plain arrays and objects), else undefined; a
 * cycle is not JSON. With `freeze`, every array and object of the copy is frozen. Used to keep a
 * compiled operand independent of the caller's object.
 */
export function cloneJson(value: unknown, freeze = false): JsonValue | undefined {
  const copyScalar = (v: unknown): JsonValue | undefined => {
    if (v === null || typeof v === "string" || typeof v === "boolean") return v;
    if (typeof v === "number") return Number.isFinite(v) ? v : undefined;
    return undefined;
  };
  if (isPrimitive(value)) return copyScalar(value);
  const isPlain = (v: object): boolean => {
    if (Array.isArray(v)) return true;
    const proto = Object.getPrototypeOf(v) as unknown;
    return proto === Object.prototype || proto === null;
  };
  if (!isPlain(value as object)) return undefined;
  const rootCopy: JsonValue = Array.isArray(value) ? [] : {};
  const pending: Array<[object, JsonValue[] | Record<string, JsonValue>]> = [[value as object, rootCopy]];
  // a JSON text parses to a tree; seeing an object twice means a cycle, which would never end
  const seen = new Set<object>([value as object]);
  const created: object[] = [rootCopy];
  while (pending.length > 0) {
    const [source, target] = pending.pop() as [object, JsonValue[] | Record<string, JsonValue>];
    const keys: ReadonlyArray<string | number> = Array.isArray(source)
      ? Array.from({ length: source.length }, (_, i) => i)
      : Object.keys(source);
    for (const key of keys) {
      const v = (source as Record<string | number, unknown>)[key];
      let copy: JsonValue | undefined;
      if (isPrimitive(v)) {
        copy = copyScalar(v);
      } else if (isPlain(v as object) && !seen.has(v as object)) {
        seen.add(v as object);
        copy = Array.isArray(v) ? [] : {};
        created.push(copy);
        pending.push([v as object, copy as JsonValue[] | Record<string, JsonValue>]);
      }
      if (copy === undefined) return undefined;
      if (Array.isArray(target)) target[key as number] = copy;
      else Object.defineProperty(target, key, { value: copy, enumerable: true, writable: true, configurable: true });
    }
  }
  if (freeze) for (const container of created) Object.freeze(container);
  return rootCopy;
}

/**
 * Compiles "is `value` deep-equal to one of `list`": a Set lookup for primitives, deep equality
 * only against the list's arrays and objects.
 */
export function membershipTest(list: readonly unknown[]): (value: unknown) => boolean {
  const primitives = new Set<unknown>();
  const composites: unknown[] = [];
  for (const item of list) {
    if (isPrimitive(item)) primitives.add(item);
    else composites.push(item);
  }
  if (composites.length === 0) return (value) => primitives.has(value);
  return (value) => {
    if (isPrimitive(value)) return primitives.has(value);
    for (const item of composites) if (deepEqual(value, item)) return true;
    return false;
  };
}
