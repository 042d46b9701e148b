import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { compilePath, MAX_NESTING_DEPTH, MAX_PATH_LENGTH, PathSyntaxError } from "../../src/engine/jsonpath";

const doc = {
  name: "root",
  n: null,
  zero: 0,
  f: false,
  empty: "",
  obj: {
    "0": "zero-key",
    a: 1,
    b: { c: "deep" },
    "x-y": 2,
    "sp ace": 3,
    "q'uote": 4,
    "d\"q": 5,
    "ü": 6,
    length: "own length",
    "": "empty key",
    "a.b": "dotted",
  },
  arr: [10, 20, 30, 40, 50],
  tags: ["red", "green", "blue"],
  users: [
    { id: 1, name: "ann", roles: ["admin"] },
    { id: 2, name: "bob", roles: [] },
    { id: 3, name: "cy" },
  ],
  matrix: [[1, 2], [3, 4]],
  mixed: [1, "two", null, true, { k: "v" }, [5]],
  emptyArr: [],
  emptyObj: {},
};

type Case = readonly [path: string, expected: readonly unknown[]];

function runTable(cases: readonly Case[], on: unknown = doc): void {
  for (const [path, expected] of cases) {
    test(`${path} -> ${JSON.stringify(expected)}`, () => {
      assert.deepEqual(compilePath(path).evaluate(on), expected);
    });
  }
}

describe("root and dot notation", () => {
  runTable([
    ["$", [doc]],
    ["$.name", ["root"]],
    ["$.n", [null]],
    ["$.zero", [0]],
    ["$.f", [false]],
    ["$.empty", [""]],
    ["$.missing", []],
    ["$.missing.deeper", []],
    ["$.obj.b.c", ["deep"]],
    ["$.obj.x-y", [2]],
    ["$.obj.ü", [6]],
    ["$.obj.0", ["zero-key"]],
    ["$.obj.length", ["own length"]],
    ["$.name.x", []],
    ["$.n.x", []],
    ["$.zero.x", []],
  ]);
});

describe("a definite path yields one value, arrays included", () => {
  runTable([
    ["$.tags", [["red", "green", "blue"]]],
    ["$.emptyArr", [[]]],
    ["$.emptyObj", [{}]],
    ["$.matrix[0]", [[1, 2]]],
  ]);
});

describe("names on arrays and strings, indexes on objects yield nothing", () => {
  runTable([
    ["$.arr.length", []],
    ["$.name.length", []],
    ["$.arr['0']", []],
    ["$.obj[0]", []],
    ["$.tags[0][0]", []],
    ["$.name[0]", []],
    ["$.name[*]", []],
    ["$.name.*", []],
    ["$.zero[*]", []],
  ]);
});

describe("bracket notation", () => {
  runTable([
    ["$['name']", ["root"]],
    ["$[\"name\"]", ["root"]],
    ["$[ 'name' ]", ["root"]],
    ["$.obj['sp ace']", [3]],
    ["$.obj['q\\'uote']", [4]],
    ["$.obj[\"q'uote\"]", [4]],
    ["$.obj[\"d\\\"q\"]", [5]],
    ["$.obj['a.b']", ["dotted"]],
    ["$.obj['']", ["empty key"]],
    ["$.obj['\\u00fc']", [6]],
    ["$.obj['0']", ["zero-key"]],
    ["$.obj['length']", ["own length"]],
    ["$['obj']['b']['c']", ["deep"]],
    ["$['nope']", []],
  ]);
});

describe("array indexes", () => {
  runTable([
    ["$.arr[0]", [10]],
    ["$.arr[4]", [50]],
    ["$.arr[5]", []],
    ["$.arr[-1]", [50]],
    ["$.arr[-5]", [10]],
    ["$.arr[-6]", []],
    ["$.arr[01]", [20]],
    ["$.matrix[1][0]", [3]],
    ["$.matrix[-1][-1]", [4]],
    ["$.emptyArr[0]", []],
    ["$.emptyArr[-1]", []],
  ]);
});

