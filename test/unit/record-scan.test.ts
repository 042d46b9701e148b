// The scan that decodes most log records without JSON.parse must agree with the full path on every
// record: the same event (fields and payload) or the same dead-letter reason. The full path
// (decodeEventRecordFully: TextDecoder, JSON.parse, the payload walk) is the oracle.
import { isUtf8 } from "node:buffer";
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { decodeEventRecord, decodeEventRecordFully, eventPayloadJson, type EngineEvent } from "../../src/engine/event";
import { MAX_LEVEL, scanEventRecord } from "../../src/engine/record-scan";
import { plainEvent } from "../support/plain-event";

const NOW = Date.parse("2024-05-01T12:00:00.000Z");
const SEED = 20261201;
const generateId = () => "generated";

type Outcome = { event: EngineEvent } | { reason: string };
const view = (result: Outcome) => ("event" in result ? { event: plainEvent(result.event) } : { reason: result.reason });

function assertAgrees(bytes: Uint8Array): void {
  const fast = decodeEventRecord(bytes, NOW, generateId);
  const full = decodeEventRecordFully(bytes, NOW, generateId);
  assert.deepEqual(view(fast), view(full), `record ${JSON.stringify(Buffer.from(bytes).toString("latin1"))}`);
}

/** Soundness of the scan alone: whatever UTF-8 it accepts (its precondition), JSON.parse accepts. */
function assertSound(bytes: Uint8Array): void {
  if (!isUtf8(bytes) || scanEventRecord(bytes) === null) return;
  assert.doesNotThrow(() => JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes)), Buffer.from(bytes).toString("latin1"));
}

const encode = (text: string) => new Uint8Array(Buffer.from(text, "utf8"));
const base = {
  id: "evt-1",
  customerId: "acme",
  application: "github",
  objectType: "user",
  eventType: "admin_granted",
  occurredAt: "2024-05-01T11:59:00.000Z",
  payload: { user: { email: "a@x.com", admin: true, logins: [1, 2.5, -3e-7] } },
};
const record = (fields: object, space?: number) => encode(JSON.stringify(fields, null, space));
const nested = (levels: number): unknown => (levels === 0 ? 1 : { a: nested(levels - 1) });

