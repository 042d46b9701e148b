import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  compileCondition, CONDITION_OPERATORS, ConditionError,
  type ConditionOperator, type ConditionSpec,
} from "../../src/engine/condition";
import { cloneJson, deepEqual, isEmptyValue, jsonDepth, membershipTest } from "../../src/engine/json";
import { compilePath } from "../../src/engine/jsonpath";

const payload = {
  user: {
    name: "Alice Admin",
    role: "admin",
    age: 42,
    mfa: false,
    email: "alice@example.com",
    tags: ["a", "b"],
    scores: [3, 7],
    profile: {},
    nick: "",
    manager: null,
    meta: { a: 1, b: [1, 2] },
    since: "2024-05-01T00:00:00Z",
  },
  users: [
    { name: "ann", age: 30, roles: ["admin"] },
    { name: "bob", age: 17, roles: [] },
    { name: "cy" },
  ],
  count: 5,
  countStr: "5",
  zero: 0,
  f: false,
};

type Case = readonly [path: string, operator: ConditionOperator, value: unknown, expected: boolean];

const NEGATION: Partial<Record<ConditionOperator, ConditionOperator>> = {
  EQUALS: "NOT_EQUALS",
  CONTAINS: "NOT_CONTAINS",
  IN: "NOT_IN",
  IS_EMPTY: "IS_NOT_EMPTY",
  EXISTS: "NOT_EXISTS",
};

function runTable(cases: readonly Case[]): void {
  for (const [path, operator, value, expected] of cases) {
    const shown = value === undefined ? "" : ` ${JSON.stringify(value)}`;
    test(`${path} ${operator}${shown} -> ${expected}`, () => {
      const condition = compileCondition({ path, operator, value });
      assert.equal(condition.test(payload), expected);
      const explained = condition.explain(payload);
      assert.equal(explained.matched, expected);
      assert.deepEqual(explained.actual, compilePath(path).evaluate(payload));
      const negated = NEGATION[operator];
      if (negated !== undefined) {
        assert.equal(compileCondition({ path, operator: negated, value }).test(payload), !expected, `${negated} is the opposite`);
      }
    });
  }
}

describe("EQUALS / NOT_EQUALS: strict deep equality, any value", () => {
  runTable([
    ["$.user.role", "EQUALS", "admin", true],
    ["$.user.role", "EQUALS", "Admin", false],
    ["$.count", "EQUALS", 5, true],
    ["$.count", "EQUALS", "5", false],
    ["$.countStr", "EQUALS", 5, false],
    ["$.f", "EQUALS", false, true],
    ["$.zero", "EQUALS", false, false],
    ["$.zero", "EQUALS", 0, true],
    ["$.user.manager", "EQUALS", "null", false],
    ["$.user.meta", "EQUALS", { b: [1, 2], a: 1 }, true],
    ["$.user.meta", "EQUALS", { a: 1 }, false],
    ["$.user.meta", "EQUALS", { a: 1, b: [1, 2], c: 3 }, false],
    ["$.user.tags", "EQUALS", ["a", "b"], true],
    ["$.user.tags", "EQUALS", ["b", "a"], false],
    ["$.user.tags", "EQUALS", "a", false],
    ["$.user.tags[*]", "EQUALS", "a", true],
    ["$.users[*].name", "EQUALS", "bob", true],
    ["$.users[*].name", "EQUALS", "dan", false],
    ["$.users[*].roles", "EQUALS", [], true],
    ["$.missing", "EQUALS", "x", false],
    ["$.users[*].missing", "EQUALS", "x", false],
  ]);
  runTable([
    ["$.user.role", "NOT_EQUALS", "admin", false],
    ["$.missing", "NOT_EQUALS", "x", true],
    ["$.count", "NOT_EQUALS", "5", true],
  ]);
});

