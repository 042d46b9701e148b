import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  decodeEventRecord, EVENT_LIMITS, EVENT_RECORD_MAX_BYTES, normalizeEvent,
  type EngineEvent, type EventFields, type EventProblem,
} from "../../src/engine/event";
import { jsonDepth } from "../../src/engine/json";
import { plainEvent } from "../support/plain-event";

const NOW = Date.parse("2024-05-01T12:00:00.000Z");
const valid: EventFields = {
  id: "evt-1",
  customerId: "acme",
  application: "github",
  objectType: "user",
  eventType: "admin_granted",
  occurredAt: "2024-05-01T11:59:00Z",
  payload: { user: { email: "a@x.com" } },
};

let generated = 0;
const generateId = () => `gen-${++generated}`;

function ok(input: EventFields, now = NOW): EngineEvent {
  const result = normalizeEvent(input, now, generateId);
  if (!("event" in result)) assert.fail(`expected an event, got ${JSON.stringify(result.problems)}`);
  return result.event;
}

function problems(input: EventFields, now = NOW): EventProblem[] {
  const result = normalizeEvent(input, now, generateId);
  if (!("problems" in result)) assert.fail(`expected problems, got ${JSON.stringify(result.event)}`);
  return result.problems;
}

/** A payload whose JSON encoding is exactly `bytes` UTF-8 bytes. */
function payloadOfBytes(bytes: number, filler = "x"): Record<string, unknown> {
  const overhead = JSON.stringify({ a: "" }).length;
  const unit = new TextEncoder().encode(filler).length;
  const rest = bytes - overhead;
  const text = filler.repeat(Math.floor(rest / unit)) + "y".repeat(rest % unit);
  const payload = { a: text };
  assert.equal(new TextEncoder().encode(JSON.stringify(payload)).length, bytes);
  return payload;
}

/** An object nested `depth` levels deep ({} is 1). */
function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  for (let i = 1; i < depth; i++) value = { a: value };
  return value;
}

const encode = (text: string) => new TextEncoder().encode(text);

describe("normalizeEvent", () => {
  test("a full valid event is kept as given", () => {
    const event = ok(valid);
    assert.deepEqual(event, {
      id: "evt-1",
      customerId: "acme",
      application: "github",
      objectType: "user",
      eventType: "admin_granted",
      occurredAtMs: NOW - 60_000,
      payload: { user: { email: "a@x.com" } },
    });
    assert.equal(event.payload, valid.payload, "the payload is not copied");
  });

  test("defaults: generated id, null objectType, occurredAt = now", () => {
    let calls = 0;
    const result = normalizeEvent(
      { customerId: "acme", application: "a", eventType: "e", payload: {} },
      NOW,
      () => `id-${++calls}`,
    );
    assert.ok("event" in result);
    assert.equal(result.event.id, "id-1");
    assert.equal(result.event.objectType, null);
    assert.equal(result.event.occurredAtMs, NOW);
    assert.equal(calls, 1);
    const nulls = ok({ ...valid, id: null, objectType: null, occurredAt: null });
    assert.match(nulls.id, /^gen-/);
    assert.equal(nulls.objectType, null);
    assert.equal(nulls.occurredAtMs, NOW);
  });

  test("generateId is not called for an invalid event", () => {
    let calls = 0;
    const result = normalizeEvent({ ...valid, id: undefined, customerId: "" }, NOW, () => `id-${++calls}`);
    assert.ok("problems" in result);
    assert.equal(calls, 0);
  });

  test("every problem is reported, each with its field", () => {
    const found = problems({ id: 5, customerId: "-bad", application: "", eventType: 3, objectType: "", occurredAt: "yesterday", payload: [] });
    assert.deepEqual(found.map((p) => p.field).sort(), ["application", "customerId", "eventType", "id", "objectType", "occurredAt", "payload"]);
    for (const p of found) assert.ok(p.message.length > 10, `${p.field} says how to fix it`);
  });

  const fieldCases: ReadonlyArray<readonly [name: string, patch: EventFields, field: string | null]> = [
    ["customerId missing", { customerId: undefined }, "customerId"],
    ["customerId empty", { customerId: "" }, "customerId"],
    ["customerId 128 chars", { customerId: "c".repeat(128) }, null],
    ["customerId 129 chars", { customerId: "c".repeat(129) }, "customerId"],
    ["customerId with allowed punctuation", { customerId: "a1._:@-Z" }, null],
    ["customerId starting with a dot", { customerId: ".acme" }, "customerId"],
    ["customerId with a space", { customerId: "ac me" }, "customerId"],
    ["customerId with a slash", { customerId: "ac/me" }, "customerId"],
    ["customerId not a string", { customerId: 42 }, "customerId"],
    ["customerId with a trailing newline", { customerId: "acme\n" }, "customerId"],
    ["application missing", { application: undefined }, "application"],
    ["application empty", { application: "" }, "application"],
    ["application blank", { application: "   " }, "application"],
    ["application 200 chars", { application: "a".repeat(200) }, null],
    ["application 201 chars", { application: "a".repeat(201) }, "application"],
    ["application not a string", { application: ["github"] }, "application"],
    ["application with U+0000", { application: "git\u0000hub" }, "application"],
    ["eventType missing", { eventType: undefined }, "eventType"],
    ["eventType null", { eventType: null }, "eventType"],
    ["eventType 200 chars", { eventType: "e".repeat(200) }, null],
    ["eventType 201 chars", { eventType: "e".repeat(201) }, "eventType"],
    ["objectType empty", { objectType: "" }, "objectType"],
    ["objectType 201 chars", { objectType: "o".repeat(201) }, "objectType"],
    ["objectType not a string", { objectType: 1 }, "objectType"],
    ["id empty", { id: "" }, "id"],
    ["id 200 chars", { id: "i".repeat(200) }, null],
    ["id 201 chars", { id: "i".repeat(201) }, "id"],
    ["id a number", { id: 17 }, "id"],
    ["id with a control character", { id: "evt\t1" }, "id"],
    ["id with DEL", { id: "evt\u007f" }, "id"],
    ["id with an unpaired surrogate", { id: "evt\ud800" }, "id"],
    ["id with spaces and unicode", { id: "évt 1 😀" }, null],
  ];
  for (const [name, patch, field] of fieldCases) {
    test(`${name}: ${field === null ? "accepted" : `refused on ${field}`}`, () => {
      const result = normalizeEvent({ ...valid, ...patch }, NOW, generateId);
      if (field === null) assert.ok("event" in result, JSON.stringify(result));
      else assert.deepEqual("problems" in result ? result.problems.map((p) => p.field) : [], [field]);
    });
  }
});

