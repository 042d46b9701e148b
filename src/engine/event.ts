import { isUtf8 } from "node:buffer";
import { isJsonObject } from "./json";
import { RecordEvent } from "./record-event";
import { ABSENT_START, FIELD, NULL_START, scanEventRecord, type ScannedRecord } from "./record-scan";

export { eventPayloadJson, payloadFor } from "./record-event";
/** One event as the engine sees it (DESIGN.md "The event"); `payload` is a JSON object. */
export interface EngineEvent {
  readonly id: string;
  readonly customerId: string;
  readonly application: string;
  readonly objectType: string | null;
  readonly eventType: string;
  readonly occurredAtMs: number;
  readonly payload: Record<string, unknown>;
}

export const EVENT_LIMITS = Object.freeze({
  payloadMaxBytes: 262144,
  payloadMaxDepth: 64,
  futureToleranceMs: 300000,
  idMaxChars: 200,
  fieldMaxChars: 200,
} as const);

/**
 * A raw log record larger than this is refused before it is decoded. It leaves room for the envelope
 * around a payload at its limit; our own writers encode compactly (JSON.stringify).
 */
export const EVENT_RECORD_MAX_BYTES = 300 * 1024;
/** Event times before the epoch are refused (PostgreSQL cannot store every JavaScript date, e.g. year 0). */
const EARLIEST_EVENT_MS = 0;

/** `field` names the input field to fix ("payload", "occurredAt", "customerId"…); `message` says how. */
export interface EventProblem {
  field: string;
  message: string;
}

export interface EventFields {
  id?: unknown;
  customerId?: unknown;
  application?: unknown;
  objectType?: unknown;
  eventType?: unknown;
  /** An RFC 3339 string with an offset, a Date, or epoch milliseconds. */
  occurredAt?: unknown;
  payload?: unknown;
}

const CUSTOMER_ID = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;
const CONTROL_CHAR = /[\u0000-\u001f\u007f-\u009f]/;
// PostgreSQL text and jsonb refuse U+0000 and unpaired surrogates, and the log is stored there.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;
// without { stream: true } each decode() stands alone, so one decoder serves every record
const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true });
// ECMAScript's time range: ±100,000,000 days around the epoch.
const MAX_TIME_MS = 8.64e15;

/**
 * Validates an event as given by a client or decoded from the log and returns it normalized, or
 * every problem found. `nowMs` is the ingestion time: the default occurredAt and the reference for
 * "too far in the future". `generateId` is called only for a valid event without an id.
 * The payload is kept by reference, not copied.
 */
export function normalizeEvent(
  input: EventFields,
  nowMs: number,
  generateId: () => string,
  /** The payload came from JSON.parse of text already shown to be within the limits (decodeEventRecord). */
  payloadWithinLimits = false,
): { event: EngineEvent } | { problems: EventProblem[] } {
  const problems: EventProblem[] = [];
  const add = (field: string, message: string) => problems.push({ field, message });
  const envelope = checkEnvelope(input, nowMs, add);
  const payloadProblem = payloadWithinLimits && isJsonObject(input.payload) ? null : checkPayload(input.payload);
  if (payloadProblem !== null) add("payload", payloadProblem);
  if (problems.length > 0) return { problems };
  return {
    event: {
      id: envelope.id ?? generateId(),
      customerId: envelope.customerId as string,
      application: envelope.application as string,
      objectType: envelope.objectType,
      eventType: envelope.eventType as string,
      occurredAtMs: envelope.occurredAtMs as number,
      payload: input.payload as Record<string, unknown>,
    },
  };
}

/** The envelope's fields as checked; a field is null where a problem was added for it. */
interface CheckedEnvelope {
  readonly id: string | null;
  readonly customerId: string | null;
  readonly application: string | null;
  readonly objectType: string | null;
  readonly eventType: string | null;
  readonly occurredAtMs: number | null;
}

