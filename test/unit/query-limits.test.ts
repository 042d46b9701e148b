import assert from "node:assert/strict";
import { test } from "node:test";
import { buildSchema, parse, specifiedRules, validate } from "graphql";
import { depthLimitRule, operationCost } from "../../src/http/query-limits";

// A schema that nests without end, so depth is the only bound.
const schema = buildSchema(`
  type Node { id: ID child: Node children(first: Int): NodeConnection! tags(first: Int): [String!]! }
  type NodeConnection { nodes: [Node!]! }
  type Query { node: Node nodes(first: Int): [Node!]! }
`);

/** node, then child levels, then the id leaf: `levels` fields deep. */
const nested = (levels: number) => {
  let selection = "id";
  for (let i = 0; i < levels - 2; i++) selection = `child { ${selection} }`;
  return `{ node { ${selection} } }`;
};
const depthErrors = (query: string) =>
  validate(schema, parse(query), [...specifiedRules, depthLimitRule(12)]).filter((e) => e.extensions.code === "QUERY_TOO_COMPLEX");

test("nesting up to 12 levels passes; 13 is refused", () => {
  const depthOf = (query: string) => (query.match(/\{/g) ?? []).length;
  assert.equal(depthOf(nested(12)), 12);
  assert.deepEqual(depthErrors(nested(12)), []);
  const errors = depthErrors(nested(13));
  assert.equal(errors.length, 1);
  assert.match(errors[0].message, /deeper than 12 levels under node/);
});

test("fragments and inline fragments count toward depth", () => {
  const viaFragments = `{ node { ...A } } fragment A on Node { child { ... on Node { child { ...B } } } } fragment B on Node { ${"child { ".repeat(9)}id${" }".repeat(9)} }`;
  assert.equal(depthErrors(viaFragments).length, 1);
  const shallow = `{ node { ...A } } fragment A on Node { child { id } }`;
  assert.deepEqual(depthErrors(shallow), []);
});

test("a fragment cycle ends the walk instead of looping", () => {
  const cyclic = `{ node { ...A } } fragment A on Node { child { ...B } } fragment B on Node { child { ...A } }`;
  const errors = validate(schema, parse(cyclic), [...specifiedRules, depthLimitRule(12)]);
  assert.ok(errors.some((e) => /Cannot spread fragment/.test(e.message)));
});

test("cost multiplies a page's children by first (50 when absent); lists inside a row are not pages", () => {
  assert.equal(operationCost(schema, parse("{ node { id } }"), undefined), 2);
  assert.equal(operationCost(schema, parse("{ nodes(first: 10) { id } }"), undefined), 11);
  assert.equal(operationCost(schema, parse("{ nodes { id } }"), undefined), 51);
  assert.equal(operationCost(schema, parse("query ($n: Int) { nodes(first: $n) { children(first: 3) { nodes { id } } } }"), { n: 4 }), 1 + 4 * (1 + 3 * 2));
  assert.equal(operationCost(schema, parse("{ node { tags(first: 100) } }"), undefined), 2);
});
