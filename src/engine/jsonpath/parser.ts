import { invalidAt, unexpectedAt } from "./errors";
import { Lexer, type RegexLiteral, type Token } from "./lexer";

export const MAX_PATH_LENGTH = 1000;
export const MAX_NESTING_DEPTH = 32;

export type JsonLiteral = null | boolean | number | string | readonly JsonLiteral[];

export type Selector =
  | { readonly kind: "name"; readonly name: string }
  | { readonly kind: "index"; readonly index: number }
  | { readonly kind: "slice"; readonly start: number | null; readonly end: number | null; readonly step: number }
  | { readonly kind: "wildcard" }
  | { readonly kind: "filter"; readonly expr: FilterExpr };

export interface Segment {
  /** `..`: the selectors apply to the node and to everything below it. */
  readonly descendant: boolean;
  readonly selectors: readonly Selector[];
}

export interface PathNode {
  readonly root: "$" | "@";
  readonly segments: readonly Segment[];
  /** The path ends in `.length()`. */
  readonly length: boolean;
  readonly start: number;
}

export type Operand =
  | { readonly kind: "literal"; readonly value: JsonLiteral; readonly start: number }
  | { readonly kind: "path"; readonly path: PathNode };

export type ComparisonOperator = "==" | "!=" | "<" | "<=" | ">" | ">=";

export type FilterExpr =
  | { readonly kind: "or"; readonly operands: readonly FilterExpr[] }
  | { readonly kind: "and"; readonly operands: readonly FilterExpr[] }
  | { readonly kind: "not"; readonly operand: FilterExpr }
  | { readonly kind: "exists"; readonly path: PathNode }
  | { readonly kind: "compare"; readonly op: ComparisonOperator; readonly left: Operand; readonly right: Operand }
  | { readonly kind: "match"; readonly left: Operand; readonly regex: RegexLiteral }
  | { readonly kind: "in"; readonly negated: boolean; readonly left: Operand; readonly right: Operand };

const COMPARISONS: ReadonlySet<string> = new Set(["==", "!=", "<", "<=", ">", ">="]);

/** True when the path yields at most one value: only single names and single indexes. */
export function isDefinite(path: PathNode): boolean {
  for (const segment of path.segments) {
    if (segment.descendant || segment.selectors.length !== 1) return false;
    const kind = segment.selectors[0].kind;
    if (kind !== "name" && kind !== "index") return false;
  }
  return true;
}

export function parsePath(source: string): PathNode {
  if (typeof source !== "string") throw invalidAt(0, "a path must be a string such as $.user.id");
  if (source.length === 0) {
    throw unexpectedAt(source, 0, "the path is empty; start it with $, e.g. $.user.id");
  }
  if (source.length > MAX_PATH_LENGTH) {
    throw invalidAt(MAX_PATH_LENGTH, `a path may be at most ${MAX_PATH_LENGTH} characters long; this one has ${source.length}`);
  }
  return new Parser(source).parseRoot();
}

class Parser {
  private readonly lexer: Lexer;
  private depth = 0;

  constructor(private readonly source: string) {
    this.lexer = new Lexer(source);
  }

  parseRoot(): PathNode {
    const first = this.lexer.next();
    if (first.kind !== "$") {
      const reason = first.kind === "@"
        ? "@ is only allowed inside a filter [?(...)]; start the path with $"
        : "a path starts with $ (the root), e.g. $.user.id";
      this.fail(first.start, reason);
    }
    const path = this.parsePathAfter(first);
    const end = this.lexer.peek();
    if (end.kind !== "eof") this.fail(end.start, "expected ., .. or [ to continue the path, or nothing after it");
    return path;
  }

  private fail(position: number, reason: string): never {
    throw unexpectedAt(this.source, position, reason);
  }

  private enter(position: number): void {
    this.depth++;
    if (this.depth > MAX_NESTING_DEPTH) this.fail(position, `nesting deeper than ${MAX_NESTING_DEPTH} levels is not allowed`);
  }

  private leave(): void {
    this.depth--;
  }

  private expect(kind: Token["kind"], reason: string): Token {
    const token = this.lexer.next();
    if (token.kind !== kind) this.fail(token.start, reason);
    return token;
  }

