import { unexpectedAt } from "./errors";

export type TokenKind =
  | "$" | "@" | "." | ".." | "[" | "]" | "(" | ")" | "," | ":" | "*" | "?" | "!"
  | "==" | "!=" | "<" | "<=" | ">" | ">=" | "=~" | "&&" | "||"
  | "string" | "number" | "word" | "eof";

export interface Token {
  readonly kind: TokenKind;
  /** 0-based offset of the first character. */
  readonly start: number;
  readonly end: number;
  /** Decoded string, numeric value, or the word itself. */
  readonly value?: string | number;
}

export interface RegexLiteral {
  readonly pattern: string;
  readonly flags: string;
  readonly start: number;
}

const PUNCTUATION: Readonly<Record<string, TokenKind>> = {
  "$": "$", "@": "@", "[": "[", "]": "]", "(": "(", ")": ")", ",": ",", ":": ":", "*": "*", "?": "?",
};

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  "\\": "\\", "'": "'", "\"": "\"", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t",
};

const UNSUPPORTED_CHAR_REASONS: Readonly<Record<string, string>> = {
  "`": "backticks are not supported; quote names with ' or \"",
  "=": "use == to compare",
  "&": "use && for 'and'",
  "|": "use || for 'or'",
  "{": "object literals are not supported",
  "/": "a regular expression /.../ is only allowed after =~",
  "+": "arithmetic is not supported",
  "-": "expected a number after '-'",
};

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isWordStart(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
}

function isWordPart(c: number): boolean {
  return isWordStart(c) || isDigit(c);
}

/** Characters allowed in `.name`: what Jayway users write, including `-` and non-ASCII letters. */
export function isMemberNameChar(c: number): boolean {
  return isWordPart(c) || c === 0x2d || (c >= 0x80 && c !== 0xa0 && c !== 0x2028 && c !== 0x2029 && c !== 0xfeff);
}

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/**
 * A pull lexer. The parser asks for ordinary tokens with peek()/next(), and for the two
 * context-dependent forms (a `.name` and a `/regex/flags`) with dedicated reads.
 */
export class Lexer {
  private pos = 0;
  private peeked: Token | undefined;

  constructor(readonly source: string) {}

  fail(position: number, reason: string): never {
    throw unexpectedAt(this.source, position, reason);
  }

  peek(): Token {
    if (this.peeked === undefined) this.peeked = this.scan();
    return this.peeked;
  }

  next(): Token {
    const token = this.peek();
    this.peeked = undefined;
    return token;
  }

  /** The offset of the next unread character (no whitespace skipped). */
  get offset(): number {
    return this.peeked === undefined ? this.pos : this.peeked.start;
  }

  /** Reads a dot-notation name right at the cursor; undefined when none starts there. */
  readMemberName(): { name: string; start: number } | undefined {
    this.unpeek();
    const start = this.pos;
    const src = this.source;
    let i = start;
    while (i < src.length && isMemberNameChar(src.charCodeAt(i))) i++;
    if (i === start) return undefined;
    this.pos = i;
    return { name: src.slice(start, i), start };
  }

  /** Reads `/pattern/flags`; a `/` inside a character class or after a backslash does not end it. */
  readRegex(): RegexLiteral {
    this.unpeek();
    this.skipSpace();
    const src = this.source;
    const start = this.pos;
    if (src.charCodeAt(start) !== 0x2f) this.fail(start, "expected a regular expression like /pattern/i after =~");
    let i = start + 1;
    let inClass = false;
    for (;;) {
      if (i >= src.length) this.fail(start, "unterminated regular expression; close it with /");
      const c = src.charCodeAt(i);
      if (c === 0x5c) {
        i += 2;
        continue;
      }
      if (c === 0x5b) inClass = true;
      else if (c === 0x5d) inClass = false;
      else if (c === 0x2f && !inClass) break;
      i++;
    }
    const pattern = src.slice(start + 1, i);
    i++;
    const flagsStart = i;
    while (i < src.length && isWordPart(src.charCodeAt(i))) i++;
    this.pos = i;
    return { pattern, flags: src.slice(flagsStart, i), start };
  }

  private unpeek(): void {
    if (this.peeked !== undefined) {
      this.pos = this.peeked.start;
      this.peeked = undefined;
    }
  }