describe("normalizeEvent: occurredAt", () => {
  const cases: ReadonlyArray<readonly [name: string, occurredAt: unknown, expected: number | "refused"]> = [
    ["ISO with Z", "2024-05-01T11:00:00Z", NOW - 3_600_000],
    ["ISO with milliseconds", "2024-05-01T11:00:00.250Z", NOW - 3_600_000 + 250],
    ["ISO with microseconds (truncated)", "2024-05-01T11:00:00.250999Z", NOW - 3_600_000 + 250],
    ["ISO with an offset", "2024-05-01T13:00:00+02:00", NOW - 3_600_000],
    ["ISO with a negative offset", "2024-05-01T06:00:00-05:00", NOW - 3_600_000],
    ["lower-case t and z", "2024-05-01t11:00:00z", NOW - 3_600_000],
    ["29 February in a leap year", "2024-02-29T00:00:00Z", Date.UTC(2024, 1, 29)],
    ["a Date", new Date(NOW - 1000), NOW - 1000],
    ["epoch milliseconds", NOW - 5, NOW - 5],
    ["epoch 0", 0, 0],
    ["exactly 5 minutes ahead", NOW + EVENT_LIMITS.futureToleranceMs, NOW + 300_000],
    ["exactly 5 minutes ahead as ISO", "2024-05-01T12:05:00Z", NOW + 300_000],
    ["5 minutes and 1 ms ahead", NOW + EVENT_LIMITS.futureToleranceMs + 1, "refused"],
    ["5 minutes and 1 ms ahead as ISO", "2024-05-01T12:05:00.001Z", "refused"],
    ["5 minutes and 1 ms ahead as a Date", new Date(NOW + 300_001), "refused"],
    ["a day ahead", "2024-05-02T12:00:00Z", "refused"],
    ["without offset (would be local time)", "2024-05-01T11:00:00", "refused"],
    ["a date only", "2024-05-01", "refused"],
    ["30 February", "2024-02-30T00:00:00Z", "refused"],
    ["29 February in a common year", "2023-02-29T00:00:00Z", "refused"],
    ["31 April", "2024-04-31T00:00:00Z", "refused"],
    ["month 13", "2024-13-01T00:00:00Z", "refused"],
    ["hour 24", "2024-05-01T24:00:00Z", "refused"],
    ["second 60", "2024-05-01T11:59:60Z", "refused"],
    ["offset hour 24", "2024-05-01T11:00:00+24:00", "refused"],
    ["free text", "yesterday", "refused"],
    ["empty string", "", "refused"],
    ["an invalid Date", new Date(NaN), "refused"],
    ["NaN", NaN, "refused"],
    ["Infinity", Infinity, "refused"],
    ["fractional milliseconds", NOW + 0.5, "refused"],
    ["beyond the Date range", -8.64e15 - 1, "refused"],
    ["a boolean", true, "refused"],
    ["an object", { ms: 1 }, "refused"],
    ["a long fraction past the length cap", `2024-05-01T11:00:00.${"1".repeat(100)}Z`, "refused"],
  ];
  for (const [name, occurredAt, expected] of cases) {
    test(`${name} -> ${expected}`, () => {
      const result = normalizeEvent({ ...valid, occurredAt }, NOW, generateId);
      if (expected === "refused") {
        assert.ok("problems" in result, `expected refusal, got ${JSON.stringify(result)}`);
        assert.deepEqual(result.problems.map((p) => p.field), ["occurredAt"]);
      } else {
        assert.ok("event" in result, JSON.stringify(result));
        assert.equal(result.event.occurredAtMs, expected);
      }
    });
  }

  test("the future refusal says so and how to fix it", () => {
    const [problem] = problems({ ...valid, occurredAt: NOW + 300_001 });
    assert.match(problem.message, /^refused: .*more than 5 minutes ahead/);
  });

  test("events far in the past are accepted (lateness is the engine's call)", () => {
    assert.equal(ok({ ...valid, occurredAt: "1999-12-31T23:59:59Z" }).occurredAtMs, Date.UTC(1999, 11, 31, 23, 59, 59));
  });
});