  private parsePathAfter(rootToken: Token): PathNode {
    const segments: Segment[] = [];
    let length = false;
    for (;;) {
      const token = this.lexer.peek();
      if (token.kind === ".") {
        // a name must follow the dot directly: `$. a` is not a path
        this.lexer.next();
        if (this.source[token.end] === "*") {
          this.lexer.next();
          segments.push({ descendant: false, selectors: [{ kind: "wildcard" }] });
          continue;
        }
        const member = this.lexer.readMemberName();
        if (member === undefined) this.fail(token.end, "expected a name or * after '.'");
        const open = this.lexer.peek();
        if (open.kind === "(") {
          if (member.name !== "length") this.fail(open.start, "function calls other than length() are not supported");
          this.lexer.next();
          this.expect(")", "length() takes no arguments");
          length = true;
          const after = this.lexer.peek();
          if (after.kind === "." || after.kind === ".." || after.kind === "[") {
            this.fail(after.start, "length() must be the last step of a path");
          }
          break;
        }
        segments.push({ descendant: false, selectors: [{ kind: "name", name: member.name }] });
      } else if (token.kind === "..") {
        this.lexer.next();
        const c = this.source[token.end];
        if (c === "*") {
          this.lexer.next();
          segments.push({ descendant: true, selectors: [{ kind: "wildcard" }] });
        } else if (c === "[") {
          segments.push({ descendant: true, selectors: this.parseBracket(this.lexer.next()) });
        } else {
          const member = this.lexer.readMemberName();
          if (member === undefined) this.fail(token.end, "expected a name, * or [ after '..'");
          const open = this.lexer.peek();
          if (open.kind === "(") this.fail(open.start, "functions cannot follow '..'; only a path ending in .length() is supported");
          segments.push({ descendant: true, selectors: [{ kind: "name", name: member.name }] });
        }
      } else if (token.kind === "[") {
        segments.push({ descendant: false, selectors: this.parseBracket(this.lexer.next()) });
      } else {
        break;
      }
    }
    return { root: rootToken.kind === "@" ? "@" : "$", segments, length, start: rootToken.start };
  }

  private parseBracket(open: Token): Selector[] {
    this.enter(open.start);
    const token = this.lexer.peek();
    let selectors: Selector[];
    if (token.kind === "*") {
      this.lexer.next();
      const after = this.lexer.peek();
      if (after.kind === ",") this.fail(after.start, "* cannot be combined with other selectors");
      selectors = [{ kind: "wildcard" }];
    } else if (token.kind === "?") {
      this.lexer.next();
      if (this.lexer.peek().kind === "]") {
        this.fail(this.lexer.peek().start, "placeholder filters [?] are not supported; write the filter inline, e.g. [?(@.price < 10)]");
      }
      selectors = [{ kind: "filter", expr: this.parseOr() }];
    } else if (token.kind === "(") {
      this.fail(token.start, "script expressions like [(@.length-1)] are not supported; use a negative index like [-1]");
    } else {
      selectors = [this.parseSelector()];
      while (this.lexer.peek().kind === ",") {
        this.lexer.next();
        selectors.push(this.parseSelector());
      }
    }
    const close = this.lexer.next();
    if (close.kind !== "]") {
      this.fail(close.start, selectors.length > 0 && selectors[0].kind === "filter" ? "expected ] to close the filter" : "expected , or ]");
    }
    this.leave();
    return selectors;
  }

  private parseSelector(): Selector {
    const token = this.lexer.peek();
    switch (token.kind) {
      case "string":
        this.lexer.next();
        return { kind: "name", name: token.value as string };
      case "number":
      case ":":
        return this.parseIndexOrSlice();
      case "word":
        return this.fail(token.start, `names in brackets must be quoted, e.g. ['${String(token.value)}']`);
      case "*":
        return this.fail(token.start, "* cannot be combined with other selectors");
      case "?":
        return this.fail(token.start, "a filter cannot be combined with other selectors");
      case "]":
        return this.fail(token.start, "empty brackets; write an index like [0], a name like ['a'], [*] or a filter [?(...)]");
      default:
        return this.fail(token.start, "expected a quoted name, an index, a slice, * or a filter ?(...)");
    }
  }

