// One pass over a log record's bytes that proves it a valid event record without building it: the
// JSON grammar (RFC 8259, as JSON.parse accepts it), the envelope's fields located, the payload's span
// and depth, and where each payload member is. Most events route to no alert (issue 7: about 5%
// qualify), and those never need their payload as objects; the rest parse, when first read, the
// members their alert reads or the whole payload span.
//
// The scan is sound, not complete: it answers null ("not proven") for anything it does not handle
// itself — \u escapes (they alone can spell U+0000 or an unpaired surrogate), an escaped envelope key
// or value, numbers that could round to Infinity, a nesting over the limit, a payload that is not an
// object, an occurredAt that is not a string — and the caller then takes the full path, which finds
// the exact problem or accepts the record. It never answers "valid" for bytes that JSON.parse refuses.

/** What the scan found; a span is [start, end) in the record's bytes, start -1 when the key is absent. */
export interface ScannedRecord {
  /** Per envelope field (FIELD order): start and end of a string's content (without quotes), or NULL_START twice. */
  readonly spans: Int32Array;
  /** Bit f set: field f's string has a byte ≥ 0x80 (decode as UTF-8, not Latin-1). */
  readonly nonAscii: number;
  /**
   * The payload's members in document order, four numbers each: the name's start and end (without
   * quotes), the value's start and end; null when a name is escaped (then only the whole payload serves).
   */
  readonly members: readonly number[] | null;
}

/** The envelope fields, in the order of ScannedRecord.spans (two slots each). */
export const FIELD = Object.freeze({ id: 0, customerId: 1, application: 2, objectType: 3, eventType: 4, occurredAt: 5, payload: 6 });
const FIELD_NAMES = ["id", "customerId", "application", "objectType", "eventType", "occurredAt", "payload"].map((name) => Buffer.from(name, "latin1"));
const FIELDS = FIELD_NAMES.length;
/** A start of -2: the field was JSON null. */
export const NULL_START = -2;
export const ABSENT_START = -1;

/** Containers nested deeper than this (the record itself is level 0) are left to the full path. */
export const MAX_LEVEL = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;

/** 1 for the bytes that end a run of plain string content: '"', '\' and control characters. */
const STRING_STOP = new Uint8Array(256);
for (let c = 0; c < 0x20; c++) STRING_STOP[c] = 1;
STRING_STOP[QUOTE] = 1;
STRING_STOP[BACKSLASH] = 1;
/** The escapes other than \u. */
const SIMPLE_ESCAPE = new Uint8Array(256);
for (const c of '"\\/bfnrt') SIMPLE_ESCAPE[c.charCodeAt(0)] = 1;

const isDigit = (c: number): boolean => c >= DIGIT_0 && c <= DIGIT_9;

function skipSpace(b: Uint8Array, i: number, n: number): number {
  while (i < n) {
    const c = b[i];
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    i++;
  }
  return i;
}

/** b[i] is '"'. The index after the closing quote, or -1 (invalid, or a \u escape). */
function skipString(b: Uint8Array, i: number, n: number): number {
  i++;
  for (;;) {
    while (i < n && STRING_STOP[b[i]] === 0) i++;
    if (i >= n) return -1;
    const c = b[i];
    if (c === QUOTE) return i + 1;
    if (c !== BACKSLASH || i + 1 >= n || SIMPLE_ESCAPE[b[i + 1]] === 0) return -1;
    i += 2;
  }
}

/**
 * b[i] starts a number. The index after it, or -1: invalid, or possibly outside a double's range once
 * parsed (20 or more integer digits, or a 3-digit exponent), which the full path judges exactly.
 */
function skipNumber(b: Uint8Array, i: number, n: number): number {
  if (b[i] === MINUS) i++;
  if (i >= n) return -1;
  const first = b[i];
  if (first === DIGIT_0) {
    i++;
  } else if (isDigit(first)) {
    const start = i;
    while (i < n && isDigit(b[i])) i++;
    if (i - start >= 20) return -1;
  } else {
    return -1;
  }
  if (i < n && b[i] === DOT) {
    i++;
    const start = i;
    while (i < n && isDigit(b[i])) i++;
    if (i === start) return -1;
  }
  if (i < n && (b[i] === 0x65 || b[i] === 0x45)) {
    i++;
    if (i < n && (b[i] === PLUS || b[i] === MINUS)) i++;
    const start = i;
    while (i < n && isDigit(b[i])) i++;
    if (i === start || i - start >= 3) return -1;
  }
  return i;
}