function checkEnvelope(input: EventFields, nowMs: number, add: (field: string, message: string) => void): CheckedEnvelope {
  let id: string | null = null;
  if (input.id !== undefined && input.id !== null) {
    if (typeof input.id !== "string" || input.id.length === 0 || input.id.length > EVENT_LIMITS.idMaxChars) {
      add("id", `must be a string of 1 to ${EVENT_LIMITS.idMaxChars} characters, or left out to have one generated`);
    } else if (CONTROL_CHAR.test(input.id) || UNSTORABLE.test(input.id)) {
      add("id", "must contain only printable characters (no control characters or unpaired surrogates)");
    } else {
      id = input.id;
    }
  }

  const customerId = input.customerId;
  const validCustomer = typeof customerId === "string" && CUSTOMER_ID.test(customerId);
  if (!validCustomer) {
    add("customerId", "must be 1 to 128 characters: letters, digits and . _ : @ -, starting with a letter or digit");
  }
  const application = requiredText(input.application, "application", add);
  const eventType = requiredText(input.eventType, "eventType", add);
  const objectType = input.objectType === undefined || input.objectType === null ? null : requiredText(input.objectType, "objectType", add);

  const occurredAtMs = input.occurredAt === undefined || input.occurredAt === null ? nowMs : toEpochMs(input.occurredAt, add);
  if (occurredAtMs !== null && occurredAtMs < EARLIEST_EVENT_MS) {
    add("occurredAt", `refused: ${new Date(occurredAtMs).toISOString()} is before 1970-01-01; send the time the event happened`);
  } else if (occurredAtMs !== null && occurredAtMs - nowMs > EVENT_LIMITS.futureToleranceMs) {
    add(
      "occurredAt",
      `refused: ${new Date(occurredAtMs).toISOString()} is more than ${EVENT_LIMITS.futureToleranceMs / 60000} minutes ahead of the server clock ` +
        `(${new Date(nowMs).toISOString()}); send the time the event happened, with its UTC offset`,
    );
  }
  return { id, customerId: validCustomer ? customerId : null, application, objectType, eventType, occurredAtMs };
}

/**
 * Decodes one record of the events log (UTF-8 JSON of the event's fields). A record that is too
 * large, not UTF-8, not JSON or not a valid event yields the reason for the dead-letter table.
 * Never throws for any bytes; only an exception from `generateId` itself propagates.
 */
export function decodeEventRecord(
  bytes: Uint8Array,
  nowMs: number,
  generateId: () => string,
): { event: EngineEvent } | { reason: string } {
  if (bytes.byteLength > EVENT_RECORD_MAX_BYTES) {
    return { reason: `record is ${bytes.byteLength} bytes, over the limit of ${EVENT_RECORD_MAX_BYTES}` };
  }
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!isUtf8(buffer)) return { reason: "record is not valid UTF-8" };
  // Re-encoding a parsed payload grows it at most ~5.25× (see textWithinLimits): a record this small
  // cannot hold a payload over the limit, so the scan's proof suffices.
  if (buffer.byteLength * 6 <= EVENT_LIMITS.payloadMaxBytes) {
    const scanned = scanEventRecord(buffer);
    if (scanned !== null) {
      const event = eventOfScan(buffer, scanned, nowMs, generateId);
      if (event !== null) return { event };
    }
  }
  return decodeEventRecordFully(buffer, nowMs, generateId);
}

/**
 * decodeEventRecord without the scan: decode, JSON.parse, check. The reference the scan is tested
 * against, and the path for every record the scan does not prove.
 */
export function decodeEventRecordFully(
  bytes: Uint8Array,
  nowMs: number,
  generateId: () => string,
): { event: EngineEvent } | { reason: string } {
  if (bytes.byteLength > EVENT_RECORD_MAX_BYTES) {
    return { reason: `record is ${bytes.byteLength} bytes, over the limit of ${EVENT_RECORD_MAX_BYTES}` };
  }
  let text: string;
  try {
    text = STRICT_UTF8.decode(bytes);
  } catch {
    return { reason: "record is not valid UTF-8" };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    const detail = err instanceof Error ? err.message.slice(0, 200) : "unparsable";
    return { reason: `record is not JSON: ${detail}` };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return { reason: `record is ${describeJson(parsed)}, not an event object` };
  }
  const record = parsed as Record<string, unknown>;
  const own = (key: string): unknown => (Object.hasOwn(record, key) ? record[key] : undefined);
  const result = normalizeEvent(
    {
      id: own("id"),
      customerId: own("customerId"),
      application: own("application"),
      objectType: own("objectType"),
      eventType: own("eventType"),
      occurredAt: own("occurredAt"),
      payload: own("payload"),
    },
    nowMs,
    generateId,
    textWithinLimits(text, bytes.byteLength),
  );
  if ("event" in result) return result;
  return { reason: result.problems.map((p) => `${p.field}: ${p.message}`).join("; ") };
}

/** Numbers JSON.parse would turn into Infinity need a 3-digit exponent after a digit, or a long run of digits. */
const MAYBE_HUGE_NUMBER = /\d[eE]\+?\d\d\d|\d{20}/;

/**
 * The hot path: whether the record's text alone proves its payload within the limits, so the walk and
 * the size re-encoding can be skipped (any doubt falls back to them). Size: re-encoding a parsed value
 * grows it at most ~5.25×. Unstorable text can only arrive as \u escapes. Depth is at most the number
 * of '{' and '['. Non-finite numbers need a long exponent or digit run.
 */