  private parseInteger(): number | null {
    const token = this.lexer.peek();
    if (token.kind !== "number") return null;
    this.lexer.next();
    const text = this.source.slice(token.start, token.end);
    for (let i = text[0] === "-" ? 1 : 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x30 || c > 0x39) this.fail(token.start, "array indexes and slice bounds are whole numbers");
    }
    const value = token.value as number;
    if (!Number.isSafeInteger(value)) this.fail(token.start, "this index is too large");
    return value === 0 ? 0 : value;
  }

  private parseIndexOrSlice(): Selector {
    const start = this.parseInteger();
    if (this.lexer.peek().kind !== ":") {
      if (start === null) this.fail(this.lexer.peek().start, "expected an index");
      return { kind: "index", index: start };
    }
    this.lexer.next();
    const end = this.parseInteger();
    let step = 1;
    if (this.lexer.peek().kind === ":") {
      this.lexer.next();
      const stepToken = this.lexer.peek();
      const given = this.parseInteger();
      if (given === 0) throw invalidAt(stepToken.start, "a slice step cannot be 0");
      if (given !== null) step = given;
    }
    return { kind: "slice", start, end, step };
  }

  private parseOr(): FilterExpr {
    const first = this.parseAnd();
    if (this.lexer.peek().kind !== "||") return first;
    const operands = [first];
    while (this.lexer.peek().kind === "||") {
      this.lexer.next();
      operands.push(this.parseAnd());
    }
    return { kind: "or", operands };
  }

  private parseAnd(): FilterExpr {
    const first = this.parseUnary();
    if (this.lexer.peek().kind !== "&&") return first;
    const operands = [first];
    while (this.lexer.peek().kind === "&&") {
      this.lexer.next();
      operands.push(this.parseUnary());
    }
    return { kind: "and", operands };
  }

  private parseUnary(): FilterExpr {
    const token = this.lexer.peek();
    if (token.kind === "!") {
      this.lexer.next();
      this.enter(token.start);
      const operand = this.parseUnary();
      this.leave();
      return { kind: "not", operand };
    }
    if (token.kind === "(") {
      this.lexer.next();
      this.enter(token.start);
      const inner = this.parseOr();
      this.expect(")", "expected ) to close the parenthesis");
      this.leave();
      return inner;
    }
    return this.parseComparison();
  }

  private parseComparison(): FilterExpr {
    const left = this.parseOperand();
    const token = this.lexer.peek();
    if (COMPARISONS.has(token.kind)) {
      this.lexer.next();
      const right = this.parseOperand();
      this.requireSingular(left);
      this.requireSingular(right);
      return { kind: "compare", op: token.kind as ComparisonOperator, left, right };
    }
    if (token.kind === "=~") {
      this.lexer.next();
      this.requireSingular(left);
      return { kind: "match", left, regex: this.lexer.readRegex() };
    }
    if (token.kind === "word" && (token.value === "in" || token.value === "nin")) {
      this.lexer.next();
      const right = this.parseOperand();
      if (right.kind === "literal" && !Array.isArray(right.value)) {
        this.fail(right.start, `${token.value} needs a list on its right, e.g. ['a', 'b']`);
      }
      this.requireSingular(left);
      this.requireSingular(right);
      return { kind: "in", negated: token.value === "nin", left, right };
    }
    if (left.kind === "literal") {
      this.fail(left.start, "a value alone is not a condition; compare it with a path, e.g. @.flag == true");
    }
    return { kind: "exists", path: left.path };
  }

  private requireSingular(operand: Operand): void {
    if (operand.kind === "path" && !isDefinite(operand.path)) {
      throw invalidAt(
        operand.path.start,
        "a path compared in a filter must point at one value (no *, .., slices, unions or filters); filter the inner array instead",
      );
    }
  }

  private parseOperand(): Operand {
    const token = this.lexer.peek();
    switch (token.kind) {
      case "@":
      case "$":
        this.lexer.next();
        return { kind: "path", path: this.parsePathAfter(token) };
      case "string":
      case "number":
      case "word":
      case "[":
        return { kind: "literal", value: this.parseLiteral(), start: token.start };
      default:
        return this.fail(token.start, "expected a value or a path starting with @ or $");
    }
  }

  private parseLiteral(): JsonLiteral {
    const token = this.lexer.next();
    switch (token.kind) {
      case "string":
      case "number":
        return token.value as string | number;
      case "word":
        if (token.value === "true") return true;
        if (token.value === "false") return false;
        if (token.value === "null") return null;
        return this.fail(token.start, `unknown word '${String(token.value)}'; values are numbers, 'strings', true, false, null or [lists]`);
      case "[": {
        this.enter(token.start);
        const items: JsonLiteral[] = [];
        if (this.lexer.peek().kind !== "]") {
          items.push(this.parseLiteral());
          while (this.lexer.peek().kind === ",") {
            this.lexer.next();
            items.push(this.parseLiteral());
          }
        }
        this.expect("]", "expected , or ] in the list");
        this.leave();
        return items;
      }
      default:
        return this.fail(token.start, "expected a value: a number, 'string', true, false, null or [list]");
    }
  }
}