describe("slices", () => {
  runTable([
    ["$.arr[1:3]", [20, 30]],
    ["$.arr[:2]", [10, 20]],
    ["$.arr[3:]", [40, 50]],
    ["$.arr[:]", [10, 20, 30, 40, 50]],
    ["$.arr[-2:]", [40, 50]],
    ["$.arr[:-3]", [10, 20]],
    ["$.arr[-100:100]", [10, 20, 30, 40, 50]],
    ["$.arr[::2]", [10, 30, 50]],
    ["$.arr[1:2:]", [20]],
    ["$.arr[::-1]", [50, 40, 30, 20, 10]],
    ["$.arr[4:1:-2]", [50, 30]],
    ["$.arr[-1:-3:-1]", [50, 40]],
    ["$.arr[10:20]", []],
    ["$.arr[3:1]", []],
    ["$.arr[1:3:-1]", []],
    ["$.emptyArr[:]", []],
    ["$.name[0:2]", []],
    ["$.obj[0:2]", []],
  ]);
});

describe("wildcards", () => {
  runTable([
    ["$.arr[*]", [10, 20, 30, 40, 50]],
    ["$.arr.*", [10, 20, 30, 40, 50]],
    ["$.obj.b.*", ["deep"]],
    ["$.obj.b[*]", ["deep"]],
    ["$.emptyArr[*]", []],
    ["$.emptyObj.*", []],
    ["$.matrix[*][*]", [1, 2, 3, 4]],
    ["$.users[*].name", ["ann", "bob", "cy"]],
    ["$.users[*].roles", [["admin"], []]],
    ["$.users[*].roles[*]", ["admin"]],
    ["$.mixed[*]", [1, "two", null, true, { k: "v" }, [5]]],
    ["$.mixed[*][*]", ["v", 5]],
  ]);
});

describe("unions", () => {
  runTable([
    ["$.arr[0,2]", [10, 30]],
    ["$.arr[2,0]", [30, 10]],
    ["$.arr[0,0]", [10, 10]],
    ["$.arr[0,-1]", [10, 50]],
    ["$.arr[0,99]", [10]],
    ["$.arr[0:2,4]", [10, 20, 50]],
    ["$['name','zero']", ["root", 0]],
    ["$['name', 'nope']", ["root"]],
    ["$.obj['a',0]", [1]],
  ]);
});

describe("deep scan", () => {
  runTable([
    ["$..c", ["deep"]],
    ["$..id", [1, 2, 3]],
    ["$..name", ["root", "ann", "bob", "cy"]],
    ["$..roles[*]", ["admin"]],
    ["$..nope", []],
    ["$..['id','name']", ["root", 1, "ann", 2, "bob", 3, "cy"]],
    // pre-order: each array visited before its contents
    ["$..[0]", [10, "red", doc.users[0], "admin", [1, 2], 1, 3, 1, 5]],
    ["$.users..name", ["ann", "bob", "cy"]],
    ["$.matrix..[1]", [[3, 4], 2, 4]],
  ]);
  const small = { a: { b: [1, { c: 2 }] }, d: 3 };
  runTable([
    ["$..*", [{ b: [1, { c: 2 }] }, 3, [1, { c: 2 }], 1, { c: 2 }, 2]],
    ["$..[*]", [{ b: [1, { c: 2 }] }, 3, [1, { c: 2 }], 1, { c: 2 }, 2]],
    ["$.a..*", [[1, { c: 2 }], 1, { c: 2 }, 2]],
    ["$..b[1].c", [2]],
    ["$.d..*", []],
  ], small);
});

describe("length()", () => {
  runTable([
    ["$.tags.length()", [3]],
    ["$.name.length()", [4]],
    ["$.obj.b.length()", [1]],
    ["$.emptyArr.length()", [0]],
    ["$.emptyObj.length()", [0]],
    ["$.zero.length()", []],
    ["$.n.length()", []],
    ["$.f.length()", []],
    ["$.missing.length()", []],
    ["$.length()", [Object.keys(doc).length]],
    ["$.users[*].name.length()", [3, 3, 2]],
    ["$.users[*].roles.length()", [1, 0]],
    ["$.obj.length()", [Object.keys(doc.obj).length]],
  ]);
  test("counts UTF-16 code units, like Java's String.length()", () => {
    assert.deepEqual(compilePath("$.s.length()").evaluate({ s: "a😀" }), [3]);
  });
});