function textWithinLimits(text: string, byteLength: number): boolean {
  if (byteLength * 6 > EVENT_LIMITS.payloadMaxBytes || text.indexOf("\\u") !== -1 || MAYBE_HUGE_NUMBER.test(text)) return false;
  let open = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 123 || c === 91) open++;
  }
  // One '{' is the record itself.
  return open - 1 <= EVENT_LIMITS.payloadMaxDepth;
}

function requiredText(value: unknown, field: string, add: (field: string, message: string) => void): string | null {
  if (typeof value !== "string" || value.trim().length === 0 || value.length > EVENT_LIMITS.fieldMaxChars) {
    add(field, `must be a non-blank string of at most ${EVENT_LIMITS.fieldMaxChars} characters`);
    return null;
  }
  if (UNSTORABLE.test(value)) {
    add(field, "must not contain U+0000 or unpaired surrogates");
    return null;
  }
  return value;
}

function toEpochMs(value: unknown, add: (field: string, message: string) => void): number | null {
  const invalid = (why: string) => {
    add("occurredAt", `${why}; use an RFC 3339 date-time with offset such as "2024-05-01T12:00:00Z", or epoch milliseconds`);
    return null;
  };
  let ms: number;
  if (typeof value === "number") {
    if (!Number.isInteger(value)) return invalid("a number must be whole epoch milliseconds");
    ms = value;
  } else if (value instanceof Date) {
    ms = value.getTime();
  } else if (typeof value === "string") {
    const parsed = parseDateTime(value);
    if (parsed === null) return invalid(`${JSON.stringify(value.slice(0, 40))} is not a valid date-time`);
    ms = parsed;
  } else {
    return invalid("must be a date-time string, a Date or a number");
  }
  if (!(Math.abs(ms) <= MAX_TIME_MS)) return invalid("is not a representable instant");
  return ms;
}

/** Date.parse alone would read a string without offset as local time and roll 02-30 into March. */
function parseDateTime(text: string): number | null {
  if (text.length > 64) return null;
  const m = DATE_TIME.exec(text);
  if (m === null) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  if (!isCalendarTime(year, month, day, hour, minute, second)) return null;
  if (m[7] !== undefined && (Number(m[7]) > 23 || Number(m[8]) > 59)) return null;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : ms;
}

/** A real day of a real month, and a time of day without leap seconds. */
function isCalendarTime(year: number, month: number, day: number, hour: number, minute: number, second: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month) && hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 59;
}

function daysIn(year: number, month: number): number {
  if (month !== 2) return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
}

/**
 * The payload problem, or null when it is a JSON object within the limits. One iterative walk checks
 * depth and JSON-ness (so no hostile nesting reaches a recursive JSON.stringify), then one stringify
 * measures the size.
 */
function checkPayload(payload: unknown): string | null {
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
    return `must be a JSON object, got ${describeJson(payload)}; wrap the value, e.g. {"value": …}`;
  }
  const problem = walkPayload(payload);
  if (problem !== null) return problem;
  let json: string;
  try {
    json = JSON.stringify(payload);
  } catch {
    return "must be JSON";
  }
  if (utf8LengthExceeds(json, EVENT_LIMITS.payloadMaxBytes)) {
    return `is over ${EVENT_LIMITS.payloadMaxBytes} bytes as JSON (256 KiB); send less, or split it into several events`;
  }
  return null;
}

interface Frame {
  readonly node: object;
  readonly depth: number;
  readonly parent: Frame | null;
  readonly key: string | number;
}

function walkPayload(root: object): string | null {
  const max = EVENT_LIMITS.payloadMaxDepth;
  const pending: Frame[] = [{ node: root, depth: 1, parent: null, key: "" }];
  while (pending.length > 0) {
    const frame = pending.pop() as Frame;
    const { node, depth } = frame;
    if (!isPlainContainer(node)) return `${where(frame.parent, frame.key)} is not a JSON value`;
    const visit = (key: string | number, value: unknown): string | null => {
      if (typeof key === "string" && UNSTORABLE.test(key)) return `a key in ${where(frame.parent, frame.key)} contains U+0000 or an unpaired surrogate; remove it`;
      if (typeof value === "object" && value !== null) {
        if (depth >= max) return `is nested more than ${max} levels deep (at ${where(frame, key)}); flatten it`;
        pending.push({ node: value, depth: depth + 1, parent: frame, key });
        return null;
      }
      return scalarProblem(value, () => where(frame, key));
    };
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const problem = visit(i, node[i]);
        if (problem !== null) return problem;
      }
    } else {
      for (const key of Object.keys(node)) {
        const problem = visit(key, (node as Record<string, unknown>)[key]);
        if (problem !== null) return problem;
      }
    }
  }
  return null;
}

