// An alert that reads only some top-level members of a payload gets just those parsed (payloadFor);
// every verdict must equal the one on the whole payload.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { compileAlert, type CompiledAlert } from "../../src/engine/compile-alert";
import { decodeEventRecord, payloadFor, type EngineEvent } from "../../src/engine/event";
import { pathRootKeys } from "../../src/engine/jsonpath";
import { generateAlerts, generateEvents } from "../../bench/workload";
import { baseDefinition } from "../support/definitions";

const NOW = Date.parse("2024-05-01T12:00:00.000Z");
const generateId = () => "generated";

const verdicts = (alert: CompiledAlert, payload: Record<string, unknown>) => ({
  qualifies: alert.qualifies(payload),
  groupKey: alert.groupKey(payload),
  entity: alert.entity(payload),
  values: alert.aggregateValues(payload),
});

function decode(bytes: Uint8Array): EngineEvent {
  const result = decodeEventRecord(bytes, NOW, generateId);
  if (!("event" in result)) assert.fail(result.reason);
  return result.event;
}

describe("pathRootKeys", () => {
  const cases: [string, string[] | null][] = [
    ["$.user.email", ["user"]],
    ["$['a','b'][*].c", ["a", "b"]],
    ["$.members[?(@.role == 'owner')].email", ["members"]],
    ["$.members[?(@.email == $.user.email)].id", ["members", "user"]],
    ["$.members[?(@.id in $.allowed)]", ["members", "allowed"]],
    ["$.a[?(!(@.b =~ /x/) && ($.c.d > 1 || $.e))]", ["a", "c", "e"]],
    ["$.a[?($..x)]", null],
    ["$.a[?($.*)]", null],
    ["$.user.roles.length()", ["user"]],
    ["$", null],
    ["$.length()", null],
    ["$.*", null],
    ["$..email", null],
    ["$[0]", null],
    ["$[*].x", null],
    ["$[?(@.x)]", null],
    ["$['__proto__'].x", ["__proto__"]],
  ];
  for (const [path, keys] of cases) {
    test(`${path} reads ${keys === null ? "anything" : keys.join(", ")}`, () => assert.deepEqual(pathRootKeys(path), keys));
  }
});

describe("payloadFor", () => {
  const payload = { user: { email: "a@x.com", roles: ["admin"] }, risk: { score: 7 }, note: "n", members: [{ role: "owner", email: "a@x.com" }] };
  const record = (p: unknown) => Buffer.from(JSON.stringify({ customerId: "acme", application: "github", eventType: "login", payload: p }));

  test("parses only the alert's members, and the whole payload once a second alert asks for others", () => {
    const event = decode(record(payload));
    const keys = Object.freeze(["user", "missing"]);
    const first = payloadFor(event, keys);
    assert.deepEqual(first, { user: payload.user });
    assert.equal(payloadFor(event, keys), first);
    const second = payloadFor(event, Object.freeze(["risk"]));
    assert.deepEqual(second, payload);
    assert.deepEqual(event.payload, payload);
    assert.equal(payloadFor(event, null), event.payload);
  });

  test("the last of duplicate members wins, as in JSON.parse", () => {
    const text = JSON.stringify({ customerId: "acme", application: "github", eventType: "login", payload: { risk: { score: 1 } } }).replace(/}}}$/, `},"risk":{"score":2}}}`);
    const event = decode(Buffer.from(text));
    assert.deepEqual(payloadFor(event, Object.freeze(["risk"])), { risk: { score: 2 } });
  });

  test("an escaped member name falls back to the whole payload", () => {
    const text = JSON.stringify({ customerId: "acme", application: "github", eventType: "login", payload: { 'r"isk': 1, risk: { score: 3 } } });
    const event = decode(Buffer.from(text));
    assert.deepEqual(payloadFor(event, Object.freeze(["risk"])), { 'r"isk': 1, risk: { score: 3 } });
  });

  test("a member named __proto__ is an own member, as JSON.parse makes it", () => {
    const event = decode(Buffer.from('{"customerId":"acme","application":"a","eventType":"e","payload":{"__proto__":{"x":1},"y":2}}'));
    const partial = payloadFor(event, Object.freeze(["__proto__"]));
    assert.ok(Object.hasOwn(partial, "__proto__"));
    assert.equal(Object.getPrototypeOf(partial), Object.prototype);
  });

  test("every bench alert gives the same verdicts on its members as on the whole payload", () => {
    const alerts = generateAlerts(1000, 1).map(compileAlert);
    const partialAlerts = alerts.filter((a) => a.payloadKeys !== null);
    assert.ok(partialAlerts.length > alerts.length / 2, `${partialAlerts.length} of ${alerts.length} alerts read known members`);
    const { records } = generateEvents(300);
    for (const bytes of records) {
      // one event serves every alert in turn, as in the engine, so its members accumulate
      const event = decode(bytes);
      const whole = decode(bytes).payload;
      for (const alert of alerts) {
        const partial = payloadFor(event, alert.payloadKeys);
        assert.deepEqual(verdicts(alert, partial), verdicts(alert, whole), alert.definition.conditions.map((c) => c.path).join(" "));
      }
    }
  });

  test("generated payloads and paths agree (fast-check)", () => {
    const name = fc.constantFrom("a", "b", "c", "ü", "__proto__", "x y");
    const step = fc.oneof(name.map((n) => `[${JSON.stringify(n).replace(/"/g, "'")}]`), fc.constantFrom("[*]", "[0]", "..a", ".length()", "[?(@.a)]", "[?(@ == $.b)]"));
    const path = fc.tuple(name, fc.array(step, { maxLength: 3 })).map(([first, rest]) => `$['${first}']${rest.join("")}`).filter((p) => {
      try {
        pathRootKeys(p);
        return true;
      } catch {
        return false;
      }
    });
    fc.assert(
      fc.property(fc.dictionary(name, fc.jsonValue({ maxDepth: 3 })), fc.array(path, { minLength: 1, maxLength: 3 }), (p, paths) => {
        const alert = compileAlert({ ...baseDefinition, id: "a", version: 1, conditions: paths.map((cp) => ({ path: cp, operator: "EXISTS" as const, value: null })), groupBy: paths.slice(0, 1) });
        const bytes = record(p);
        assert.deepEqual(verdicts(alert, payloadFor(decode(bytes), alert.payloadKeys)), verdicts(alert, decode(bytes).payload));
      }),
      { seed: 20261201, numRuns: 2000, includeErrorInReport: true },
    );
  });
});