describe("definite", () => {
  const table: ReadonlyArray<readonly [string, boolean]> = [
    ["$", true],
    ["$.a.b[0]", true],
    ["$.a[-1]", true],
    ["$['a']", true],
    ["$.a.length()", true],
    ["$[*]", false],
    ["$.*", false],
    ["$..a", false],
    ["$[0,1]", false],
    ["$['a','b']", false],
    ["$[0:1]", false],
    ["$[?(@.a)]", false],
    ["$.a[*].length()", false],
  ];
  for (const [path, definite] of table) {
    test(`${path} is ${definite ? "" : "not "}definite`, () => {
      const compiled = compilePath(path);
      assert.equal(compiled.definite, definite);
      assert.equal(compiled.source, path);
    });
  }
});

describe("first()", () => {
  const table: ReadonlyArray<readonly [string, unknown]> = [
    ["$.tags", ["red", "green", "blue"]],
    ["$.tags[*]", "red"],
    ["$.missing", undefined],
    ["$.n", null],
    ["$..id", 1],
    ["$.users[?(@.id > 1)].name", "bob"],
    ["$.arr[::-1]", 50],
    ["$.emptyArr[*]", undefined],
  ];
  for (const [path, expected] of table) {
    test(`${path} -> ${JSON.stringify(expected)}`, () => {
      assert.deepEqual(compilePath(path).first(doc), expected);
    });
  }

  test("stops at the first value instead of reading the rest", () => {
    const trap: unknown[] = [1];
    Object.defineProperty(trap, 1, { enumerable: true, get: () => assert.fail("read past the first value") });
    const payload = { list: trap, nested: { list: trap } };
    assert.equal(compilePath("$.list[*]").first(payload), 1);
    assert.equal(compilePath("$..list[*]").first(payload), 1);
    assert.equal(compilePath("$.list[?(@ == 1)]").first(payload), 1);
    assert.throws(() => compilePath("$.list[*]").evaluate(payload));
  });

  test("undefined document yields nothing", () => {
    assert.deepEqual(compilePath("$").evaluate(undefined), []);
    assert.equal(compilePath("$..*").first(undefined), undefined);
  });
});

// The Goessner bookstore, with a few fields added to exercise null, tags and length().
const store = {
  store: {
    book: [
      { category: "reference", author: "Nigel Rees", title: "Sayings of the Century", price: 8.95, tags: ["classic", "quotes"] },
      { category: "fiction", author: "Evelyn Waugh", title: "Sword of Honour", price: 12.99, edition: null },
      { category: "fiction", author: "Herman Melville", title: "Moby Dick", isbn: "0-553-21311-3", price: 8.99 },
      {
        category: "fiction", author: "J. R. R. Tolkien", title: "The Lord of the Rings", isbn: "0-395-19395-8", price: 22.99,
        tags: ["fantasy", "epic", "trilogy"],
      },
    ],
    bicycle: { color: "red", price: 19.95 },
  },
  expensive: 10,
};

const SAYINGS = "Sayings of the Century";
const SWORD = "Sword of Honour";
const MOBY = "Moby Dick";
const LOTR = "The Lord of the Rings";

describe("bookstore: classic paths", () => {
  runTable([
    ["$.store.book[*].author", ["Nigel Rees", "Evelyn Waugh", "Herman Melville", "J. R. R. Tolkien"]],
    ["$..author", ["Nigel Rees", "Evelyn Waugh", "Herman Melville", "J. R. R. Tolkien"]],
    ["$.store..price", [8.95, 12.99, 8.99, 22.99, 19.95]],
    ["$..book[2].title", [MOBY]],
    ["$..book[-1].title", [LOTR]],
    ["$..book[0,1].title", [SAYINGS, SWORD]],
    ["$..book[:2].title", [SAYINGS, SWORD]],
    ["$..book.length()", [4]],
    ["$.store.*.color", ["red"]],
  ], store);
});

