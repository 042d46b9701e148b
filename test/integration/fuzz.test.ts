// Property-based fuzzing of the real API over HTTP (issue "Prove it", part 3): whatever createAlert,
// testAlert and publishEvents are sent, as GraphQL variables or inline literals, the server answers
// with data or with a client error code — never INTERNAL_SERVER_ERROR, never HTTP 5xx, never a hang —
// and keeps serving (and counting) afterwards. FUZZ_SEED and FUZZ_RUNS override the fixed seed and run count.
import assert from "node:assert/strict";
import { after, before, describe, test, type TestContext } from "node:test";
import fc from "fast-check";
import { startTestApp, type TestApp } from "../support/app";
import { makeKey } from "../support/keys";
import { waitFor } from "../support/wait";

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_124);
const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
const REQUEST_TIMEOUT_MS = 10_000;
const FUZZ_TIME_LIMIT_MS = Number(process.env.FUZZ_TIME_LIMIT_MS ?? 60_000);
const CLIENT_ERROR_CODES = new Set([
  "BAD_USER_INPUT",
  "GRAPHQL_VALIDATION_FAILED",
  "GRAPHQL_PARSE_FAILED",
  "FORBIDDEN",
  "NOT_FOUND",
  "PAYLOAD_TOO_LARGE",
  "BAD_REQUEST",
  "QUERY_TOO_COMPLEX",
]);

let t: TestApp;
/** Keys the fuzz sends with: platform ADMIN mostly, customer keys for the FORBIDDEN paths. */
let keys: string[];
let sentinelAlertId: string;

before(async () => {
  t = await startTestApp();
  const editor = (await makeKey(t, "EDITOR", "acme")).secret;
  keys = [...Array<string>(6).fill(t.adminKey), editor, editor, (await makeKey(t, "VIEWER", "acme")).secret];
  sentinelAlertId = (
    await t.ok<{ createAlert: { id: string } }>(`mutation ($input: CreateAlertInput!) { createAlert(input: $input) { id } }`, {
      input: { name: "sentinel", customerId: "sentinel", application: "sentinel-app", threshold: { operator: "GREATER_THAN_OR_EQUAL", value: 1 } },
    })
  ).createAlert.id;
});
after(() => t?.stop());

// ---------------------------------------------------------------- encoding

/** A JSON number sent exactly as written (1e400, -0, 9007199254740993…): what JSON.stringify cannot produce. */
class RawNumber {
  constructor(readonly text: string) {}
  [fc.toStringMethod](): string {
    return `RawNumber(${this.text})`;
  }
}

/** An enum value: a bare name in an inline literal, a string in variables. */
class EnumValue {
  constructor(readonly name: string) {}
  [fc.toStringMethod](): string {
    return `Enum(${JSON.stringify(this.name)})`;
  }
}