function scalarProblem(value: unknown, at: () => string): string | null {
  switch (typeof value) {
    case "boolean":
      return null;
    case "string":
      return UNSTORABLE.test(value) ? `${at()} contains U+0000 or an unpaired surrogate, which cannot be stored; remove or encode it` : null;
    case "number":
      return Number.isFinite(value) ? null : `${at()} is a number outside the range of a double (${value}); send it as a string`;
    case "object":
      return null;
    default:
      return `${at()} is ${typeof value}, not a JSON value`;
  }
}

function isPlainContainer(node: object): boolean {
  if (Array.isArray(node)) return true;
  const proto = Object.getPrototypeOf(node) as unknown;
  return proto === Object.prototype || proto === null;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** The JSONPath of a payload position, built only when reporting a problem. */
function where(parent: Frame | null, key: string | number): string {
  const parts: string[] = [];
  let frame: Frame | null = parent;
  let k: string | number = key;
  while (frame !== null) {
    parts.push(typeof k === "number" ? `[${k}]` : IDENTIFIER.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`);
    k = frame.key;
    frame = frame.parent;
  }
  return `$${parts.reverse().join("")}`;
}

/** Whether the UTF-8 encoding of well-formed text (JSON.stringify escapes lone surrogates) exceeds `cap` bytes. */
function utf8LengthExceeds(text: string, cap: number): boolean {
  if (text.length > cap) return true;
  if (text.length * 3 <= cap) return false;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
    if (bytes > cap) return true;
  }
  return false;
}

function describeJson(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "a JSON array";
  if (typeof value === "object") return "an object";
  return `a ${typeof value}`;
}

/** The event of a scanned record, or null when its envelope has a problem (the full path reports it). */
function eventOfScan(buffer: Buffer, scanned: ScannedRecord, nowMs: number, generateId: () => string): EngineEvent | null {
  const { spans, nonAscii } = scanned;
  const payloadStart = spans[2 * FIELD.payload];
  if (payloadStart < 0) return null;
  const text = (field: number): string | null | undefined => {
    const start = spans[2 * field];
    if (start === ABSENT_START) return undefined;
    if (start === NULL_START) return null;
    return buffer.toString((nonAscii & (1 << field)) !== 0 ? "utf8" : "latin1", start, spans[2 * field + 1]);
  };
  const timeStart = spans[2 * FIELD.occurredAt];
  const occurredAt = timeStart >= 0 ? (timeOfBytes(buffer, timeStart, spans[2 * FIELD.occurredAt + 1]) ?? text(FIELD.occurredAt)) : text(FIELD.occurredAt);
  let problems = 0;
  const envelope = checkEnvelope(
    { id: text(FIELD.id), customerId: text(FIELD.customerId), application: text(FIELD.application), objectType: text(FIELD.objectType), eventType: text(FIELD.eventType), occurredAt },
    nowMs,
    () => problems++,
  );
  if (problems > 0) return null;
  return new RecordEvent(
    envelope.id ?? generateId(),
    envelope.customerId as string,
    envelope.application as string,
    envelope.objectType,
    envelope.eventType as string,
    envelope.occurredAtMs as number,
    buffer,
    payloadStart,
    spans[2 * FIELD.payload + 1],
    scanned.members,
  );
}

/**
 * The epoch milliseconds of "YYYY-MM-DDTHH:MM:SSZ" or "YYYY-MM-DDTHH:MM:SS.mmmZ" (what our writers
 * send) read from bytes, or null for any other form (parseDateTime then judges the text).
 */
function timeOfBytes(b: Uint8Array, start: number, end: number): number | null {
  const length = end - start;
  if ((length !== 20 && length !== 24) || b[start + 4] !== 0x2d || b[start + 7] !== 0x2d || b[start + 10] !== 0x54 || b[start + 13] !== 0x3a || b[start + 16] !== 0x3a || b[end - 1] !== 0x5a) {
    return null;
  }
  const digits = (from: number, count: number): number => {
    let value = 0;
    for (let k = from; k < from + count; k++) {
      const d = b[start + k] - 0x30;
      if (d < 0 || d > 9) return -1;
      value = value * 10 + d;
    }
    return value;
  };
  let ms = 0;
  if (length === 24) {
    if (b[start + 19] !== 0x2e) return null;
    ms = digits(20, 3);
  }
  const year = digits(0, 4);
  const month = digits(5, 2);
  const day = digits(8, 2);
  const hour = digits(11, 2);
  const minute = digits(14, 2);
  const second = digits(17, 2);
  // years before 100 would need Date.UTC's two-digit-year rule; they are refused anyway (before 1970)
  if (ms < 0 || year < 1970 || !isCalendarTime(year, month, day, hour, minute, second)) return null;
  return Date.UTC(year, month - 1, day, hour, minute, second, ms);
}