describe("bookstore: filters", () => {
  runTable([
    ["$.store.book[?(@.isbn)].title", [MOBY, LOTR]],
    ["$.store.book[?@.isbn].title", [MOBY, LOTR]],
    ["$.store.book[?(!@.isbn)].title", [SAYINGS, SWORD]],
    ["$.store.book[?(@.edition)].title", [SWORD]],
    ["$.store.book[?(@.edition == null)].title", [SWORD]],
    ["$.store.book[?(@.nope == null)].title", []],
    ["$.store.book[?(@.nope != 'x')].title", [SAYINGS, SWORD, MOBY, LOTR]],
    ["$.store.book[?(@.price < 10)].title", [SAYINGS, MOBY]],
    ["$.store.book[?(@.price <= 8.99)].title", [SAYINGS, MOBY]],
    ["$.store.book[?(@.price > 12.99)].title", [LOTR]],
    ["$.store.book[?(@.price >= 12.99)].title", [SWORD, LOTR]],
    ["$.store.book[?(@.price == 8.95)].title", [SAYINGS]],
    ["$.store.book[?(@.price != 8.95)].title", [SWORD, MOBY, LOTR]],
    ["$.store.book[?(@.price == '8.95')].title", []],
    ["$.store.book[?(@.price > 'a')].title", []],
    ["$.store.book[?(@.category > 'g')].title", [SAYINGS]],
    ["$.store.book[?(@.price <= $.expensive)].title", [SAYINGS, MOBY]],
    ["$.store.book[?(@.price > $.expensive)].title", [SWORD, LOTR]],
    ["$.store.book[?(@.price > $.nope)].title", []],
    ["$.store.book[?(@.category == 'fiction')].author", ["Evelyn Waugh", "Herman Melville", "J. R. R. Tolkien"]],
    ["$.store.book[?(@.category == \"reference\")].title", [SAYINGS]],
    ["$.store.book[?(@.category != 'fiction')].title", [SAYINGS]],
    ["$.store.book[?('fiction' == @.category && 22.99 == @.price)].title", [LOTR]],
    ["$.store.book[?(@['category'] == 'reference')].title", [SAYINGS]],
    ["$.store.book[?(@.author == $.store.book[0].author)].title", [SAYINGS]],
    ["$.store.book[?(@.author =~ /tolkien/i)].title", [LOTR]],
    ["$.store.book[?(@.author =~ /^J\\. R/)].title", [LOTR]],
    ["$.store.book[?(@.category =~ /fic/)].title", [SWORD, MOBY, LOTR]],
    ["$.store.book[?(@.title =~ /[/]|Dick$/)].title", [MOBY]],
    ["$.store.book[?(@.price =~ /8/)].title", []],
    ["$.store.book[?(@.category in ['reference', 'poetry'])].title", [SAYINGS]],
    ["$.store.book[?(@.category nin ['reference'])].title", [SWORD, MOBY, LOTR]],
    ["$.store.book[?(@.price in [8.95, 22.99])].title", [SAYINGS, LOTR]],
    ["$.store.book[?(@.price in ['8.95'])].title", []],
    ["$.store.book[?(@.nope nin ['x'])].title", [SAYINGS, SWORD, MOBY, LOTR]],
    ["$.store.book[?(@.tags in [['classic', 'quotes']])].title", [SAYINGS]],
    ["$.store.book[?(@.tags == ['classic', 'quotes'])].title", [SAYINGS]],
    ["$.store.book[?(@.tags == ['quotes', 'classic'])].title", []],
    ["$.store.book[?(@.price > 10 && @.isbn)].title", [LOTR]],
    ["$.store.book[?(@.price < 9 || @.price > 20)].title", [SAYINGS, MOBY, LOTR]],
    ["$.store.book[?(@.price > 10 && @.category == 'fiction' || @.author == 'Nigel Rees')].title", [SAYINGS, SWORD, LOTR]],
    ["$.store.book[?(@.price > 10 && (@.category == 'reference' || @.isbn))].title", [LOTR]],
    ["$.store.book[?(!(@.price < 10))].title", [SWORD, LOTR]],
    ["$.store.book[?(!!@.isbn)].title", [MOBY, LOTR]],
    ["$.store.book[?(@.tags.length() > 2)].title", [LOTR]],
    ["$.store.book[?(@.tags.length() >= 2)].title", [SAYINGS, LOTR]],
    ["$.store.book[?(@.title.length() < 10)].title", [MOBY]],
    ["$.store.book[?(@.tags[?(@ == 'epic')])].title", [LOTR]],
    ["$.store.book[?(@.tags[*])].title", [SAYINGS, LOTR]],
    ["$.store.book[?(@.price > 10)][?(@.isbn)].title", [LOTR]],
    ["$.store.book[?(@.price > 100)]", []],
    ["$.store.book[?(true == true)].price", [8.95, 12.99, 8.99, 22.99]],
    ["$.store.book[3].tags[?(@ =~ /^e/)]", ["epic"]],
    ["$.store.book[*].tags[?(@ != 'classic')]", ["quotes", "fantasy", "epic", "trilogy"]],
    ["$..book[?(@.price < 10)].price", [8.95, 8.99]],
    // after .., a filter tests each object at or below the node (Jayway's scan)
    ["$..[?(@.price > 19)].price", [22.99, 19.95]],
    ["$..[?(@.color)].color", ["red"]],
    // on an object, a filter tests the object itself (Jayway)
    ["$[?(@.expensive == 10)].expensive", [10]],
    ["$[?(@.expensive == 11)]", []],
    ["$.store[?(@.bicycle)].bicycle.color", ["red"]],
    ["$.store.bicycle[?(@.color == 'red')].price", [19.95]],
    ["$.expensive[?(@ == 10)]", []],
  ], store);
});