describe("ordering: two numbers or two strings, else false", () => {
  runTable([
    ["$.user.age", "GREATER_THAN", 40, true],
    ["$.user.age", "GREATER_THAN", 42, false],
    ["$.user.age", "GREATER_THAN_OR_EQUAL", 42, true],
    ["$.user.age", "GREATER_THAN_OR_EQUAL", 43, false],
    ["$.user.age", "LESS_THAN", 42, false],
    ["$.user.age", "LESS_THAN", 50, true],
    ["$.user.age", "LESS_THAN_OR_EQUAL", 42, true],
    ["$.user.age", "LESS_THAN_OR_EQUAL", 41.5, false],
    ["$.user.age", "GREATER_THAN", -1e9, true],
    ["$.countStr", "GREATER_THAN", 4, false],
    ["$.count", "GREATER_THAN", "4", false],
    ["$.user.name", "GREATER_THAN", "Alice", true],
    ["$.user.name", "GREATER_THAN", "B", false],
    ["$.user.role", "GREATER_THAN", "Zebra", true],
    ["$.user.since", "GREATER_THAN", "2024-01-01", true],
    ["$.user.since", "LESS_THAN", "2024-01-01", false],
    ["$.users[*].age", "GREATER_THAN", 29, true],
    ["$.users[*].age", "GREATER_THAN", 30, false],
    ["$.users[*].age", "LESS_THAN", 18, true],
    ["$.missing", "GREATER_THAN", 1, false],
    ["$.missing", "LESS_THAN", 1, false],
    ["$.user.manager", "GREATER_THAN", -1, false],
    ["$.user.manager", "LESS_THAN", 1, false],
    ["$.f", "LESS_THAN", 1, false],
    ["$.user.tags", "GREATER_THAN", 0, false],
    ["$.user.scores", "LESS_THAN", 100, false],
    ["$.user.scores[*]", "GREATER_THAN", 5, true],
    ["$.user.meta", "GREATER_THAN", "", false],
  ]);
});

describe("CONTAINS / NOT_CONTAINS: substring, or an array element", () => {
  runTable([
    ["$.user.name", "CONTAINS", "Admin", true],
    ["$.user.name", "CONTAINS", "admin", false],
    ["$.user.name", "CONTAINS", 5, false],
    ["$.user.nick", "CONTAINS", "", true],
    ["$.user.tags", "CONTAINS", "a", true],
    ["$.user.tags", "CONTAINS", "c", false],
    ["$.user.scores", "CONTAINS", 7, true],
    ["$.user.scores", "CONTAINS", "7", false],
    ["$.users[*].roles", "CONTAINS", "admin", true],
    ["$.users", "CONTAINS", { name: "cy" }, true],
    ["$.users", "CONTAINS", { name: "dan" }, false],
    ["$.user.meta.b", "CONTAINS", 2, true],
    ["$.count", "CONTAINS", 5, false],
    ["$.countStr", "CONTAINS", 5, false],
    ["$.user.meta", "CONTAINS", "a", false],
    ["$.missing", "CONTAINS", "x", false],
    ["$.users[*].name", "CONTAINS", "o", true],
  ]);
  runTable([
    ["$.missing", "NOT_CONTAINS", "x", true],
    ["$.user.tags", "NOT_CONTAINS", "c", true],
  ]);
});

describe("STARTS_WITH / ENDS_WITH: strings only", () => {
  runTable([
    ["$.user.email", "STARTS_WITH", "alice@", true],
    ["$.user.email", "STARTS_WITH", "bob", false],
    ["$.user.email", "ENDS_WITH", "@example.com", true],
    ["$.user.email", "ENDS_WITH", "@x.com", false],
    ["$.user.email", "STARTS_WITH", "", true],
    ["$.countStr", "STARTS_WITH", "5", true],
    ["$.count", "STARTS_WITH", "5", false],
    ["$.count", "ENDS_WITH", "5", false],
    ["$.user.tags", "STARTS_WITH", "a", false],
    ["$.users[*].name", "STARTS_WITH", "b", true],
    ["$.users[*].name", "ENDS_WITH", "y", true],
    ["$.missing", "ENDS_WITH", "x", false],
    ["$.user.manager", "STARTS_WITH", "n", false],
  ]);
});