describe("record scan", () => {
  test("decodes the common record without the full path, to the same event", () => {
    const bytes = record(base);
    assert.notEqual(scanEventRecord(bytes), null);
    assertAgrees(bytes);
    const fast = decodeEventRecord(bytes, NOW, generateId);
    assert.ok("event" in fast);
    assert.equal(eventPayloadJson(fast.event), JSON.stringify(base.payload));
  });

  const cases: [string, string][] = [
    ["pretty-printed", JSON.stringify(base, null, 2)],
    ["leading and trailing whitespace", ` \n\t${JSON.stringify(base)}\r\n `],
    ["a byte-order mark (the full path's decoder drops it)", `\uFEFF${JSON.stringify(base)}`],
    ["duplicate keys: the last one wins", JSON.stringify(base).replace(/}$/, `,"payload":{"second":true},"customerId":"other"}`)],
    ["unknown top-level keys of every kind", JSON.stringify({ extra: [1, { b: [null, false] }], ...base, more: "x" })],
    ["no id: one is generated", JSON.stringify({ ...base, id: undefined })],
    ["null id and objectType", JSON.stringify({ ...base, id: null, objectType: null })],
    ["an escaped envelope value", JSON.stringify({ ...base, application: 'git"hub' })],
    ["an escaped top-level key", JSON.stringify(base).replace('"application"', '"appl\\u0069cation"')],
    ["escapes in the payload", JSON.stringify({ ...base, payload: { s: 'a"b\\c/\b\f\n\r\t' } })],
    ["a \\u escape in the payload", JSON.stringify({ ...base, payload: { s: "é" } }).replace("é", "\\u00e9")],
    ["U+0000 in the payload", JSON.stringify({ ...base, payload: { s: "a\u0000b" } })],
    ["a lone surrogate in the payload", JSON.stringify({ ...base, payload: { s: "\ud800" } })],
    ["non-ASCII envelope and payload", JSON.stringify({ ...base, customerId: "zoë", application: "Zoë 😀", payload: { name: "日本語 😀" } })],
    ["a C1 control character in the id", JSON.stringify({ ...base, id: "a\u0085b" })],
    ["a raw control character in a string", JSON.stringify(base).replace("a@x.com", "a\u0001x")],
    ["a number that is Infinity once parsed", JSON.stringify(base).replace("2.5", "1e400")],
    ["a 3-digit exponent that stays finite", JSON.stringify(base).replace("2.5", "1e-300")],
    ["a long integer", JSON.stringify(base).replace("2.5", "123456789012345678901234567890")],
    ["numbers JSON.parse refuses", JSON.stringify(base).replace("2.5", "01")],
    ["a bare minus", JSON.stringify(base).replace("2.5", "-")],
    ["a fraction without digits", JSON.stringify(base).replace("2.5", "2.")],
    ["an exponent without digits", JSON.stringify(base).replace("2.5", "2e+")],
    ["a trailing comma", JSON.stringify(base).replace("]", ",]")],
    ["a missing colon", JSON.stringify(base).replace('"admin":', '"admin"')],
    ["a truncated literal", JSON.stringify(base).replace("true", "tru")],
    ["garbage after the record", `${JSON.stringify(base)}x`],
    ["two records", `${JSON.stringify(base)}${JSON.stringify(base)}`],
    ["an array payload", JSON.stringify({ ...base, payload: [1] })],
    ["a null payload", JSON.stringify({ ...base, payload: null })],
    ["no payload", JSON.stringify({ ...base, payload: undefined })],
    ["a numeric occurredAt", JSON.stringify({ ...base, occurredAt: NOW - 1000 })],
    ["an occurredAt with an offset", JSON.stringify({ ...base, occurredAt: "2024-05-01T13:59:00+02:00" })],
    ["an occurredAt with one fraction digit", JSON.stringify({ ...base, occurredAt: "2024-05-01T11:59:00.5Z" })],
    ["an occurredAt without fraction", JSON.stringify({ ...base, occurredAt: "2024-05-01T11:59:00Z" })],
    ["an occurredAt on a day that does not exist", JSON.stringify({ ...base, occurredAt: "2023-02-29T11:59:00.000Z" })],
    ["an occurredAt on a leap day", JSON.stringify({ ...base, occurredAt: "2024-02-29T11:59:00.000Z" })],
    ["an occurredAt before 1970", JSON.stringify({ ...base, occurredAt: "0050-05-01T11:59:00.000Z" })],
    ["an occurredAt in the future", JSON.stringify({ ...base, occurredAt: "2024-05-01T12:06:00.000Z" })],
    ["an occurredAt with letters for digits", JSON.stringify({ ...base, occurredAt: "2024-05-0xT11:59:00.000Z" })],
    ["a non-string customerId", JSON.stringify({ ...base, customerId: 7 })],
    ["a blank application", JSON.stringify({ ...base, application: "  " })],
    [`a payload nested ${MAX_LEVEL} levels`, JSON.stringify({ ...base, payload: nested(MAX_LEVEL) })],
    [`a payload nested ${MAX_LEVEL + 1} levels`, JSON.stringify({ ...base, payload: nested(MAX_LEVEL + 1) })],
    ["deep arrays", JSON.stringify({ ...base, payload: { a: JSON.parse("[".repeat(200) + "]".repeat(200)) as unknown } })],
    ["an empty object", "{}"],
    ["an empty record", ""],
    ["a string record", '"event"'],
  ];
  for (const [name, text] of cases) {
    test(`agrees with the full path: ${name}`, () => {
      const bytes = encode(text);
      assertSound(bytes);
      assertAgrees(bytes);
    });
  }

  test("agrees on invalid UTF-8 and large records", () => {
    const bytes = record(base);
    const broken = new Uint8Array([...bytes.slice(0, 60), 0xc3, 0x28, ...bytes.slice(60)]);
    assertAgrees(broken);
    const surrogate = new Uint8Array([...bytes.slice(0, 60), 0xed, 0xa0, 0x80, ...bytes.slice(60)]);
    assertAgrees(surrogate);
    assertAgrees(record({ ...base, payload: { big: "x".repeat(50_000) } }));
    assertAgrees(record({ ...base, payload: { big: "x".repeat(270_000) } }));
  });

  // Envelope values drawn to hit both paths: valid, odd and wrong.
  const text = fc.oneof(fc.constantFrom("acme", "github", "user", "zoë", "a b", "", " ", 'q"uote', "c\u0085", "x".repeat(201)), fc.string({ maxLength: 12 }));
  const time = fc.oneof(
    fc.constantFrom("2024-05-01T11:59:00.000Z", "2024-05-01T11:59:00Z", "2024-05-01t11:59:00z", "2024-05-01T11:59:00.123456Z", "2024-13-01T00:00:00.000Z", "1969-12-31T23:59:59.999Z"),
    fc.integer({ min: 0, max: NOW + 600_000 }).map((ms) => new Date(ms).toISOString()),
    fc.integer({ min: -1000, max: NOW }),
    fc.constant(null),
  );
  const envelope = fc.record(
    { id: fc.oneof(text, fc.constant(null)), customerId: text, application: text, objectType: fc.oneof(text, fc.constant(null)), eventType: text, occurredAt: time, payload: fc.jsonValue({ maxDepth: 5 }) },
    { requiredKeys: ["customerId", "application", "eventType", "payload"] },
  );

  test("agrees with the full path on generated records (fast-check)", () => {
    fc.assert(
      fc.property(envelope, fc.constantFrom(undefined, 1, 2), (fields, space) => {
        const bytes = record(fields, space);
        assertSound(bytes);
        assertAgrees(bytes);
      }),
      { seed: SEED, numRuns: 3000, includeErrorInReport: true },
    );
  });

  // Bytes that matter to a JSON scanner, for mutations.
  const interesting = fc.constantFrom(...'{}[]":,\\u/ \n\t0123456789-+.eEtrufalsn'.split("").map((c) => c.charCodeAt(0)), 0x00, 0x1f, 0x7f, 0x80, 0xc3, 0xa9, 0xed, 0xff);
  const mutation = fc.tuple(fc.constantFrom("insert", "delete", "replace"), fc.nat(), interesting);

  test("agrees with the full path on mutated records (fast-check)", () => {
    const seeds = [record(base), record({ ...base, payload: { a: [{ b: "c" }, 1.5e10, null, true, { d: {} }], e: "ü" } }, 1)];
    fc.assert(
      fc.property(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: 3 }), (seed, mutations) => {
        const bytes = [...seed];
        for (const [kind, at, byte] of mutations) {
          const i = at % (bytes.length + 1);
          if (kind === "insert") bytes.splice(i, 0, byte);
          else if (kind === "delete") bytes.splice(i, 1);
          else bytes[Math.min(i, bytes.length - 1)] = byte;
        }
        const mutated = new Uint8Array(bytes);
        assertSound(mutated);
        assertAgrees(mutated);
      }),
      { seed: SEED, numRuns: 20000, includeErrorInReport: true },
    );
  });

  test("accepts only what JSON.parse accepts, on texts of JSON tokens (fast-check)", () => {
    const token = fc.constantFrom("{", "}", "[", "]", ":", ",", '"payload"', '"customerId"', '"a"', '"\\n"', '"\\x"', "1", "-0.5e3", "01", "true", "null", "nul", " ", '"');
    fc.assert(
      fc.property(fc.array(token, { maxLength: 24 }), (tokens) => assertSound(encode(tokens.join("")))),
      { seed: SEED, numRuns: 20000, includeErrorInReport: true },
    );
  });
});
