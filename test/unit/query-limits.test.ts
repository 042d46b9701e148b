import assert from "node:assert/strict";
import { test } from "node:test";
import { buildSchema, parse, specifiedRules, validate } from "graphql";
import { checkQueryNesting, depthLimitRule, jsonSizeBytes, MAX_QUERY_NESTING, operationCost } from "../../src/http/query-limits";

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

test("checkQueryNesting counts braces, brackets and parentheses: up to the limit passes, one more is refused", () => {
  const shapes = [(n: number) => `${"{a".repeat(n)}${"}".repeat(n)}`, (n: number) => `{ a(b: ${"[".repeat(n - 2)}1${"]".repeat(n - 2)}) }`];
  for (const shape of shapes) {
    assert.equal(checkQueryNesting(shape(MAX_QUERY_NESTING)), undefined, shape(3));
    const error = checkQueryNesting(shape(MAX_QUERY_NESTING + 1));
    assert.equal(error?.extensions.code, "QUERY_TOO_COMPLEX", shape(3));
    assert.match(error?.message ?? "", new RegExp(`deeper than ${MAX_QUERY_NESTING} levels`));
  }
  assert.equal(checkQueryNesting("{a{b{c}}}", 3), undefined);
  assert.ok(checkQueryNesting("{a{b{c{d}}}}", 3));
  // depth, not the count of braces: siblings do not add up
  assert.equal(checkQueryNesting("{a{b}} {c{d}} {e{f}}", 2), undefined);
});

test("checkQueryNesting: 3,000 and 1,000,000 levels are refused in one pass, without recursion", () => {
  assert.ok(checkQueryNesting(`${"{a".repeat(3000)}${"}".repeat(3000)}`));
  assert.ok(checkQueryNesting("[".repeat(1_000_000)));
});

test("checkQueryNesting skips strings, escaped quotes, block strings and comments", () => {
  const deep = "{[(".repeat(50);
  const cases = [
    `{ a(s: "${deep}") }`,
    `{ a(s: "x \\" ${deep} \\" y") }`,
    // an escaped backslash, then the closing quote
    `{ a(s: "x\\\\", t: "${deep}") }`,
    `{ a(s: """${deep} \\""" ${deep} " "" ${deep}""") }`,
    `# ${deep}\n{ a }`,
    `# ${deep}\r{ a }`,
  ];
  for (const query of cases) assert.equal(checkQueryNesting(query, 3), undefined, query.slice(0, 40));
  // what follows a string, a block string or a comment counts again
  assert.ok(checkQueryNesting(`{ a(s: "x") { b { c { d } } } }`, 3));
  assert.ok(checkQueryNesting(`{ a(s: """x""") { b { c { d } } } }`, 3));
  assert.ok(checkQueryNesting(`# x\n{ a { b { c { d } } } }`, 3));
});

test("checkQueryNesting leaves unbalanced and unterminated text to the parser", () => {
  for (const query of ["}}}}{a}", "{ a(s: \"unterminated", '{ a(s: """unterminated', "# only a comment", "", ")))((("]) {
    assert.equal(checkQueryNesting(query, 3), undefined, query);
  }
});

test("jsonSizeBytes is near the JSON text's length, and stops counting at the limit", () => {
  for (const value of [{ a: "xyz", b: [1, 2, { c: null }], d: true }, ["x".repeat(1000)], { nested: { deeper: { deepest: "v" } } }]) {
    const exact = JSON.stringify(value).length;
    const estimate = jsonSizeBytes(value, 1_000_000);
    assert.ok(Math.abs(estimate - exact) <= exact * 0.25 + 4, `${estimate} for ${exact}`);
  }
  assert.equal(jsonSizeBytes({ big: "x".repeat(10_000_000) }, 1024), 1024);
  assert.equal(jsonSizeBytes(undefined, 10), 4);
});