describe("MATCHES: RE2 subset of JavaScript syntax, unanchored, strings only", () => {
  runTable([
    ["$.user.email", "MATCHES", "^[a-z]+@example\\.com$", true],
    ["$.user.email", "MATCHES", "example", true],
    ["$.user.email", "MATCHES", "^example", false],
    ["$.user.name", "MATCHES", "alice admin", false],
    ["$.user.name", "MATCHES", "(?i)alice admin", true],
    ["$.user.nick", "MATCHES", "^$", true],
    ["$.count", "MATCHES", "5", false],
    ["$.user.tags", "MATCHES", "a", false],
    ["$.users[*].name", "MATCHES", "^b.b$", true],
    ["$.missing", "MATCHES", ".*", false],
    ["$.user.since", "MATCHES", "^\\d{4}-\\d{2}-\\d{2}T", true],
  ]);
});

describe("IN / NOT_IN: deep equality with one element of the list", () => {
  runTable([
    ["$.user.role", "IN", ["admin", "owner"], true],
    ["$.user.role", "IN", ["owner"], false],
    ["$.user.role", "IN", [], false],
    ["$.count", "IN", ["5"], false],
    ["$.count", "IN", [5], true],
    ["$.f", "IN", [0], false],
    ["$.zero", "IN", [false], false],
    ["$.user.manager", "IN", [null], true],
    ["$.user.tags", "IN", [["a", "b"]], true],
    ["$.user.tags", "IN", ["a", "b"], false],
    ["$.user.meta", "IN", [{ b: [1, 2], a: 1 }, "x"], true],
    ["$.users[*].name", "IN", ["zed", "cy"], true],
    ["$.users[*].name", "IN", ["zed"], false],
    ["$.missing", "IN", ["x"], false],
  ]);
  runTable([
    ["$.user.role", "NOT_IN", ["x"], true],
    ["$.missing", "NOT_IN", ["x"], true],
    ["$.users[*].name", "NOT_IN", ["ann"], false],
  ]);

  test("a large list is fine", () => {
    const list = Array.from({ length: 10_000 }, (_, i) => `role-${i}`);
    const condition = compileCondition({ path: "$.role", operator: "IN", value: list });
    assert.equal(condition.test({ role: "role-9999" }), true);
    assert.equal(condition.test({ role: "role-10000" }), false);
  });
});

describe("IS_EMPTY / IS_NOT_EMPTY: no value, or only null, \"\", [] and {}", () => {
  runTable([
    ["$.missing", "IS_EMPTY", undefined, true],
    ["$.user.manager", "IS_EMPTY", undefined, true],
    ["$.user.nick", "IS_EMPTY", undefined, true],
    ["$.user.profile", "IS_EMPTY", undefined, true],
    ["$.users[1].roles", "IS_EMPTY", undefined, true],
    ["$.zero", "IS_EMPTY", undefined, false],
    ["$.f", "IS_EMPTY", undefined, false],
    ["$.user.role", "IS_EMPTY", undefined, false],
    ["$.user.tags", "IS_EMPTY", undefined, false],
    ["$.user.meta", "IS_EMPTY", undefined, false],
    ["$.users[*].roles", "IS_EMPTY", undefined, false],
    ["$.users[1:].roles", "IS_EMPTY", undefined, true],
    ["$.users[*].missing", "IS_EMPTY", undefined, true],
    ["$['user']['manager','nick','profile']", "IS_EMPTY", undefined, true],
    ["$['user']['manager','nick','role']", "IS_EMPTY", undefined, false],
  ]);
});

describe("EXISTS / NOT_EXISTS: at least one value, null included", () => {
  runTable([
    ["$.user.manager", "EXISTS", undefined, true],
    ["$.user.mfa", "EXISTS", null, true],
    ["$.zero", "EXISTS", undefined, true],
    ["$.missing", "EXISTS", undefined, false],
    ["$.user.role.x", "EXISTS", undefined, false],
    ["$.users[*].roles", "EXISTS", undefined, true],
    ["$.users[*].missing", "EXISTS", undefined, false],
    ["$.users[?(@.age < 18)]", "EXISTS", undefined, true],
    ["$.users[?(@.age > 99)]", "EXISTS", undefined, false],
    ["$.user.tags.length()", "EXISTS", undefined, true],
  ]);
});