describe("filters: in/nin with paths, strings, scalars, nested filters", () => {
  const acl = {
    allowed: ["admin", "owner"],
    users: [
      { name: "ann", role: "admin", roles: ["admin", "dev"] },
      { name: "bob", role: "dev", roles: ["dev"] },
      { name: "cy" },
    ],
  };
  runTable([
    ["$.users[?(@.role in $.allowed)].name", ["ann"]],
    ["$.users[?(@.role nin $.allowed)].name", ["bob", "cy"]],
    ["$.users[?('admin' in @.roles)].name", ["ann"]],
    ["$.users[?('dev' nin @.roles)].name", ["cy"]],
    ["$.users[?(@.role in $.nope)].name", []],
    ["$.users[?(@.role in $.users[0].name)].name", []],
    ["$.users[?(@.roles.length() == 2)].name", ["ann"]],
    ["$.users[?(@.name == $.users[2].name)].name", ["cy"]],
    ["$.users[?(@.role)].name", ["ann", "bob"]],
    ["$.users[?(@.role =~ /^(admin|owner)$/)].name", ["ann"]],
    ["$.users[?(@.roles[?(@ == 'dev')])].name", ["ann", "bob"]],
    ["$.users[?(@.roles[0] == 'dev')].name", ["bob"]],
    ["$.users[?(@.roles[-1] == 'dev')].name", ["ann", "bob"]],
    ["$.allowed[?(@ in ['owner'])]", ["owner"]],
    ["$.allowed[?(@ > 'b')]", ["owner"]],
    ["$.allowed[?(@)]", ["admin", "owner"]],
    ["$.users[?(@.name < 'b')].name", ["ann"]],
    ["$.users[?(@.name <= 'bob')].name", ["ann", "bob"]],
    ["$.users[?(@.missing < 1 || @.name >= 'c')].name", ["cy"]],
    ["$.users[?(@.role != 'dev')].name", ["ann", "cy"]],
    ["$.users[?(!(@.role == 'dev'))].name", ["ann", "cy"]],
    ["$.users[?(@.name == 'ann' && @.role == 'admin' && @.roles.length() > 1)].name", ["ann"]],
  ], acl);
  runTable([
    ["$[?(@ == 'it\\'s')]", ["it's"]],
    ["$[?(@ == \"say \\\"hi\\\"\")]", ["say \"hi\""]],
    ["$[?(@ == '\\u00e9')]", ["é"]],
    ["$[?(@ == -1.5e1)]", [-15]],
    ["$[?(@ == 0)]", [0]],
    ["$[?(@ == false)]", [false]],
    ["$[?(@ == null)]", [null]],
    ["$[?(@ != null)]", ["it's", "say \"hi\"", "é", -15, 0, false, [1, [2]]]],
    ["$[?(@ == [1, [2]])]", [[1, [2]]]],
    ["$[?(@ in [[1, [2]], 0])]", [0, [1, [2]]]],
    ["$[?(@ < 0)]", [-15]],
    ["$[?(@ >= 0)]", [0]],
  ], ["it's", "say \"hi\"", "é", -15, 0, false, null, [1, [2]]]);
});

