import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { AggregationFunction } from "../../src/engine/alert-definition";
import {
  canonicalJson, compileAlert, explainEvent, InvalidAlertError, selectorsMatch,
  type AlertVersion,
} from "../../src/engine/compile-alert";
import type { EngineEvent } from "../../src/engine/event";
import { deepEqual } from "../../src/engine/json";
import { baseDefinition } from "../support/definitions";

const base: AlertVersion = { ...baseDefinition, id: "alert-1", version: 1, name: "Admins granted", severity: "HIGH" };

const alertWith = (patch: Partial<AlertVersion>) => compileAlert({ ...base, ...patch });

const payload = {
  user: { email: "a@x.com", role: "admin", mfa: false, age: 42, tags: ["x", "y"], profile: { b: 2, a: 1 } },
  files: [
    { name: "a.txt", bytes: 10, owner: "ann" },
    { name: "b.txt", bytes: 32.5, owner: "bob" },
    { name: "c.txt", bytes: "n/a", owner: "ann" },
    { name: "d.txt", owner: { id: 7 } },
  ],
  nothing: null,
  empty: "",
  count: 3,
};

const event = (patch: Partial<EngineEvent> = {}): EngineEvent => ({
  id: "e1",
  customerId: "acme",
  application: "github",
  objectType: "user",
  eventType: "admin_granted",
  occurredAtMs: 0,
  payload,
  ...patch,
});

describe("compileAlert", () => {
  test("keeps id, version and the definition", () => {
    const alert = alertWith({ id: "x", version: 7 });
    assert.equal(alert.id, "x");
    assert.equal(alert.version, 7);
    assert.equal(alert.definition.name, "Admins granted");
  });

  test("throws InvalidAlertError with the issues of an invalid definition", () => {
    assert.throws(
      () => alertWith({ jsonPath: "$..[", aggregation: { function: "SUM", path: null } }),
      (err: unknown) => {
        assert.ok(err instanceof InvalidAlertError);
        assert.deepEqual(err.issues.map((i) => i.field).sort(), ["aggregation.path", "jsonPath"]);
        assert.match(err.message, /alert-1/);
        return true;
      },
    );
  });
});