describe("payloads that are not objects", () => {
  for (const odd of [null, undefined, 5, "text", [], [1, 2]]) {
    test(`${JSON.stringify(odd) ?? "undefined"}`, () => {
      assert.equal(compileCondition({ path: "$.a", operator: "EXISTS" }).test(odd), false);
      assert.equal(compileCondition({ path: "$.a", operator: "NOT_EQUALS", value: 1 }).test(odd), true);
      assert.equal(compileCondition({ path: "$.a", operator: "IS_EMPTY" }).test(odd), true);
    });
  }
});

describe("validation: ConditionError names the field and says how to fix it", () => {
  const shown = (value: unknown): string => {
    try {
      return (JSON.stringify(value) ?? "").slice(0, 30);
    } catch {
      return "(cyclic)";
    }
  };
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  const table: ReadonlyArray<readonly [spec: ConditionSpec, field: ConditionError["field"], says: readonly string[]]> = [
    [{ path: "$.a", operator: "FOO" as ConditionOperator, value: 1 }, "operator", ["unknown operator \"FOO\"", "use one of EQUALS"]],
    [{ path: "$.a", operator: undefined as unknown as ConditionOperator, value: 1 }, "operator", ["unknown operator"]],
    [{ path: "store.book", operator: "EXISTS" }, "path", ["at 0", "starts with $"]],
    [{ path: "", operator: "EXISTS" }, "path", ["at 0", "empty"]],
    [{ path: "$.max()", operator: "EXISTS" }, "path", ["at 5", "function calls other than length() are not supported"]],
    [{ path: "$[?(@.a =~ /(/)]", operator: "EXISTS" }, "path", ["at 11", "missing closing )"]],
    [{ path: 42 as unknown as string, operator: "EXISTS" }, "path", ["JSONPath string such as $.user.role"]],
    [{ path: "$.a", operator: "IS_EMPTY", value: "x" }, "value", ["IS_EMPTY takes no value", "remove value"]],
    [{ path: "$.a", operator: "IS_NOT_EMPTY", value: [] }, "value", ["takes no value"]],
    [{ path: "$.a", operator: "EXISTS", value: 0 }, "value", ["takes no value"]],
    [{ path: "$.a", operator: "NOT_EXISTS", value: false }, "value", ["takes no value"]],
    [{ path: "$.a", operator: "EQUALS" }, "value", ["EQUALS needs a value", "set value"]],
    [{ path: "$.a", operator: "NOT_EQUALS", value: null }, "value", ["needs a value"]],
    [{ path: "$.a", operator: "CONTAINS", value: null }, "value", ["needs a value"]],
    [{ path: "$.a", operator: "GREATER_THAN", value: true }, "value", ["number or a string", "got boolean true", "set value"]],
    [{ path: "$.a", operator: "LESS_THAN", value: [1] }, "value", ["number or a string", "got a list"]],
    [{ path: "$.a", operator: "LESS_THAN_OR_EQUAL", value: {} }, "value", ["got an object"]],
    [{ path: "$.a", operator: "GREATER_THAN_OR_EQUAL", value: Number.NaN }, "value", ["JSON value"]],
    [{ path: "$.a", operator: "STARTS_WITH", value: 5 }, "value", ["STARTS_WITH needs a string", "set value"]],
    [{ path: "$.a", operator: "ENDS_WITH", value: ["x"] }, "value", ["ENDS_WITH needs a string"]],
    [{ path: "$.a", operator: "MATCHES", value: 5 }, "value", ["MATCHES needs a string"]],
    [{ path: "$.a", operator: "MATCHES", value: "(" }, "value", ["missing closing )", "fix the pattern"]],
    [{ path: "$.a", operator: "MATCHES", value: "(?=x)" }, "value", ["lookahead"]],
    [{ path: "$.a", operator: "MATCHES", value: "(a)\\1" }, "value", ["back-references"]],
    [{ path: "$.a", operator: "MATCHES", value: "x{2000}" }, "value", ["invalid repeat count"]],
    [{ path: "$.a", operator: "MATCHES", value: "a".repeat(1001) }, "value", ["at most 1000 characters", "shorten"]],
    [{ path: "$.a", operator: "IN", value: "admin" }, "value", ["IN needs a list", "got string \"admin\"", "e.g. [\"admin\", \"owner\"]"]],
    [{ path: "$.a", operator: "NOT_IN", value: {} }, "value", ["NOT_IN needs a list"]],
    [{ path: "$.a", operator: "EQUALS", value: Number.POSITIVE_INFINITY }, "value", ["JSON value"]],
    [{ path: "$.a", operator: "EQUALS", value: { a: undefined } }, "value", ["JSON value"]],
    [{ path: "$.a", operator: "EQUALS", value: new Date(0) }, "value", ["JSON value"]],
    [{ path: "$.a", operator: "CONTAINS", value: cyclic }, "value", ["JSON value"]],
  ];
  for (const [spec, field, says] of table) {
    test(`${String(spec.operator)} ${shown(spec.value)} on ${String(spec.path).slice(0, 30)} -> ${field}`, () => {
      assert.throws(() => compileCondition(spec), (error: unknown) => {
        assert.ok(error instanceof ConditionError, String(error));
        assert.equal(error.name, "ConditionError");
        assert.equal(error.field, field);
        for (const part of says) assert.ok(error.message.includes(part), `${JSON.stringify(error.message)} lacks ${JSON.stringify(part)}`);
        return true;
      });
    });
  }

  test("valueless operators accept null and undefined", () => {
    for (const operator of ["IS_EMPTY", "IS_NOT_EMPTY", "EXISTS", "NOT_EXISTS"] as const) {
      assert.doesNotThrow(() => compileCondition({ path: "$.a", operator }));
      assert.doesNotThrow(() => compileCondition({ path: "$.a", operator, value: null }));
    }
  });

  test("every operator compiles with a suitable value", () => {
    const samples: Record<ConditionOperator, unknown> = {
      EQUALS: { a: [1] }, NOT_EQUALS: 1, GREATER_THAN: 1, GREATER_THAN_OR_EQUAL: "a", LESS_THAN: 1,
      LESS_THAN_OR_EQUAL: "a", CONTAINS: [1], NOT_CONTAINS: "a", STARTS_WITH: "a", ENDS_WITH: "a", MATCHES: "a+",
      IN: [1, "a", null, [1], { a: 1 }], NOT_IN: [], IS_EMPTY: null, IS_NOT_EMPTY: undefined, EXISTS: null, NOT_EXISTS: null,
    };
    for (const operator of CONDITION_OPERATORS) {
      assert.doesNotThrow(() => compileCondition({ path: "$.a", operator, value: samples[operator] }), operator);
    }
  });
});