/** b[i..] spells `word` (ASCII). */
function spells(b: Uint8Array, i: number, n: number, word: string): boolean {
  if (i + word.length > n) return false;
  for (let k = 0; k < word.length; k++) if (b[i + k] !== word.charCodeAt(k)) return false;
  return true;
}

// Reused by skipValue: the kind of each open container (1 object, 2 array); the scan is synchronous.
const OPEN_KINDS = new Uint8Array(MAX_LEVEL + 2);
const IN_OBJECT = 1;
const IN_ARRAY = 2;

/**
 * b[i] starts a value that may open at most `maxDepth` levels of containers. The index after the
 * value, or -1. Iterative, so hostile nesting cannot overflow the stack.
 */
function skipValue(b: Uint8Array, i: number, n: number, maxDepth: number): number {
  let depth = 0;
  for (;;) {
    // i is at the start of a value
    if (i >= n) return -1;
    const c = b[i];
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (depth === maxDepth) return -1;
      depth++;
      OPEN_KINDS[depth] = c === OPEN_OBJECT ? IN_OBJECT : IN_ARRAY;
      i = skipSpace(b, i + 1, n);
      if (i < n && b[i] === (c === OPEN_OBJECT ? CLOSE_OBJECT : CLOSE_ARRAY)) {
        i++;
        depth--;
      } else if (c === OPEN_OBJECT) {
        i = skipMember(b, i, n);
        if (i < 0) return -1;
        continue;
      } else {
        continue;
      }
    } else if (c === QUOTE) {
      i = skipString(b, i, n);
    } else if (c === MINUS || isDigit(c)) {
      i = skipNumber(b, i, n);
    } else if (c === 0x74) {
      i = spells(b, i, n, "true") ? i + 4 : -1;
    } else if (c === 0x66) {
      i = spells(b, i, n, "false") ? i + 5 : -1;
    } else if (c === 0x6e) {
      i = spells(b, i, n, "null") ? i + 4 : -1;
    } else {
      return -1;
    }
    if (i < 0) return -1;
    // after a value: close containers until a ',' continues one, or the outermost value is done
    for (;;) {
      if (depth === 0) return i;
      i = skipSpace(b, i, n);
      if (i >= n) return -1;
      const d = b[i];
      if (d === COMMA) {
        i = skipSpace(b, i + 1, n);
        if (OPEN_KINDS[depth] === IN_OBJECT) {
          i = skipMember(b, i, n);
          if (i < 0) return -1;
        }
        break;
      }
      if (d !== (OPEN_KINDS[depth] === IN_OBJECT ? CLOSE_OBJECT : CLOSE_ARRAY)) return -1;
      i++;
      depth--;
    }
  }
}

/** At a member's key: the index of its value (after the key, ':' and whitespace), or -1. */
function skipMember(b: Uint8Array, i: number, n: number): number {
  if (i >= n || b[i] !== QUOTE) return -1;
  i = skipString(b, i, n);
  return i < 0 ? -1 : skipColon(b, i, n);
}

/** b[i] is just after a member's name: the index of its value (after ':' and whitespace), or -1. */
function skipColon(b: Uint8Array, i: number, n: number): number {
  i = skipSpace(b, i, n);
  if (i >= n || b[i] !== COLON) return -1;
  return skipSpace(b, i + 1, n);
}

/** The envelope field whose name is b[start, end), or -1. */
function fieldOf(b: Uint8Array, start: number, end: number): number {
  const length = end - start;
  for (let f = 0; f < FIELDS; f++) {
    const name = FIELD_NAMES[f];
    if (name.length !== length) continue;
    let k = 0;
    while (k < length && b[start + k] === name[k]) k++;
    if (k === length) return f;
  }
  return -1;
}