describe("syntax errors name the position and the reason", () => {
  const table: ReadonlyArray<readonly [string, number, string]> = [
    ["", 0, "empty"],
    ["a.b", 0, "starts with $"],
    ["@.a", 0, "@ is only allowed inside a filter"],
    ["$.max()", 5, "function calls other than length() are not supported"],
    ["$.a.size()", 8, "function calls other than length()"],
    ["$.a.", 4, "expected a name or * after '.'"],
    ["$. a", 2, "expected a name or * after '.'"],
    ["$.'a'", 2, "expected a name or * after '.'"],
    ["$.a..", 5, "expected a name, * or [ after '..'"],
    ["$...a", 3, "expected a name, * or [ after '..'"],
    ["$[", 2, "expected a quoted name"],
    ["$[]", 2, "empty brackets"],
    ["$[0", 3, "expected , or ]"],
    ["$['a", 2, "unterminated string"],
    ["$['a\\q']", 4, "unknown escape"],
    ["$['\\u12']", 3, "four hex digits"],
    ["$[a]", 2, "names in brackets must be quoted, e.g. ['a']"],
    ["$[(@.length-1)]", 2, "script expressions"],
    ["$[?]", 3, "placeholder filters [?] are not supported"],
    ["$[*,0]", 3, "* cannot be combined"],
    ["$[0,*]", 4, "* cannot be combined"],
    ["$[0,?(@.a)]", 4, "a filter cannot be combined"],
    ["$.a b", 4, "expected ., .. or ["],
    ["$.a`b`", 3, "backticks are not supported"],
    ["$[0.5]", 2, "whole numbers"],
    ["$[1e3]", 2, "whole numbers"],
    ["$[99999999999999999999]", 2, "too large"],
    ["$[::0]", 4, "step cannot be 0"],
    ["$[?(@.a = 1)]", 8, "use == to compare"],
    ["$[?(@.a & @.b)]", 8, "use &&"],
    ["$[?(@.a | @.b)]", 8, "use ||"],
    ["$[?(@.a == 1)", 13, "expected ] to close the filter"],
    ["$[?(@.a == 1]", 12, "expected ) to close the parenthesis"],
    ["$[?(@.a == )]", 11, "expected a value or a path"],
    ["$[?(1)]", 4, "a value alone is not a condition"],
    ["$[?(@.a == foo)]", 11, "unknown word 'foo'"],
    ["$[?(@.a == {})]", 11, "object literals are not supported"],
    ["$[?(@.a + 1 > 2)]", 8, "arithmetic is not supported"],
    ["$[?(@.a == 1e999)]", 11, "too large"],
    ["$[?(@.a in 'x')]", 11, "in needs a list"],
    ["$[?(@.a nin 3)]", 12, "nin needs a list"],
    ["$[?(@.a[*] == 1)]", 4, "must point at one value"],
    ["$[?(@.a == $..b)]", 11, "must point at one value"],
    ["$[?(@..a =~ /x/)]", 4, "must point at one value"],
    ["$[?(@.a =~ 'x')]", 11, "expected a regular expression"],
    ["$[?(@.a =~ /abc)]", 11, "unterminated regular expression"],
    ["$[?(@.a =~ /[/)]", 11, "unterminated regular expression"],
    ["$[?(@.a =~ /(a/)]", 11, "missing closing )"],
    ["$[?(@.a =~ /a{2,1}/)]", 11, "invalid repeat count"],
    ["$[?(@.a =~ /a/g)]", 11, "flag 'g' is not supported"],
    ["$[?(@.a =~ /(?=a)/)]", 11, "lookahead"],
    ["$[?(@.a =~ /(a)\\1/)]", 11, "back-references"],
    ["$.a.length().b", 12, "length() must be the last step"],
    ["$.a.length()[0]", 12, "length() must be the last step"],
    ["$.a.length(1)", 11, "length() takes no arguments"],
    ["$..length()", 9, "functions cannot follow '..'"],
    ["$[?(@.constructor.constructor('return process')())]", 29, "function calls other than length()"],
    ["$.a[?(@.b == 'x')", 17, "expected ] to close the filter"],
    ["$['a'.'b']", 5, "expected , or ]"],
    ["$.a\u0000", 3, "not part of the supported JSONPath syntax"],
    ["$.a)", 3, "expected ., .. or ["],
    ["$$", 1, "expected ., .. or ["],
  ];
  for (const [path, position, reason] of table) {
    test(`${JSON.stringify(path)} fails at ${position}`, () => {
      assert.throws(() => compilePath(path), (error: unknown) => {
        assert.ok(error instanceof PathSyntaxError, `expected PathSyntaxError, got ${String(error)}`);
        assert.equal(error.position, position, error.message);
        assert.ok(error.reason.includes(reason), `reason ${JSON.stringify(error.reason)} lacks ${JSON.stringify(reason)}`);
        assert.ok(error.message.includes(`at ${position}`), error.message);
        assert.ok(error.message.includes(error.reason), error.message);
        return true;
      });
    });
  }

  test("a path that is not a string is refused", () => {
    assert.throws(() => compilePath(42 as unknown as string), PathSyntaxError);
    assert.throws(() => compilePath(null as unknown as string), PathSyntaxError);
  });

  test("the message shows the character, the position and the reason", () => {
    assert.throws(() => compilePath("$.max()"), {
      name: "PathSyntaxError",
      message: "unexpected character '(' at 5: function calls other than length() are not supported",
    });
    assert.throws(() => compilePath("$.a["), { message: /^unexpected end of path at 4: / });
  });
});