describe("CONDITION_OPERATORS", () => {
  test("lists the 17 operators once, frozen", () => {
    assert.equal(CONDITION_OPERATORS.length, 17);
    assert.equal(new Set(CONDITION_OPERATORS).size, 17);
    assert.ok(Object.isFrozen(CONDITION_OPERATORS));
  });
});

describe("compile once", () => {
  test("the operand is copied: changing the caller's object later changes nothing", () => {
    const value = { a: [1, 2] };
    const condition = compileCondition({ path: "$.x", operator: "EQUALS", value });
    value.a.push(3);
    assert.equal(condition.test({ x: { a: [1, 2] } }), true);
    assert.deepEqual(condition.spec.value, { a: [1, 2] });
  });

  test("spec is frozen all the way down", () => {
    const condition = compileCondition({ path: "$.x", operator: "IN", value: [{ a: [1] }] });
    assert.ok(Object.isFrozen(condition.spec));
    const list = condition.spec.value as Array<{ a: number[] }>;
    assert.ok(Object.isFrozen(list) && Object.isFrozen(list[0]) && Object.isFrozen(list[0].a));
    assert.deepEqual(condition.spec, { path: "$.x", operator: "IN", value: [{ a: [1] }] });
  });

  test("a valueless spec carries no value", () => {
    assert.deepEqual(compileCondition({ path: "$.x", operator: "EXISTS", value: null }).spec, { path: "$.x", operator: "EXISTS" });
  });

  test("an operand with an own __proto__ key stays a plain key", () => {
    const value = JSON.parse('{"__proto__":{"polluted":true}}') as unknown;
    const condition = compileCondition({ path: "$.x", operator: "EQUALS", value });
    assert.equal(condition.test(JSON.parse('{"x":{"__proto__":{"polluted":true}}}')), true);
    assert.equal(condition.test({ x: {} }), false);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  test("explain returns every value the path yields", () => {
    const condition = compileCondition({ path: "$.users[*].age", operator: "GREATER_THAN", value: 18 });
    assert.deepEqual(condition.explain(payload), { matched: true, actual: [30, 17] });
    assert.deepEqual(condition.explain({}), { matched: false, actual: [] });
  });
});

describe("hostile input", () => {
  test("a catastrophic MATCHES pattern on a long string returns", () => {
    const condition = compileCondition({ path: "$.s", operator: "MATCHES", value: "(a+)+$" });
    assert.equal(condition.test({ s: "a".repeat(100_000) + "!" }), false);
  });

  test("EQUALS on very deep values does not exhaust the stack", () => {
    const build = (): unknown => {
      let deep: unknown = "bottom";
      for (let i = 0; i < 50_000; i++) deep = i % 2 === 0 ? [deep] : { k: deep };
      return deep;
    };
    const condition = compileCondition({ path: "$.v", operator: "EQUALS", value: build() });
    assert.equal(condition.test({ v: build() }), true);
    assert.equal(condition.test({ v: [build()] }), false);
  });

  test("a path that tries to run code is refused as a path error", () => {
    assert.throws(
      () => compileCondition({ path: "$[?(@.constructor.constructor('return process')())]", operator: "EXISTS" }),
      (error: unknown) => error instanceof ConditionError && error.field === "path",
    );
  });
});

describe("json helpers the operators rest on", () => {
  const equalities: ReadonlyArray<readonly [unknown, unknown, boolean]> = [
    [1, 1, true],
    [1, "1", false],
    [0, false, false],
    [null, null, true],
    [null, undefined, false],
    ["", "", true],
    [[], [], true],
    [{}, {}, true],
    [[], {}, false],
    [{ a: 1, b: 2 }, { b: 2, a: 1 }, true],
    [{ a: 1 }, { a: 1, b: undefined }, false],
    [{ a: [1, { b: null }] }, { a: [1, { b: null }] }, true],
    [{ a: [1, { b: null }] }, { a: [1, { b: 0 }] }, false],
    [[1, 2], [2, 1], false],
    [[1, [2]], [1, [2, 3]], false],
  ];
  for (const [a, b, expected] of equalities) {
    test(`deepEqual(${JSON.stringify(a)}, ${JSON.stringify(b)}) is ${expected}`, () => {
      assert.equal(deepEqual(a, b), expected);
      assert.equal(deepEqual(b, a), expected);
    });
  }

  test("isEmptyValue", () => {
    for (const empty of [null, "", [], {}]) assert.equal(isEmptyValue(empty), true, JSON.stringify(empty));
    for (const full of [0, false, " ", [null], { a: null }, "x", 1]) assert.equal(isEmptyValue(full), false, JSON.stringify(full));
  });

  test("jsonDepth", () => {
    assert.equal(jsonDepth("x"), 0);
    assert.equal(jsonDepth([]), 1);
    assert.equal(jsonDepth({ a: [1, { b: {} }] }), 4);
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    assert.equal(jsonDepth(deep), 100_000);
  });

  test("cloneJson copies JSON and refuses the rest", () => {
    const source = { a: [1, "x", null, true, { b: [] }] };
    const copy = cloneJson(source);
    assert.deepEqual(copy, source);
    assert.notEqual(copy, source);
    for (const bad of [undefined, Number.NaN, () => 1, new Map(), [undefined], { a: Symbol("s") }, 10n]) {
      assert.equal(cloneJson(bad), undefined, String(bad));
    }
  });

  test("membershipTest: Set for primitives, deep equality for the rest", () => {
    const isMember = membershipTest([1, "a", null, false, [1, 2], { k: "v" }]);
    for (const yes of [1, "a", null, false, [1, 2], { k: "v" }]) assert.equal(isMember(yes), true, JSON.stringify(yes));
    for (const no of ["1", 0, true, "b", [2, 1], { k: "w" }, {}]) assert.equal(isMember(no), false, JSON.stringify(no));
  });
});