/** JSON text of a generated value; RawNumber as written, lone surrogates escaped (JSON.stringify does). */
function toJson(value: unknown): string {
  if (value instanceof RawNumber) return value.text;
  if (value instanceof EnumValue) return JSON.stringify(value.name);
  if (Array.isArray(value)) return `[${value.map(toJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    return `{${Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${JSON.stringify(k)}:${toJson(v)}`)
      .join(",")}}`;
  }
  if (typeof value === "number" && !Number.isFinite(value)) return value > 0 ? "1e400" : "-1e400";
  return JSON.stringify(value) ?? "null";
}

const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * A GraphQL literal of a generated value. GraphQL strings cannot hold lone surrogates (variables can),
 * so they become U+FFFD here; object keys that are not GraphQL names are made into names.
 */
function toLiteral(value: unknown): string {
  if (value instanceof RawNumber) return value.text;
  if (value instanceof EnumValue) return value.name;
  if (Array.isArray(value)) return `[${value.map(toLiteral).join(", ")}]`;
  if (value !== null && typeof value === "object") {
    return `{${Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${GRAPHQL_NAME.test(k) ? k : `_${k.replace(/[^_0-9A-Za-z]/g, "_")}`}: ${toLiteral(v)}`)
      .join(", ")}}`;
  }
  if (typeof value === "number" && !Number.isFinite(value)) return value > 0 ? "1e400" : "-1e400";
  if (typeof value === "string") return JSON.stringify(value.replace(LONE_SURROGATE, "\ufffd"));
  return JSON.stringify(value) ?? "null";
}

// ---------------------------------------------------------------- arbitraries
// Each field is usually valid (often with odd characters in it) and now and then junk, so that a good
// share of the inputs passes validation and reaches storage, the compiler and the evaluator.

/** Mostly `good`, now and then `junk`. */
const mostly = <T, U>(good: fc.Arbitrary<T>, junk: fc.Arbitrary<U>, junkWeight = 1) =>
  fc.oneof({ weight: 24, arbitrary: good as fc.Arbitrary<T | U> }, { weight: junkWeight, arbitrary: junk as fc.Arbitrary<T | U> });

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const controlChar = fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c));
const oddChar = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: loneSurrogate },
  { weight: 1, arbitrary: controlChar },
  { weight: 2, arbitrary: fc.constantFrom("\u007f", "\u0085", "\u00a0", "\u2028", "\u200b", "\ufeff", "\uffff", "'", '"', "\\", "$", "@", "[", "]", ".", "*", "%", "_", "\u{1F4A5}") },
);
const longText = fc.tuple(fc.string({ minLength: 1, maxLength: 3, unit: oddChar }), fc.integer({ min: 70, max: 3000 })).map(([s, n]) => s.repeat(n));
/** Text a field accepts: non-blank, short, often with unicode, control characters or lone surrogates. */
const goodText = fc.oneof(
  { weight: 3, arbitrary: fc.string({ minLength: 1, maxLength: 16 }).filter((s) => s.trim() !== "") },
  { weight: 2, arbitrary: fc.string({ unit: oddChar, minLength: 1, maxLength: 16 }).map((s) => `x${s}`) },
  { weight: 1, arbitrary: fc.constantFrom("null", "__proto__", "constructor", "' OR 1=1 --", "%_%", "\\", "${x}", "e\u0301", "DROP TABLE alerts;") },
);
/** Text no field should accept: blank, or too long. */
const junkText = fc.oneof(fc.constantFrom("", " ", "\t\n"), longText);
const text = mostly(goodText, junkText, 2);

const memberName = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom("a", "b", "user", "email", "isAdmin", "n", "x", "tags") },
  { weight: 1, arbitrary: fc.constantFrom("__proto__", "constructor", "length", "toString", "hasOwnProperty") },
  { weight: 2, arbitrary: fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,6}$/) },
);
const quotedName = fc.oneof(memberName, fc.string({ unit: oddChar, maxLength: 8 })).map((n) => n.replace(/['\\]/g, ""));
const smallLiteral = fc.oneof(fc.integer({ min: -5, max: 5 }).map(String), memberName.map((n) => `'${n}'`), fc.constantFrom("true", "false", "null", '"x"', "1e3", "-0.5"));
const regexSource = fc.constantFrom("(a+)+$", "(a|aa)+$", "(.*a){25}", "^admin-\\d+$", "x", "\\p{L}+", ".*", "[a-", "(?=x)", "a{2,1}", "(?<n>a)\\k<n>", "\\1");
const fragment = fc.oneof(
  { weight: 8, arbitrary: memberName.map((n) => `.${n}`) },
  { weight: 2, arbitrary: quotedName.map((n) => `['${n}']`) },
  { weight: 2, arbitrary: fc.integer({ min: -3, max: 3 }).map((i) => `[${i}]`) },
  { weight: 3, arbitrary: fc.constantFrom("[*]", ".*", "..*", "[0,1]", "['a','b']", "[1:]", "[:-1]", "[::2]", "[::-1]") },
  { weight: 1, arbitrary: memberName.map((n) => `..${n}`) },
  {
    weight: 2,
    arbitrary: fc.oneof(
      memberName.map((n) => `[?(@.${n})]`),
      fc.tuple(memberName, fc.constantFrom("==", "!=", "<", "<=", ">", ">="), smallLiteral).map(([n, op, v]) => `[?(@.${n} ${op} ${v})]`),
      fc.tuple(memberName, memberName).map(([a, b]) => `[?(@.${a} && !@.${b} || $.${b})]`),
      fc.tuple(memberName, regexSource).map(([n, re]) => `[?(@.${n} =~ /${re}/i)]`),
      memberName.map((n) => `[?(@.${n}.length() > 2)]`),
    ),
  },
);
/** Paths that are valid or nearly so. */
const goodPath = fc.tuple(fc.array(fragment, { minLength: 1, maxLength: 5 }), fc.boolean()).map(([parts, withLength]) => `$${parts.join("")}${withLength && parts.length < 3 ? ".length()" : ""}`);
const junkPath = fc.oneof(
  text,
  fc.tuple(fc.constantFrom("", "@", " $", "$$", "a"), fc.array(fragment, { maxLength: 3 })).map(([root, parts]) => root + parts.join("")),
  fc.tuple(goodPath, fc.constantFrom("[", "]", "(", ")", "?", "@", "'", '"', "\\", "..", "[(@.length-1)]", "[?(", "..[", "[-0]", "[1e3]", "[00]", "[99999999999999999999]", "[?(@.a == )]", "[?(@.constructor.constructor('return process')())]", ".a()", "[0:0:0]", ".length().a")).map(([p, junk]) => p + junk),
);
/** JSONPaths: valid fragments and junk, mixed. */
const jsonPath = mostly(goodPath, junkPath);
/** Definite paths, which createAlert always accepts. */
const plainPath = fc
  .array(fc.oneof(memberName.map((n) => `.${n}`), quotedName.map((n) => `['${n}']`), fc.integer({ min: 0, max: 3 }).map((i) => `[${i}]`)), { minLength: 1, maxLength: 4 })
  .map((parts) => `$${parts.join("")}`);

const specialNumber = fc
  .constantFrom("1e400", "-1e400", "1e-400", "-0", "0.0", "1E+308", "1.7976931348623157e308", "5e-324", "9007199254740993", "-9007199254740993", "123456789012345678901234567890", "0.1e1")
  .map((s) => new RawNumber(s));
const finiteNumber = fc.oneof(
  fc.integer(),
  fc.integer({ min: -10, max: 10 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -1, 1, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, -(2 ** 53), Number.MAX_VALUE, Number.MIN_VALUE),
);
const anyNumber = mostly(finiteNumber, specialNumber, 3);
const jsonKey = fc.oneof({ weight: 4, arbitrary: memberName }, { weight: 1, arbitrary: fc.string({ unit: oddChar, maxLength: 8 }) });
const { json } = fc.letrec<{ json: unknown }>((tie) => ({
  json: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    anyNumber,
    goodText,
    memberName,
    fc.array(tie("json"), { maxLength: 4 }),
    fc.dictionary(jsonKey, tie("json"), { maxKeys: 4 }),
  ),
}));
/** Nested `levels` deep in objects or arrays. */
const deep = fc.tuple(json, fc.integer({ min: 1, max: 130 }), fc.boolean()).map(([leaf, levels, arrays]) => {
  let value: unknown = leaf;
  for (let i = 0; i < levels; i++) value = arrays ? [value] : { d: value };
  return value;
});
const bigString = fc.tuple(fc.string({ minLength: 1, maxLength: 2 }), fc.integer({ min: 1_000, max: 300_000 })).map(([s, n]) => s.repeat(n));
const payload = fc.oneof(
  { weight: 12, arbitrary: fc.dictionary(jsonKey, json, { maxKeys: 6 }) },
  { weight: 2, arbitrary: deep.map((d) => ({ d })) },
  { weight: 1, arbitrary: bigString.map((big) => ({ big })) },
  { weight: 1, arbitrary: json },
);

/** An enum value, now and then one that does not exist. */
const enumOf = (...names: string[]) => mostly(fc.constantFrom(...names), fc.oneof(goodText, fc.constantFrom("", "equals", "COUNT ", "__typename"))).map((name) => new EnumValue(name));
const orNull = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null, freq: 5 });

const condition = fc.oneof(
  { weight: 4, arbitrary: fc.record({ path: jsonPath, operator: enumOf("EQUALS", "NOT_EQUALS", "CONTAINS", "NOT_CONTAINS"), value: json }) },
  { weight: 3, arbitrary: fc.record({ path: jsonPath, operator: enumOf("GREATER_THAN", "GREATER_THAN_OR_EQUAL", "LESS_THAN", "LESS_THAN_OR_EQUAL"), value: fc.oneof(anyNumber, goodText) }) },
  { weight: 2, arbitrary: fc.record({ path: jsonPath, operator: enumOf("STARTS_WITH", "ENDS_WITH"), value: goodText }) },
  { weight: 2, arbitrary: fc.record({ path: jsonPath, operator: enumOf("MATCHES"), value: fc.oneof(regexSource, goodText) }) },
  { weight: 2, arbitrary: fc.record({ path: jsonPath, operator: enumOf("IN", "NOT_IN"), value: fc.array(json, { maxLength: 5 }) }) },
  { weight: 2, arbitrary: fc.record({ path: jsonPath, operator: enumOf("IS_EMPTY", "IS_NOT_EMPTY", "EXISTS", "NOT_EXISTS") }, { requiredKeys: ["path", "operator"] }) },
  // Any operator with any operand.
  { weight: 1, arbitrary: fc.record({ path: jsonPath, operator: enumOf("EQUALS", "MATCHES", "IN", "EXISTS", "GREATER_THAN"), value: orNull(json) }, { requiredKeys: ["path", "operator"] }) },
);
const windowInput = mostly(
  fc.oneof(fc.constant({ type: new EnumValue("ALL_TIME") }), fc.record({ type: enumOf("TUMBLING", "SLIDING"), seconds: fc.integer({ min: 1, max: 2_678_400 }) })),
  fc.record(
    {
      type: enumOf("ALL_TIME", "TUMBLING", "SLIDING"),
      seconds: orNull(fc.oneof(fc.integer(), fc.constantFrom(0, -1, 2_678_401, 2 ** 31 - 1, -(2 ** 31)), fc.constantFrom("1e10", "1.5", "-0").map((s) => new RawNumber(s)))),
    },
    { requiredKeys: ["type"] },
  ),
  3,
);
const aggregation = mostly(
  fc.oneof(fc.constant({ function: new EnumValue("COUNT") }), fc.record({ function: enumOf("COUNT_DISTINCT", "SUM", "MIN", "MAX", "AVG"), path: jsonPath })),
  fc.record({ function: enumOf("COUNT", "SUM"), path: orNull(jsonPath) }, { requiredKeys: ["function"] }),
  3,
);
const threshold = mostly(
  fc.record({ operator: mostly(enumOf("GREATER_THAN", "GREATER_THAN_OR_EQUAL", "EQUALS", "NOT_EQUALS"), enumOf("LESS_THAN", "LESS_THAN_OR_EQUAL"), 4), value: anyNumber }),
  fc.constant(null),
);
const customerId = mostly(fc.constantFrom("acme", "fuzz-1", "fuzz-2", "a".repeat(128), "a:b@c.d"), fc.oneof(text, fc.constantFrom("a".repeat(129), "-x", "x y", "")));

const alertInput = fc.record(
  {
    customerId: orNull(customerId),
    name: mostly(text, fc.constant(null)),
    description: orNull(mostly(goodText, longText)),
    severity: orNull(enumOf("INFO", "LOW", "MEDIUM", "HIGH", "CRITICAL")),
    enabled: orNull(fc.boolean()),
    application: orNull(mostly(fc.constantFrom("gsuite", "fuzz"), text, 12)),
    objectType: orNull(text),
    eventType: orNull(mostly(fc.constantFrom("login.failed", "fuzz.event"), text, 12)),
    conditions: orNull(mostly(fc.array(condition, { maxLength: 4 }), fc.array(condition, { minLength: 21, maxLength: 22 }))),
    jsonPath: orNull(jsonPath),
    aggregation: orNull(aggregation),
    groupBy: orNull(mostly(fc.array(jsonPath, { maxLength: 3 }), fc.array(jsonPath, { minLength: 6, maxLength: 7 }))),
    entityPath: orNull(jsonPath),
    window: orNull(windowInput),
    threshold,
    backfill: orNull(fc.boolean()),
    notify: orNull(fc.array(mostly(fc.uuid(), text, 2), { maxLength: 3 })),
    notifyOnClear: orNull(fc.boolean()),
    repeatIntervalSeconds: orNull(mostly(fc.integer({ min: 60, max: 604_800 }), fc.oneof(fc.integer(), specialNumber), 2)),
    groupWaitSeconds: orNull(mostly(fc.integer({ min: 0, max: 3_600 }), fc.oneof(fc.integer(), specialNumber), 2)),
  },
  { requiredKeys: ["name", "threshold"] },
);

const url = mostly(
  fc.oneof(
    fc.constantFrom("https://8.8.8.8/hook", "http://1.1.1.1:8080/in?token=x", "https://127.0.0.1/", "http://169.254.169.254/latest", "http://[::1]/", "https://no-such-host.invalid/x"),
    fc.tuple(fc.constantFrom("https://", "http://"), fc.constantFrom("8.8.4.4", "[2606:4700::1111]", "localhost", "10.0.0.1"), goodText).map(([scheme, host, path]) => `${scheme}${host}/${encodeURIComponent(path.replace(LONE_SURROGATE, "\ufffd"))}`),
  ),
  fc.oneof(text, fc.constantFrom("javascript:alert(1)", "file:///etc/passwd", "ftp://x/", "https://x/#f", "//x", "https://", "http://a b/")),
  3,
);
const address = mostly(fc.constantFrom("ops@acme.test", "a.b+c@x-y.example", "x@y.z"), fc.oneof(text, fc.constantFrom("a@b\r\nBcc: c@d", "@x", "a@", "a@-b.c")), 2);
const channelInput = fc.record(
  {
    customerId: orNull(customerId),
    name: mostly(text, fc.constant(null)),
    kind: enumOf("WEBHOOK", "SLACK", "EMAIL", "PAGERDUTY"),
    url: orNull(url),
    to: orNull(mostly(fc.array(address, { minLength: 1, maxLength: 3 }), fc.array(address, { minLength: 21, maxLength: 22 }))),
    routingKey: orNull(mostly(fc.stringMatching(/^[A-Za-z0-9]{32}$/), text, 2)),
    enabled: orNull(fc.boolean()),
  },
  { requiredKeys: ["name", "kind"] },
);
const CHANNEL_SELECTION = `secret channel { id scope customerId name kind enabled url to routingKeyHint version }`;

const dateTime = mostly(
  fc.integer({ min: -3_600_000, max: 240_000 }).map((ms) => new Date(Date.now() + ms).toISOString()),
  fc.oneof(
    fc.date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true }).map((d) => d.toISOString()),
    fc.integer({ min: 360_000, max: 10 ** 10 }).map((ms) => new Date(Date.now() + ms).toISOString()),
    fc.constantFrom("0000-01-01T00:00:00Z", "0000-12-31T23:59:59.999Z", "1970-01-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-01-01", "2026-01-01T25:00:00Z", "2026-01-01T00:00:00+14:00"),
    text,
  ),
  4,
);
const event = fc.record(
  {
    id: orNull(mostly(fc.stringMatching(/^[!-~]{1,24}$/), text, 3)),
    customerId,
    application: mostly(fc.constantFrom("gsuite", "fuzz"), text, 12),
    objectType: orNull(text),
    eventType: mostly(fc.constantFrom("login.failed", "fuzz.event"), text, 12),
    occurredAt: orNull(dateTime),
    payload,
  },
  { requiredKeys: ["customerId", "application", "eventType", "payload"] },
);
const events = mostly(
  fc.array(event, { maxLength: 6 }),
  fc.constantFrom(0, 1000, 1001).map((n) => Array.from({ length: n }, (_, i) => ({ customerId: "fuzz-1", application: "bulk", eventType: "bulk", payload: { i } }))),
);

// ---------------------------------------------------------------- the property

const ALERT_SELECTION = `id scope customerId name description severity enabled application objectType eventType
  conditions { path operator value } jsonPath aggregation { function path } groupBy entityPath window { type seconds }
  threshold { operator value } version`;
const TEST_SELECTION = `matched selectorsMatched conditions { path operator matched actual } jsonPathResult groupKey entity aggregateInput`;

interface Answer {
  status: number;
  text: string;
  body: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string } }[] };
}

async function post(body: string, key: string): Promise<Answer> {
  const response = await fetch(t.url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body,
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await response.text();
  let parsed: Answer["body"];
  try {
    parsed = JSON.parse(text) as Answer["body"];
  } catch {
    assert.fail(`HTTP ${response.status} with a body that is not JSON: ${text.slice(0, 300)}`);
  }
  return { status: response.status, text, body: parsed };
}

/** The property itself: a client error code or data, and no 5xx. */
function assertAnswered(answer: Answer): void {
  assert.ok(answer.status < 500, `HTTP ${answer.status}: ${answer.text.slice(0, 500)}`);
  const errors = answer.body.errors ?? [];
  for (const error of errors) {
    const code = error.extensions?.code;
    assert.ok(code !== undefined && CLIENT_ERROR_CODES.has(code), `error code ${String(code)} (HTTP ${answer.status}): ${error.message.slice(0, 300)}`);
  }
  if (errors.length === 0) assert.ok(answer.body.data, `neither data nor errors: ${answer.text.slice(0, 300)}`);
}

type Mode = "variables" | "inline";
const mode = fc.constantFrom<Mode>("variables", "variables", "inline");
const key = fc.nat();

/** Sends one operation with its arguments as variables or as inline literals. */
function operation(opType: "query" | "mutation", field: string, args: Record<string, [type: string, value: unknown]>, selection: string, how: Mode): string {
  const names = Object.keys(args);
  if (how === "inline") {
    const inline = names.map((n) => `${n}: ${toLiteral(args[n][1])}`).join(", ");
    return JSON.stringify({ query: `${opType} { ${field}(${inline}) { ${selection} } }` });
  }
  const declared = names.map((n) => `$${n}: ${args[n][0]}`).join(", ");
  const passed = names.map((n) => `${n}: $${n}`).join(", ");
  const query = `${opType} (${declared}) { ${field}(${passed}) { ${selection} } }`;
  return `{"query":${JSON.stringify(query)},"variables":{${names.map((n) => `${JSON.stringify(n)}:${toJson(args[n][1])}`).join(",")}}}`;
}

interface Tally {
  cases: number;
  ok: number;
  codes: Map<string, number>;
}

async function fuzz<T>(ctx: TestContext, what: string, arbitrary: fc.Arbitrary<T>, send: (value: T) => Promise<Answer>, numRuns = RUNS): Promise<void> {
  const tally: Tally = { cases: 0, ok: 0, codes: new Map() };
  const started = Date.now();
  ctx.diagnostic(`${what}: seed ${SEED}, ${numRuns} runs (FUZZ_SEED / FUZZ_RUNS to change)`);
  try {
    await fc.assert(
      fc.asyncProperty(arbitrary, async (value) => {
        tally.cases++;
        const answer = await send(value);
        const code = answer.body.errors?.[0]?.extensions?.code;
        if (code === undefined) tally.ok++;
        else tally.codes.set(code, (tally.codes.get(code) ?? 0) + 1);
        assertAnswered(answer);
      }),
      // A hang fails the run (each request has its own timeout); this bounds the shrinking of one too.
      { seed: SEED, numRuns, plugins: [fc.interruptAfterTimeLimit(FUZZ_TIME_LIMIT_MS, { failOnInterrupt: true })] },
    );
  } finally {
    const codes = [...tally.codes].map(([c, n]) => `${c} ${n}`).join(", ");
    ctx.diagnostic(`${what}: ${tally.cases} cases in ${Date.now() - started} ms (shrinking included); data ${tally.ok}; errors: ${codes || "none"}`);
  }
  assert.ok(tally.cases >= numRuns, `only ${tally.cases} of ${numRuns} cases ran`);
}

// ---------------------------------------------------------------- tests

describe("fuzzing the API over HTTP", () => {
  test("createAlert answers every input with data or a client error code", async (ctx) => {
    await fuzz(ctx, "createAlert", fc.tuple(alertInput, mode, key), ([input, how, k]) =>
      post(operation("mutation", "createAlert", { input: ["CreateAlertInput!", input] }, ALERT_SELECTION, how), keys[k % keys.length]),
    );
  });

  test("testAlert answers every definition and event with data or a client error code", async (ctx) => {
    await fuzz(ctx, "testAlert", fc.tuple(alertInput, event, mode, key), ([alert, sample, how, k]) =>
      post(operation("query", "testAlert", { alert: ["CreateAlertInput!", alert], event: ["EventInput!", sample] }, TEST_SELECTION, how), keys[k % keys.length]),
    );
  });

  test("createNotificationChannel and updateNotificationChannel answer every input with data or a client error code", async (ctx) => {
    const channelId = (await t.ok<{ createNotificationChannel: { channel: { id: string } } }>(
      `mutation { createNotificationChannel(input: {name: "fuzzed", kind: EMAIL, to: ["a@b.test"]}) { channel { id } } }`,
    )).createNotificationChannel.channel.id;
    await fuzz(ctx, "createNotificationChannel", fc.tuple(channelInput, mode, key), ([input, how, k]) =>
      post(operation("mutation", "createNotificationChannel", { input: ["CreateNotificationChannelInput!", input] }, CHANNEL_SELECTION, how), keys[k % keys.length]),
    RUNS / 2);
    await fuzz(ctx, "updateNotificationChannel", fc.tuple(channelInput, mode, key), ([{ kind: _k, customerId: _c, ...input }, how, k]) =>
      post(operation("mutation", "updateNotificationChannel", { id: ["ID!", channelId], input: ["UpdateNotificationChannelInput!", input] }, "id name kind to version", how), keys[k % keys.length]),
    RUNS / 2);
  });

  test("publishEvents answers every list of events with data or a client error code", async (ctx) => {
    await fuzz(ctx, "publishEvents", fc.tuple(events, mode, key), ([list, how, k]) =>
      post(operation("mutation", "publishEvents", { events: ["[EventInput!]!", list] }, "accepted eventIds", how), keys[k % keys.length]),
    );
  });

  test("what createAlert accepts is stored and read back unchanged", async (ctx) => {
    // Inputs that mostly pass validation, with arbitrary (unicode, control, surrogate) text and JSON operands.
    const storable = fc.record({
      name: text,
      description: text,
      application: text,
      conditions: fc.array(fc.record({ path: plainPath, operator: fc.constantFrom("EQUALS", "NOT_EQUALS", "CONTAINS", "IN", "NOT_IN"), value: json }), { maxLength: 3 }),
      groupBy: fc.array(plainPath, { maxLength: 2 }),
      threshold: fc.record({ operator: fc.constantFrom("GREATER_THAN", "EQUALS"), value: anyNumber }),
      backfill: fc.constant(false),
    });
    let stored = 0;
    await fuzz(
      ctx,
      "createAlert round trip",
      storable,
      async (input) => {
        const answer = await post(operation("mutation", "createAlert", { input: ["CreateAlertInput!", input] }, ALERT_SELECTION, "variables"), t.adminKey);
        const created = answer.body.data?.createAlert as Record<string, unknown> | undefined;
        if (created) {
          stored++;
          // What the server received, as JSON: numbers as JSON.parse reads them, -0 as 0.
          const sent = JSON.parse(JSON.stringify(JSON.parse(toJson(input)))) as Record<string, unknown> & { name: string; conditions: { value: unknown }[] };
          const readBack = JSON.parse(JSON.stringify(created)) as Record<string, unknown>;
          assert.deepEqual(
            { name: readBack.name, description: readBack.description, application: readBack.application, conditions: readBack.conditions, groupBy: readBack.groupBy, threshold: readBack.threshold },
            {
              name: sent.name.trim(),
              description: sent.description,
              application: sent.application,
              conditions: sent.conditions.map((c) => ({ ...c, value: c.value ?? null })),
              groupBy: sent.groupBy,
              threshold: sent.threshold,
            },
            "the alert as stored differs from the input",
          );
        }
        return answer;
      },
      Math.ceil(RUNS / 2),
    );
    ctx.diagnostic(`createAlert round trip: ${stored} alerts stored and compared`);
    assert.ok(stored > 0, "no generated input was accepted: the round trip compared nothing");
  });

  test("after the fuzz, /healthz answers and the engine still counts events", async () => {
    const health = await fetch(new URL("/healthz", t.url), { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    assert.equal(health.status, 200);
    const viewer = await t.ok<{ viewer: { role: string } }>(`{ viewer { role } }`);
    assert.equal(viewer.viewer.role, "ADMIN");
    await t.ok(`mutation ($e: [EventInput!]!) { publishEvents(events: $e) { accepted } }`, {
      e: [{ customerId: "sentinel", application: "sentinel-app", eventType: "ping", payload: {} }],
    });
    await waitFor(async () => {
      const data = await t.ok<{ alertStatuses: { nodes: { count: number }[] } }>(`query ($id: ID) { alertStatuses(alertId: $id) { nodes { count } } }`, { id: sentinelAlertId });
      return data.alertStatuses.nodes[0]?.count === 1;
    }, "the sentinel alert to count the event published after the fuzz", 30_000);
  });
});
