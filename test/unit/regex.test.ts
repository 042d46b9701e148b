import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { compileRegex, MAX_REGEX_LENGTH, RegexError } from "../../src/engine/regex";

describe("compileRegex matches like RegExp.prototype.test (unanchored)", () => {
  const table: ReadonlyArray<readonly [pattern: string, flags: string, input: string, expected: boolean]> = [
    ["abc", "", "xxabcxx", true],
    ["abc", "", "ab", false],
    ["^abc$", "", "abc", true],
    ["^abc$", "", "xabc", false],
    ["^abc$", "", "abc\n", false],
    ["ABC", "i", "xabcx", true],
    ["ABC", "", "abc", false],
    ["é", "i", "É", true],
    ["^b", "m", "a\nb", true],
    ["^b", "", "a\nb", false],
    ["a$", "m", "a\nb", true],
    ["a.b", "s", "a\nb", true],
    ["a.b", "", "a\nb", false],
    ["a.b", "ims", "A\nB", true],
    ["\\d+", "", "abc123", true],
    ["^\\d+$", "", "12a", false],
    ["\\w+\\s\\w+", "", "hello world", true],
    ["\\bword\\b", "", "a word here", true],
    ["\\bword\\b", "", "swordfish", false],
    ["(?<year>\\d{4})-(?<month>\\d{2})", "", "on 2024-05-01", true],
    ["(?:ab)+c", "", "ababc", true],
    ["a|b", "", "zzb", true],
    ["[^]", "", "\n", true],
    ["[a-c]{2,3}", "", "xbcx", true],
    ["\\/", "", "a/b", true],
    ["\\u00e9", "", "café", true],
    ["\\x41", "", "A", true],
    ["\\t", "", "a\tb", true],
    ["", "", "anything", true],
    ["x*", "", "", true],
    ["\\(\\?=x", "", "(?=x", true],
    ["[(?=]", "", "=", true],
    ["(?i)admin", "", "ADMIN", true],
    ["^admin-\\d+$", "", "admin-42", true],
    ["^[^@]+@example\\.com$", "", "alice@example.com", true],
    ["^[^@]+@example\\.com$", "", "alice@example.com.evil", false],
  ];
  for (const [pattern, flags, input, expected] of table) {
    test(`/${pattern}/${flags} on ${JSON.stringify(input)} -> ${expected}`, () => {
      assert.equal(compileRegex(pattern, flags)(input), expected);
    });
  }

  test("a matcher is reusable and stateless (no lastIndex)", () => {
    const matches = compileRegex("a");
    assert.equal(matches("a"), true);
    assert.equal(matches("a"), true);
    assert.equal(matches("b"), false);
  });
});

describe("where RE2 reads JavaScript syntax differently", () => {
  // The linear-time engine's classes are ASCII: documented here so a change shows up.
  test("\\s does not match a no-break space (JavaScript's does)", () => {
    assert.equal(compileRegex("\\s")("\u00a0"), false);
    assert.equal(/\s/.test("\u00a0"), true);
  });

  test(". matches \\r (JavaScript's does not)", () => {
    assert.equal(compileRegex("a.b")("a\rb"), true);
    assert.equal(/a.b/.test("a\rb"), false);
  });
});

describe("compileRegex refuses what it cannot run in linear time, with a reason", () => {
  const table: ReadonlyArray<readonly [pattern: string, flags: string, reason: string]> = [
    ["(", "", "missing closing )"],
    ["[a", "", "missing closing ]"],
    ["a)", "", "unexpected )"],
    ["a**", "", "invalid nested repetition operator"],
    ["*a", "", "missing argument to repetition operator"],
    ["a{1001}", "", "invalid repeat count"],
    ["(?=a)", "", "lookahead and lookbehind"],
    ["x(?!a)", "", "lookahead and lookbehind"],
    ["(?<=a)b", "", "lookahead and lookbehind"],
    ["(?<!a)b", "", "lookahead and lookbehind"],
    ["(a)\\1", "", "back-references like \\1"],
    ["(?<n>a)\\k<n>", "", "named back-references"],
    ["a".repeat(MAX_REGEX_LENGTH + 1), "", "the limit is 1000"],
    ["a", "g", "flag 'g' is not supported; only i, m and s are allowed"],
    ["a", "y", "flag 'y' is not supported"],
    ["a", "u", "flag 'u' is not supported"],
    ["a", "d", "flag 'd' is not supported"],
    ["a", "x", "flag 'x' is not supported"],
    ["a", "ii", "flag 'i' is given twice"],
  ];
  for (const [pattern, flags, reason] of table) {
    test(`/${pattern.length > 20 ? pattern.slice(0, 20) + "…" : pattern}/${flags}: ${reason}`, () => {
      assert.throws(() => compileRegex(pattern, flags), (error: unknown) => {
        assert.ok(error instanceof RegexError, String(error));
        assert.ok(error.reason.includes(reason), error.reason);
        assert.equal(error.message, `invalid regular expression: ${error.reason}`);
        return true;
      });
    });
  }

  test(`a pattern of exactly ${MAX_REGEX_LENGTH} characters is accepted`, () => {
    assert.equal(compileRegex("a".repeat(MAX_REGEX_LENGTH))("a".repeat(MAX_REGEX_LENGTH)), true);
  });
});

describe("hostile patterns finish", () => {
  const hostile: ReadonlyArray<readonly [string, string]> = [
    ["(a+)+$", "a".repeat(100_000) + "!"],
    ["^(a|aa)*$", "a".repeat(50_000) + "b"],
    ["(x+x+)+y", "x".repeat(50_000)],
    ["^(\\w+\\s?)*$", "word ".repeat(10_000) + "!"],
    ["(.*a){20}", "a".repeat(10_000)],
  ];
  for (const [pattern, input] of hostile) {
    test(`/${pattern}/ on ${input.length} characters returns`, () => {
      assert.equal(typeof compileRegex(pattern)(input), "boolean");
    });
  }
});