describe("hostile input", () => {
  test(`a path of ${MAX_PATH_LENGTH} characters compiles and walks a deep document`, () => {
    const longest = "$" + ".a".repeat((MAX_PATH_LENGTH - 1) / 2) + "b";
    assert.equal(longest.length, MAX_PATH_LENGTH);
    assert.ok(compilePath(longest).definite);
    const levels = (MAX_PATH_LENGTH - 4) / 2;
    let deep: unknown = { b: "bottom" };
    for (let i = 0; i < levels; i++) deep = { a: deep };
    assert.deepEqual(compilePath("$" + ".a".repeat(levels) + ".b").evaluate(deep), ["bottom"]);
  });

  test(`a path over ${MAX_PATH_LENGTH} characters is refused before parsing`, () => {
    const path = "$" + ".a".repeat(MAX_PATH_LENGTH);
    assert.throws(() => compilePath(path), (error: unknown) =>
      error instanceof PathSyntaxError && error.position === MAX_PATH_LENGTH && /at most 1000 characters/.test(error.reason));
  });

  const depthCases: ReadonlyArray<readonly [string, string, number]> = [
    ["parentheses", "$[?(" + "(".repeat(40) + "@.a" + ")".repeat(40) + ")]", 34],
    ["negations", "$[?(" + "!".repeat(50) + "@.a)]", 34],
    ["nested filters", "$" + "[?(@".repeat(20) + ")]".repeat(20), 65],
    ["list literals", "$[?(@.a in " + "[".repeat(40) + "]".repeat(40) + ")]", 41],
  ];
  for (const [what, path, position] of depthCases) {
    test(`nesting deeper than ${MAX_NESTING_DEPTH} levels of ${what} is refused`, () => {
      assert.throws(() => compilePath(path), (error: unknown) =>
        error instanceof PathSyntaxError && error.position === position && error.reason.includes("nesting deeper than 32"));
    });
  }

  test("nesting up to the limit is fine", () => {
    const path = "$[?(" + "(".repeat(30) + "@.a" + ")".repeat(30) + ")]";
    assert.deepEqual(compilePath(path).evaluate([{ a: 1 }, { b: 1 }]), [{ a: 1 }]);
  });

  test("long chains of && and || do not nest", () => {
    const path = "$[?(" + Array.from({ length: 120 }, (_, i) => `@.k${i % 10}`).join(" || ") + ")]";
    assert.ok(path.length <= MAX_PATH_LENGTH);
    assert.deepEqual(compilePath(path).evaluate([{ k3: 1 }, { x: 1 }]), [{ k3: 1 }]);
  });

  test("$..* on a document 20,000 levels deep returns every level", () => {
    const depth = 20_000;
    let deep: unknown = { leaf: true };
    for (let i = 0; i < depth; i++) deep = i % 2 === 0 ? [deep] : { x: deep };
    assert.equal(compilePath("$..*").evaluate(deep).length, depth + 1);
    assert.deepEqual(compilePath("$..leaf").evaluate(deep), [true]);
    assert.equal(compilePath("$..[?(@.leaf)]").first(deep), compilePath("$..[?(@.leaf)]").evaluate(deep)[0]);
  });

  test("$..* on a wide document", () => {
    const wide = { list: Array.from({ length: 50_000 }, (_, i) => ({ i })) };
    assert.equal(compilePath("$..i").evaluate(wide).length, 50_000);
  });

  test("a catastrophic regex on a hostile string still returns", () => {
    const payload = [{ s: "a".repeat(100_000) + "!" }, { s: "aaaa" }];
    assert.deepEqual(compilePath("$[?(@.s =~ /(a+)+$/)]").evaluate(payload), [{ s: "aaaa" }]);
    assert.deepEqual(compilePath("$[?(@.s =~ /^(a|aa)*$/)]").evaluate(payload), [{ s: "aaaa" }]);
  });

  const evalAttempts = [
    "$[?(@.constructor.constructor('return process')())]",
    "$[(this.constructor.constructor('return process')())]",
    "$[?(eval('1'))]",
    "$.a;process.exit()",
    "$[?(@.a == `x`)]",
    "$[?(@.a == ${x})]",
    "$..[?(@.toString())]",
    "$[?(@.a == process.env)]",
    "$[?(require('fs'))]",
  ];
  for (const path of evalAttempts) {
    test(`code is never run: ${path}`, () => {
      assert.throws(() => compilePath(path), PathSyntaxError);
    });
  }

  test("prototype members are not own properties", () => {
    const payload = JSON.parse('{"a":{"b":1},"list":[1,2]}') as unknown;
    for (const path of [
      "$.__proto__", "$['__proto__']", "$.constructor", "$.constructor.name", "$.toString", "$.hasOwnProperty",
      "$.a.__proto__", "$..constructor", "$..__proto__", "$.list.constructor", "$.list.map", "$.list.length",
      "$.a.b.constructor", "$[?(@.constructor)]", "$[?(@.__proto__)]", "$.list[?(@.constructor)]",
    ]) {
      assert.deepEqual(compilePath(path).evaluate(payload), [], path);
    }
  });

  test("an own __proto__ key from JSON.parse is an ordinary property", () => {
    const payload = JSON.parse('{"__proto__":{"x":1},"constructor":"c"}') as unknown;
    assert.deepEqual(compilePath("$.__proto__.x").evaluate(payload), [1]);
    assert.deepEqual(compilePath("$.constructor").evaluate(payload), ["c"]);
    assert.deepEqual(compilePath("$..*").evaluate(payload), [{ x: 1 }, "c", 1]);
    assert.deepEqual(compilePath("$[?(@.__proto__.x == 1)].constructor").evaluate(payload), ["c"]);
  });

  test("a polluted Object.prototype does not leak into results", () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto.polluted = "yes";
    try {
      const payload = { a: 1 };
      assert.deepEqual(compilePath("$.*").evaluate(payload), [1]);
      assert.deepEqual(compilePath("$..*").evaluate(payload), [1]);
      assert.deepEqual(compilePath("$.polluted").evaluate(payload), []);
      assert.deepEqual(compilePath("$.length()").evaluate(payload), [1]);
      assert.deepEqual(compilePath("$[?(@.polluted)]").evaluate(payload), []);
    } finally {
      delete proto.polluted;
    }
  });
});

describe("compile once, evaluate many", () => {
  test("a compiled path is frozen and reusable across documents", () => {
    const compiled = compilePath("$.users[?(@.id >= 2)].name");
    assert.ok(Object.isFrozen(compiled));
    assert.deepEqual(compiled.evaluate(doc), ["bob", "cy"]);
    assert.deepEqual(compiled.evaluate({ users: [{ id: 5, name: "eve" }] }), ["eve"]);
    assert.deepEqual(compiled.evaluate({ users: "nope" }), []);
    assert.deepEqual(compiled.evaluate(null), []);
  });

  test("evaluate returns a fresh list each time", () => {
    const compiled = compilePath("$.arr[*]");
    const first = compiled.evaluate(doc);
    first.push("mutated");
    assert.deepEqual(compiled.evaluate(doc), [10, 20, 30, 40, 50]);
  });
});
