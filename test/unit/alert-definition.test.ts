import assert from "node:assert/strict";
import { test } from "node:test";
import { validateDefinition, type AlertDefinition } from "../../src/engine/alert-definition";
import { baseDefinition } from "../support/definitions";

const base: AlertDefinition = { ...baseDefinition, threshold: { operator: "GREATER_THAN", value: 1 } };

test("text PostgreSQL cannot store (U+0000, unpaired surrogates) is refused, naming the field", () => {
  const cases: [Partial<AlertDefinition>, string][] = [
    [{ name: "x\u0000" }, "name"],
    [{ description: "\ud800" }, "description"],
    [{ application: "a\udc00b" }, "application"],
    [{ conditions: [{ path: "$['\ud800']", operator: "EXISTS" }] }, "conditions[0].path"],
    [{ conditions: [{ path: "$.a", operator: "IN", value: [{ "k\u0000": 1 }] }] }, "conditions[0].value"],
    [{ groupBy: ["$.a", "$['\udfff']"] }, "groupBy[1]"],
  ];
  for (const [change, field] of cases) {
    const issues = validateDefinition({ ...base, ...change });
    assert.ok(issues.some((i) => i.field === field && /U\+0000 or an unpaired surrogate/.test(i.message)), `${field}: ${JSON.stringify(issues)}`);
  }
  assert.deepEqual(validateDefinition({ ...base, name: "emoji 😀 ok", conditions: [{ path: "$.a", operator: "EQUALS", value: "😀" }] }), []);
});