describe("qualifies", () => {
  const cases: ReadonlyArray<readonly [name: string, patch: Partial<AlertVersion>, expected: boolean]> = [
    ["no conditions, no jsonPath", {}, true],
    ["one condition holds", { conditions: [{ path: "$.user.role", operator: "EQUALS", value: "admin" }] }, true],
    ["one condition fails", { conditions: [{ path: "$.user.role", operator: "EQUALS", value: "owner" }] }, false],
    ["all conditions hold (AND)", {
      conditions: [
        { path: "$.user.role", operator: "EQUALS", value: "admin" },
        { path: "$.user.mfa", operator: "EQUALS", value: false },
        { path: "$.files[*].bytes", operator: "GREATER_THAN", value: 30 },
      ],
    }, true],
    ["one of several fails (AND)", {
      conditions: [
        { path: "$.user.role", operator: "EQUALS", value: "admin" },
        { path: "$.user.mfa", operator: "EQUALS", value: true },
      ],
    }, false],
    ["NOT_EXISTS on a missing path", { conditions: [{ path: "$.user.phone", operator: "NOT_EXISTS" }] }, true],
    ["jsonPath with a result", { jsonPath: "$.files[?(@.owner == 'bob')]" }, true],
    ["jsonPath with no result", { jsonPath: "$.files[?(@.owner == 'cy')]" }, false],
    ["jsonPath yielding only null still has a result", { jsonPath: "$.nothing" }, true],
    ["jsonPath yielding an empty string still has a result", { jsonPath: "$.empty" }, true],
    ["jsonPath to a missing key", { jsonPath: "$.user.phone" }, false],
    ["conditions hold but jsonPath is empty", {
      conditions: [{ path: "$.user.role", operator: "EQUALS", value: "admin" }],
      jsonPath: "$.missing[*]",
    }, false],
  ];
  for (const [name, patch, expected] of cases) {
    test(`${name} -> ${expected}`, () => assert.equal(alertWith(patch).qualifies(payload), expected));
  }

  test("conditions run in order and stop at the first that fails, before jsonPath", () => {
    const reads: string[] = [];
    const spy = new Proxy(payload, {
      get(target, key, receiver) {
        if (typeof key === "string") reads.push(key);
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    const alert = alertWith({
      conditions: [
        { path: "$.count", operator: "EQUALS", value: 4 },
        { path: "$.user.role", operator: "EQUALS", value: "admin" },
      ],
      jsonPath: "$.files[*]",
    });
    assert.equal(alert.qualifies(spy), false);
    assert.ok(reads.includes("count"));
    assert.ok(!reads.includes("user") && !reads.includes("files"), `read ${reads.join(",")}`);
  });
});

describe("groupKey", () => {
  const cases: ReadonlyArray<readonly [name: string, groupBy: string[], expected: string | null]> = [
    ["no groupBy", [], null],
    ["one string", ["$.user.email"], '["a@x.com"]'],
    ["a missing value is null", ["$.user.email", "$.user.phone"], '["a@x.com",null]'],
    ["all missing", ["$.a", "$.b"], "[null,null]"],
    ["a present null is null too", ["$.nothing"], "[null]"],
    ["a number and a boolean", ["$.user.age", "$.user.mfa"], "[42,false]"],
    ["a number is not its string", ["$.count"], "[3]"],
    ["an array, as a whole", ["$.user.tags"], '[["x","y"]]'],
    ["an object, keys sorted", ["$.user.profile"], '[{"a":1,"b":2}]'],
    ["the first value of a multi-valued path", ["$.files[*].owner"], '["ann"]'],
    ["the first value of a filter", ["$.files[?(@.bytes > 20)].name"], '["b.txt"]'],
    ["the empty string", ["$.empty"], '[""]'],
  ];
  for (const [name, groupBy, expected] of cases) {
    test(`${name} -> ${expected}`, () => assert.equal(alertWith({ groupBy }).groupKey(payload), expected));
  }

  test("strings with quotes, control characters and U+2028 are escaped as JSON", () => {
    const alert = alertWith({ groupBy: ["$.s"] });
    const key = alert.groupKey({ s: 'a"b\\c\n\u2028' });
    assert.deepEqual(JSON.parse(key as string), ['a"b\\c\n\u2028']);
  });

  test("deep-equal objects in a different key order give the same key", () => {
    const alert = alertWith({ groupBy: ["$.o"] });
    assert.equal(alert.groupKey({ o: { b: [1, { d: 1, c: 2 }], a: null } }), alert.groupKey({ o: { a: null, b: [1, { c: 2, d: 1 }] } }));
    assert.notEqual(alert.groupKey({ o: { a: 1 } }), alert.groupKey({ o: { a: "1" } }));
  });
});

describe("entity", () => {
  const cases: ReadonlyArray<readonly [name: string, entityPath: string | null, expected: string | null]> = [
    ["no entityPath", null, null],
    ["a string as is", "$.user.email", "a@x.com"],
    ["a missing value", "$.user.phone", null],
    ["a number, JSON encoded", "$.user.age", "42"],
    ["a boolean, JSON encoded", "$.user.mfa", "false"],
    ["a present null, JSON encoded", "$.nothing", "null"],
    ["an empty string as is", "$.empty", ""],
    ["an object, canonical JSON", "$.user.profile", '{"a":1,"b":2}'],
    ["an array, JSON encoded", "$.user.tags", '["x","y"]'],
    ["the first of several values", "$.files[*].owner", "ann"],
    ["a nested object value", "$.files[3].owner", '{"id":7}'],
  ];
  for (const [name, entityPath, expected] of cases) {
    test(`${name} -> ${expected}`, () => assert.equal(alertWith({ entityPath }).entity(payload), expected));
  }

  test("a string that looks like JSON stays as is", () => {
    assert.equal(alertWith({ entityPath: "$.s" }).entity({ s: '"quoted"' }), '"quoted"');
  });
});

describe("aggregateValues", () => {
  const cases: ReadonlyArray<readonly [name: string, fn: AggregationFunction, path: string | null, expected: unknown[]]> = [
    ["COUNT", "COUNT", null, []],
    ["COUNT with a path still reads nothing", "COUNT", "$.count", []],
    ["a single value", "SUM", "$.count", [3]],
    ["a missing value", "SUM", "$.missing", []],
    ["every value of a wildcard, in document order, of any type", "SUM", "$.files[*].bytes", [10, 32.5, "n/a"]],
    ["a deep scan", "MAX", "$..bytes", [10, 32.5, "n/a"]],
    ["a definite path to an array yields the array as one value", "COUNT_DISTINCT", "$.user.tags", [["x", "y"]]],
    ["array elements", "COUNT_DISTINCT", "$.user.tags[*]", ["x", "y"]],
    ["objects and duplicates are kept", "COUNT_DISTINCT", "$.files[*].owner", ["ann", "bob", "ann", { id: 7 }]],
  ];
  for (const [name, fn, path, expected] of cases) {
    test(`${fn} ${name}`, () => {
      assert.deepEqual(alertWith({ aggregation: { function: fn, path } }).aggregateValues(payload), expected);
    });
  }

  test("COUNT returns one shared, frozen empty list", () => {
    const alert = alertWith({});
    const first = alert.aggregateValues(payload);
    assert.equal(first, alert.aggregateValues({}));
    assert.ok(Object.isFrozen(first));
  });
});

describe("selectorsMatch", () => {
  const cases: ReadonlyArray<readonly [name: string, patch: Partial<AlertVersion>, ev: Partial<EngineEvent>, expected: boolean]> = [
    ["no selectors, same customer", {}, {}, true],
    ["another customer", {}, { customerId: "other" }, false],
    ["GLOBAL, any customer", { scope: "GLOBAL", customerId: null }, { customerId: "other" }, true],
    ["application equal", { application: "github" }, {}, true],
    ["application differs", { application: "slack" }, {}, false],
    ["application is case-sensitive", { application: "GitHub" }, {}, false],
    ["eventType equal", { eventType: "admin_granted" }, {}, true],
    ["eventType differs", { eventType: "login" }, {}, false],
    ["objectType equal", { objectType: "user" }, {}, true],
    ["objectType set, event has none", { objectType: "user" }, { objectType: null }, false],
    ["no objectType selector, event has none", {}, { objectType: null }, true],
    ["disabled is not a selector", { enabled: false }, {}, true],
  ];
  for (const [name, patch, ev, expected] of cases) {
    test(`${name} -> ${expected}`, () => assert.equal(selectorsMatch({ ...base, ...patch }, event(ev)), expected));
  }
});

describe("explainEvent", () => {
  test("a matching event: every verdict, values found, group, entity and input", () => {
    const alert = alertWith({
      application: "github",
      conditions: [
        { path: "$.user.role", operator: "IN", value: ["admin", "owner"] },
        { path: "$.user.phone", operator: "NOT_EXISTS" },
        { path: "$.files[*].bytes", operator: "GREATER_THAN", value: 20 },
      ],
      jsonPath: "$.files[?(@.owner == 'ann')].name",
      groupBy: ["$.user.email", "$.user.team"],
      entityPath: "$.user.age",
      aggregation: { function: "SUM", path: "$.files[*].bytes" },
    });
    assert.deepEqual(explainEvent(alert, event()), {
      matched: true,
      selectorsMatched: true,
      conditions: [
        { path: "$.user.role", operator: "IN", matched: true, actual: ["admin"] },
        { path: "$.user.phone", operator: "NOT_EXISTS", matched: true, actual: null },
        { path: "$.files[*].bytes", operator: "GREATER_THAN", matched: true, actual: [10, 32.5, "n/a"] },
      ],
      jsonPathResult: ["a.txt", "c.txt"],
      groupKey: '["a@x.com",null]',
      entity: "42",
      aggregateInput: 42.5,
    });
  });

  test("a failing condition: not matched, no aggregate input, the other verdicts still shown", () => {
    const alert = alertWith({
      conditions: [
        { path: "$.user.mfa", operator: "EQUALS", value: true },
        { path: "$.user.role", operator: "EQUALS", value: "admin" },
      ],
      groupBy: ["$.user.email"],
      entityPath: "$.user.email",
    });
    const result = explainEvent(alert, event());
    assert.equal(result.matched, false);
    assert.equal(result.selectorsMatched, true);
    assert.deepEqual(result.conditions.map((c) => [c.matched, c.actual]), [[false, [false]], [true, ["admin"]]]);
    assert.equal(result.jsonPathResult, null);
    assert.equal(result.groupKey, '["a@x.com"]');
    assert.equal(result.entity, "a@x.com");
    assert.equal(result.aggregateInput, null);
  });

  test("selectors that do not match: not matched even when the conditions hold", () => {
    const alert = alertWith({ eventType: "login", conditions: [{ path: "$.user.role", operator: "EQUALS", value: "admin" }] });
    const result = explainEvent(alert, event());
    assert.equal(result.selectorsMatched, false);
    assert.equal(result.conditions[0].matched, true);
    assert.equal(result.matched, false);
    assert.equal(result.aggregateInput, null);
  });

  test("another customer's event does not match a CUSTOMER alert", () => {
    const result = explainEvent(alertWith({}), event({ customerId: "globex" }));
    assert.equal(result.selectorsMatched, false);
    assert.equal(result.matched, false);
  });

  test("an empty jsonPath result: [] and not matched", () => {
    const result = explainEvent(alertWith({ jsonPath: "$.files[?(@.owner == 'cy')]" }), event());
    assert.deepEqual(result.jsonPathResult, []);
    assert.equal(result.matched, false);
  });

  test("a disabled alert is still explained", () => {
    assert.equal(explainEvent(alertWith({ enabled: false }), event()).matched, true);
  });

  const inputCases: ReadonlyArray<readonly [fn: AggregationFunction, path: string | null, expected: number | null]> = [
    ["COUNT", null, 1],
    ["SUM", "$.files[*].bytes", 42.5],
    ["SUM", "$.missing", null],
    ["SUM", "$.user.email", null],
    ["MIN", "$.files[*].bytes", 10],
    ["MAX", "$.files[*].bytes", 32.5],
    ["AVG", "$.files[*].bytes", 21.25],
    ["AVG", "$.count", 3],
    ["MIN", "$.missing", null],
    ["COUNT_DISTINCT", "$.files[*].owner", 3],
    ["COUNT_DISTINCT", "$.user.tags", 1],
    ["COUNT_DISTINCT", "$.missing", 0],
  ];
  for (const [fn, path, expected] of inputCases) {
    test(`aggregateInput ${fn} ${path} -> ${expected}`, () => {
      assert.equal(explainEvent(alertWith({ aggregation: { function: fn, path } }), event()).aggregateInput, expected);
    });
  }

  test("COUNT_DISTINCT counts deep-equal objects once, whatever their key order", () => {
    const alert = alertWith({ aggregation: { function: "COUNT_DISTINCT", path: "$.v[*]" } });
    const result = explainEvent(alert, event({ payload: { v: [{ a: 1, b: 2 }, { b: 2, a: 1 }, 1, "1", null, [1], [1]] } }));
    assert.equal(result.aggregateInput, 5);
  });
});

describe("canonicalJson", () => {
  const cases: ReadonlyArray<readonly [value: unknown, expected: string]> = [
    [null, "null"],
    [true, "true"],
    [0, "0"],
    [-0, "0"],
    [1e21, "1e+21"],
    ["a\"b", '"a\\"b"'],
    ["\u0000", '"\\u0000"'],
    ["\ud800", '"\\ud800"'],
    [[], "[]"],
    [{}, "{}"],
    [[1, [2, [3]], { z: 1, a: [] }], '[1,[2,[3]],{"a":[],"z":1}]'],
    [{ b: { d: 1, c: 2 }, a: [{ y: 1, x: 2 }] }, '{"a":[{"x":2,"y":1}],"b":{"c":2,"d":1}}'],
    [{ "": 1, "\u00e9": 2, "10": 3, "9": 4 }, '{"":1,"10":3,"9":4,"é":2}'],
  ];
  for (const [value, expected] of cases) {
    test(`${JSON.stringify(value)} -> ${expected}`, () => assert.equal(canonicalJson(value), expected));
  }

  test("agrees with JSON.parse and with deep equality on random values", () => {
    let seed = 42;
    const rand = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    const gen = (depth: number): unknown => {
      switch (depth > 3 ? rand(4) : rand(6)) {
        case 0: return null;
        case 1: return rand(3) - 1;
        case 2: return ["a", "b", "é"][rand(3)];
        case 3: return rand(2) === 0;
        case 4: return Array.from({ length: rand(3) }, () => gen(depth + 1));
        default: {
          const obj: Record<string, unknown> = {};
          for (const key of ["k", "j", "i"].slice(0, rand(4))) obj[key] = gen(depth + 1);
          return obj;
        }
      }
    };
    for (let i = 0; i < 500; i++) {
      const a = gen(0);
      const b = gen(0);
      assert.ok(deepEqual(JSON.parse(canonicalJson(a)), a));
      assert.equal(canonicalJson(a) === canonicalJson(b), deepEqual(a, b));
    }
  });

  test("a value nested 100,000 deep does not overflow the stack", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    assert.equal(canonicalJson(deep).length, 200_001);
  });
});