describe("normalizeEvent: payload", () => {
  const shapeCases: ReadonlyArray<readonly [name: string, payload: unknown, accepted: boolean]> = [
    ["an empty object", {}, true],
    ["a null-prototype object", Object.assign(Object.create(null) as object, { a: 1 }), true],
    ["missing", undefined, false],
    ["null", null, false],
    ["an array", [{ a: 1 }], false],
    ["a string", "{}", false],
    ["a number", 1, false],
    ["a Date", new Date(0), false],
    ["an object holding a Date", { at: new Date(0) }, false],
    ["an object holding a Map", { m: new Map() }, false],
    ["an object holding undefined", { u: undefined }, false],
    ["an object holding a function", { f: () => 1 }, false],
    ["an object holding a bigint", { b: 1n }, false],
    ["an object holding NaN", { n: NaN }, false],
    ["an object holding Infinity deep inside", { a: [1, { b: -Infinity }] }, false],
    ["an object holding the largest double", { n: Number.MAX_VALUE }, true],
    ["an object holding a huge integer (precision lost, still a number)", { n: 2 ** 64 }, true],
    ["a string holding U+0000", { s: "a\u0000b" }, false],
    ["a key holding U+0000", { ["a\u0000"]: 1 }, false],
    ["a string holding an unpaired surrogate", { s: "\udc00x" }, false],
    ["a string holding a surrogate pair", { s: "😀" }, true],
    ["a cycle", (() => { const o: Record<string, unknown> = {}; o.self = o; return o; })(), false],
  ];
  for (const [name, payload, accepted] of shapeCases) {
    test(`${name}: ${accepted ? "accepted" : "refused"}`, () => {
      const result = normalizeEvent({ ...valid, payload }, NOW, generateId);
      if (accepted) assert.ok("event" in result, JSON.stringify("problems" in result && result.problems));
      else assert.deepEqual("problems" in result ? result.problems.map((p) => p.field) : [], ["payload"]);
    });
  }

  test("a problem deep in the payload names where it is", () => {
    const [problem] = problems({ ...valid, payload: { users: [{ name: "a" }, { "odd key": NaN }] } });
    assert.match(problem.message, /\$\.users\[1\]\["odd key"\]/);
  });

  test("size: exactly 256 KiB of JSON is accepted, one byte more is refused", () => {
    assert.equal(EVENT_LIMITS.payloadMaxBytes, 256 * 1024);
    ok({ ...valid, payload: payloadOfBytes(EVENT_LIMITS.payloadMaxBytes) });
    const [problem] = problems({ ...valid, payload: payloadOfBytes(EVENT_LIMITS.payloadMaxBytes + 1) });
    assert.equal(problem.field, "payload");
    assert.match(problem.message, /262144 bytes/);
  });

  test("size counts UTF-8 bytes, not characters", () => {
    for (const filler of ["é", "€", "😀"]) {
      ok({ ...valid, payload: payloadOfBytes(EVENT_LIMITS.payloadMaxBytes, filler) });
      problems({ ...valid, payload: payloadOfBytes(EVENT_LIMITS.payloadMaxBytes + 1, filler) });
    }
  });

  test("size counts JSON escapes as sent", () => {
    const quote = JSON.stringify({ a: "" }).length;
    // each '"' encodes as 2 bytes
    const text = '"'.repeat((EVENT_LIMITS.payloadMaxBytes - quote) / 2);
    ok({ ...valid, payload: { a: text } });
    problems({ ...valid, payload: { a: text + "x" } });
  });

  test("depth: 64 levels are accepted, 65 refused", () => {
    assert.equal(jsonDepth(nested(64)), 64);
    ok({ ...valid, payload: nested(64) });
    const [problem] = problems({ ...valid, payload: nested(65) });
    assert.match(problem.message, /more than 64 levels/);
    let arrays: unknown = [];
    for (let i = 2; i < 64; i++) arrays = [arrays];
    assert.equal(jsonDepth({ a: arrays }), 64);
    ok({ ...valid, payload: { a: arrays } });
    problems({ ...valid, payload: { a: [arrays] } });
  });

  test("a hostile depth is refused without overflowing the stack", () => {
    let deep: unknown = {};
    for (let i = 0; i < 1_000_000; i++) deep = { a: deep };
    const [problem] = problems({ ...valid, payload: deep });
    assert.equal(problem.field, "payload");
  });
});