  private skipSpace(): void {
    const src = this.source;
    while (this.pos < src.length && isSpace(src.charCodeAt(this.pos))) this.pos++;
  }

  private token(kind: TokenKind, start: number, end: number, value?: string | number): Token {
    this.pos = end;
    return { kind, start, end, value };
  }

  private scan(): Token {
    this.skipSpace();
    const src = this.source;
    const start = this.pos;
    if (start >= src.length) return { kind: "eof", start, end: start };
    const ch = src[start];
    const c = src.charCodeAt(start);
    const c2 = src.charCodeAt(start + 1);
    const punct = PUNCTUATION[ch];
    if (punct !== undefined) return this.token(punct, start, start + 1);
    switch (ch) {
      case ".":
        return c2 === 0x2e ? this.token("..", start, start + 2) : this.token(".", start, start + 1);
      case "=":
        if (c2 === 0x3d) return this.token("==", start, start + 2);
        if (c2 === 0x7e) return this.token("=~", start, start + 2);
        break;
      case "!":
        return c2 === 0x3d ? this.token("!=", start, start + 2) : this.token("!", start, start + 1);
      case "<":
        return c2 === 0x3d ? this.token("<=", start, start + 2) : this.token("<", start, start + 1);
      case ">":
        return c2 === 0x3d ? this.token(">=", start, start + 2) : this.token(">", start, start + 1);
      case "&":
        if (c2 === 0x26) return this.token("&&", start, start + 2);
        break;
      case "|":
        if (c2 === 0x7c) return this.token("||", start, start + 2);
        break;
      case "'":
      case "\"":
        return this.scanString(start, ch);
      default:
        if (isDigit(c) || (c === 0x2d && isDigit(c2))) return this.scanNumber(start);
        if (isWordStart(c)) {
          let i = start + 1;
          while (i < src.length && isWordPart(src.charCodeAt(i))) i++;
          return this.token("word", start, i, src.slice(start, i));
        }
    }
    this.fail(start, UNSUPPORTED_CHAR_REASONS[ch] ?? "this character is not part of the supported JSONPath syntax");
  }

  private scanNumber(start: number): Token {
    const src = this.source;
    let i = start;
    if (src.charCodeAt(i) === 0x2d) i++;
    while (isDigit(src.charCodeAt(i))) i++;
    if (src.charCodeAt(i) === 0x2e && isDigit(src.charCodeAt(i + 1))) {
      i++;
      while (isDigit(src.charCodeAt(i))) i++;
    }
    const e = src.charCodeAt(i);
    if (e === 0x65 || e === 0x45) {
      let j = i + 1;
      const sign = src.charCodeAt(j);
      if (sign === 0x2b || sign === 0x2d) j++;
      if (isDigit(src.charCodeAt(j))) {
        while (isDigit(src.charCodeAt(j))) j++;
        i = j;
      }
    }
    const value = Number(src.slice(start, i));
    if (!Number.isFinite(value)) this.fail(start, "this number is too large");
    return this.token("number", start, i, value);
  }

  private scanString(start: number, quote: string): Token {
    const src = this.source;
    let out = "";
    let i = start + 1;
    let runStart = i;
    for (;;) {
      if (i >= src.length) this.fail(start, `unterminated string; close it with ${quote}`);
      const ch = src[i];
      if (ch === quote) break;
      if (ch !== "\\") {
        i++;
        continue;
      }
      out += src.slice(runStart, i);
      const esc = src[i + 1];
      const simple = esc === undefined ? undefined : SIMPLE_ESCAPES[esc];
      if (simple !== undefined) {
        out += simple;
        i += 2;
      } else if (esc === "u") {
        for (let k = 2; k < 6; k++) {
          if (!isHex(src.charCodeAt(i + k))) this.fail(i, "\\u must be followed by four hex digits, e.g. \\u00e9");
        }
        out += String.fromCharCode(parseInt(src.slice(i + 2, i + 6), 16));
        i += 6;
      } else {
        this.fail(i, "unknown escape in string; use \\\\, \\', \\\", \\n, \\t, \\r, \\b, \\f, \\/ or \\uXXXX");
      }
      runStart = i;
    }
    out += src.slice(runStart, i);
    return this.token("string", start, i + 1, out);
  }
}