/**
 * Scans one record; null when it is not proven valid here (take the full path). The caller has already
 * checked that the bytes are UTF-8, so any byte ≥ 0x80 inside a string is part of a well-formed character.
 */
export function scanEventRecord(b: Uint8Array): ScannedRecord | null {
  const n = b.length;
  const spans = new Int32Array(FIELDS * 2).fill(ABSENT_START);
  let nonAscii = 0;
  let members: number[] | null = null;
  let i = skipSpace(b, 0, n);
  if (i >= n || b[i] !== OPEN_OBJECT) return null;
  i = skipSpace(b, i + 1, n);
  if (i < n && b[i] === CLOSE_OBJECT) {
    i++;
  } else {
    for (;;) {
      // a top-level key, without escapes
      if (i >= n || b[i] !== QUOTE) return null;
      const keyStart = i + 1;
      i = keyStart;
      while (i < n && STRING_STOP[b[i]] === 0) i++;
      if (i >= n || b[i] !== QUOTE) return null;
      const field = fieldOf(b, keyStart, i);
      i = skipColon(b, i + 1, n);
      if (i < 0 || i >= n) return null;
      const c = b[i];
      if (field === FIELD.payload) {
        if (c !== OPEN_OBJECT) return null;
        const start = i;
        members = [];
        i = scanPayload(b, i, n, members);
        if (i < 0) return null;
        if (members.length === 1) members = null;
        spans[2 * field] = start;
        spans[2 * field + 1] = i;
      } else if (field >= 0) {
        if (c === QUOTE) {
          const start = i + 1;
          i = start;
          let high = 0;
          while (i < n && STRING_STOP[b[i]] === 0) high |= b[i++];
          if (i >= n || b[i] !== QUOTE) return null;
          spans[2 * field] = start;
          spans[2 * field + 1] = i;
          nonAscii = high >= 0x80 ? nonAscii | (1 << field) : nonAscii & ~(1 << field);
          i++;
        } else if (spells(b, i, n, "null")) {
          spans[2 * field] = NULL_START;
          spans[2 * field + 1] = NULL_START;
          i += 4;
        } else {
          return null;
        }
      } else {
        i = skipValue(b, i, n, MAX_LEVEL);
        if (i < 0) return null;
      }
      i = skipSpace(b, i, n);
      if (i >= n) return null;
      if (b[i] === COMMA) {
        i = skipSpace(b, i + 1, n);
        continue;
      }
      if (b[i] !== CLOSE_OBJECT) return null;
      i++;
      break;
    }
  }
  return skipSpace(b, i, n) === n ? { spans, nonAscii, members } : null;
}

/**
 * b[i] is the '{' of the payload (level 1): its members' spans go to `members` (a lone -1 when a name
 * is escaped). The index after the payload, or -1.
 */
function scanPayload(b: Uint8Array, i: number, n: number, members: number[]): number {
  i = skipSpace(b, i + 1, n);
  if (i < n && b[i] === CLOSE_OBJECT) return i + 1;
  for (;;) {
    if (i >= n || b[i] !== QUOTE) return -1;
    const nameStart = i + 1;
    i = skipString(b, i, n);
    if (i < 0) return -1;
    const nameEnd = i - 1;
    i = skipColon(b, i, n);
    if (i < 0) return -1;
    const valueStart = i;
    i = skipValue(b, i, n, MAX_LEVEL - 1);
    if (i < 0) return -1;
    if (members.length !== 1) {
      let plain = true;
      for (let k = nameStart; k < nameEnd; k++) if (b[k] === BACKSLASH) plain = false;
      if (plain) members.push(nameStart, nameEnd, valueStart, i);
      else members.splice(0, members.length, -1);
    }
    i = skipSpace(b, i, n);
    if (i >= n) return -1;
    if (b[i] === COMMA) {
      i = skipSpace(b, i + 1, n);
      continue;
    }
    return b[i] === CLOSE_OBJECT ? i + 1 : -1;
  }
}