describe("decodeEventRecord", () => {
  const record = (fields: object) => encode(JSON.stringify(fields));

  test("decodes a valid record, with a Unicode payload", () => {
    const result = decodeEventRecord(record({ ...valid, payload: { name: "Zoë 😀" } }), NOW, generateId);
    assert.ok("event" in result, JSON.stringify(result));
    assert.equal(result.event.customerId, "acme");
    assert.deepEqual(result.event.payload, { name: "Zoë 😀" });
    assert.equal(result.event.occurredAtMs, NOW - 60_000);
  });

  test("a leading byte-order mark is ignored", () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...record(valid)]);
    assert.ok("event" in decodeEventRecord(bytes, NOW, generateId));
  });

  test("extra top-level fields are ignored; inherited names are not read", () => {
    const result = decodeEventRecord(encode(JSON.stringify({ ...valid, extra: 1 })), NOW, generateId);
    assert.ok("event" in result);
    const proto = decodeEventRecord(encode(`{"__proto__":{"customerId":"acme"},"application":"a","eventType":"e","payload":{}}`), NOW, generateId);
    assert.ok("reason" in proto);
    assert.match(proto.reason, /^customerId: /);
  });

  const reasonCases: ReadonlyArray<readonly [name: string, bytes: Uint8Array, reason: RegExp]> = [
    ["invalid UTF-8 (0xff)", new Uint8Array([0x7b, 0xff, 0x7d]), /not valid UTF-8/],
    ["an overlong encoding", new Uint8Array([0x7b, 0xc0, 0xaf, 0x7d]), /not valid UTF-8/],
    ["a surrogate encoded in UTF-8", new Uint8Array([0x22, 0xed, 0xa0, 0x80, 0x22]), /not valid UTF-8/],
    ["a truncated sequence", new Uint8Array([0x22, 0xe2, 0x82]), /not valid UTF-8/],
    ["Latin-1 text", new Uint8Array([...encode('{"customerId":"caf'), 0xe9, ...encode('"}')]), /not valid UTF-8/],
    ["empty", new Uint8Array(0), /not JSON/],
    ["not JSON", encode("customerId=acme"), /not JSON/],
    ["truncated JSON", encode('{"customerId":"acme"'), /not JSON/],
    ["a JSON array", encode(JSON.stringify([valid])), /a JSON array, not an event object/],
    ["JSON null", encode("null"), /null, not an event object/],
    ["a JSON string", encode('"event"'), /a string, not an event object/],
    ["a JSON number", encode("12"), /a number, not an event object/],
    ["missing customerId", record({ ...valid, customerId: undefined }), /^customerId: /],
    ["payload an array", record({ ...valid, payload: [1, 2] }), /^payload: must be a JSON object/],
    ["payload missing", record({ ...valid, payload: undefined }), /^payload: /],
    ["a huge number in the payload", encode(`{"customerId":"acme","application":"a","eventType":"e","payload":{"n":1e400}}`), /^payload: \$\.n is a number outside the range/],
    ["occurredAt too far ahead", record({ ...valid, occurredAt: new Date(NOW + 300_001).toISOString() }), /^occurredAt: refused/],
    ["several problems", record({ payload: {} }), /^customerId: .*; application: .*; eventType: /],
    ["a payload too deep", encode(`{"customerId":"acme","application":"a","eventType":"e","payload":${"{\"a\":".repeat(65)}1${"}".repeat(65)}}`), /^payload: .*64 levels/],
    ["a record nested far beyond the limit", encode(`{"customerId":"acme","application":"a","eventType":"e","payload":${"[".repeat(100_000)}${"]".repeat(100_000)}}`), /^payload: must be a JSON object/],
    ["a record over the size limit", encode(JSON.stringify({ ...valid, payload: { a: "x".repeat(EVENT_RECORD_MAX_BYTES) } })), /over the limit of 307200/],
  ];
  for (const [name, bytes, reason] of reasonCases) {
    test(`${name} -> ${reason.source}`, () => {
      const result = decodeEventRecord(bytes, NOW, generateId);
      assert.ok("reason" in result, `expected a reason, got ${JSON.stringify(result)}`);
      assert.match(result.reason, reason);
    });
  }

  test("huge but finite numbers decode (as doubles)", () => {
    const result = decodeEventRecord(
      encode(`{"customerId":"acme","application":"a","eventType":"e","payload":{"big":123456789012345678901234567890,"max":1.7976931348623157e308}}`),
      NOW,
      generateId,
    );
    assert.ok("event" in result);
    assert.equal(result.event.payload.big, 1.2345678901234568e29);
    assert.equal(result.event.payload.max, Number.MAX_VALUE);
  });

  test("a payload of exactly 256 KiB decodes; the record limit leaves room for the envelope", () => {
    const bytes = record({ ...valid, payload: payloadOfBytes(EVENT_LIMITS.payloadMaxBytes) });
    assert.ok(bytes.byteLength <= EVENT_RECORD_MAX_BYTES);
    assert.ok("event" in decodeEventRecord(bytes, NOW, generateId));
    const over = decodeEventRecord(record({ ...valid, payload: payloadOfBytes(EVENT_LIMITS.payloadMaxBytes + 1) }), NOW, generateId);
    assert.ok("reason" in over);
    assert.match(over.reason, /^payload: is over 262144 bytes/);
  });

  test("the id is generated only when the record has none", () => {
    let calls = 0;
    const gen = () => `g${++calls}`;
    const withId = decodeEventRecord(record(valid), NOW, gen);
    assert.ok("event" in withId);
    assert.equal(withId.event.id, "evt-1");
    const withoutId = decodeEventRecord(record({ ...valid, id: undefined }), NOW, gen);
    assert.ok("event" in withoutId);
    assert.equal(withoutId.event.id, "g1");
    assert.equal(calls, 1);
  });

  test("round trip: an event encoded as the log stores it decodes to itself", () => {
    const event = ok(valid);
    const stored = { ...event, occurredAt: new Date(event.occurredAtMs).toISOString(), occurredAtMs: undefined };
    const result = decodeEventRecord(record(stored), NOW, generateId);
    assert.ok("event" in result);
    assert.deepEqual(plainEvent(result.event), event);
  });

  test("never throws, whatever the bytes", () => {
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    const base = record(valid);
    for (let i = 0; i < 2000; i++) {
      const bytes = base.slice(0, next() % (base.length + 1));
      for (let j = next() % 4; j > 0; j--) if (bytes.length > 0) bytes[next() % bytes.length] = next() % 256;
      const result = decodeEventRecord(bytes, NOW, generateId);
      // the payload of a decoded event is read too: a scanned record parses it only then
      assert.ok("event" in result ? typeof result.event.payload === "object" : typeof result.reason === "string");
    }
  });
});
