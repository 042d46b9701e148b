import { parsePath, type FilterExpr, type Operand, type PathNode } from "./parser";

/**
 * The names of the root's members that a path can read, or null when it may read any of them (or the
 * root as a whole): `$.user.email` reads "user"; `$['a','b'][*]` reads "a" and "b"; `$..x`, `$.*`
 * and `$[0]` read anything. A filter's `$` paths count too (`@` paths stay below the current node).
 * The engine parses only these members of a payload for an alert that needs no other.
 */
export function pathRootKeys(source: string): string[] | null {
  const keys = new Set<string>();
  return collectPath(parsePath(source), keys) ? [...keys] : null;
}

function collectPath(path: PathNode, keys: Set<string>): boolean {
  if (path.root === "$") {
    const first = path.segments[0];
    if (first === undefined || first.descendant) return false;
    for (const selector of first.selectors) {
      if (selector.kind !== "name") return false;
      keys.add(selector.name);
    }
  }
  for (const segment of path.segments) {
    for (const selector of segment.selectors) {
      if (selector.kind === "filter" && !collectExpr(selector.expr, keys)) return false;
    }
  }
  return true;
}

function collectExpr(expr: FilterExpr, keys: Set<string>): boolean {
  switch (expr.kind) {
    case "or":
    case "and":
      return expr.operands.every((operand) => collectExpr(operand, keys));
    case "not":
      return collectExpr(expr.operand, keys);
    case "exists":
      return collectPath(expr.path, keys);
    case "compare":
    case "in":
      return collectOperand(expr.left, keys) && collectOperand(expr.right, keys);
    case "match":
      return collectOperand(expr.left, keys);
  }
}

function collectOperand(operand: Operand, keys: Set<string>): boolean {
  return operand.kind === "literal" || collectPath(operand.path, keys);
}
