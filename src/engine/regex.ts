import { RE2JS, RE2JSException } from "re2js";
import { Memo } from "./memo";

export const MAX_REGEX_LENGTH = 1000;

/** Unanchored search, as `RegExp.prototype.test` without the `g` flag. */
export type RegexMatcher = (input: string) => boolean;

/** A pattern or flag the linear-time engine refuses; `reason` says what to change. */
export class RegexError extends Error {
  override readonly name = "RegexError";

  constructor(readonly reason: string) {
    super(`invalid regular expression: ${reason}`);
  }
}

const FLAG_BITS: Readonly<Record<string, number>> = {
  i: RE2JS.CASE_INSENSITIVE,
  m: RE2JS.MULTILINE,
  s: RE2JS.DOTALL,
};

/**
 * JavaScript constructs RE2 cannot run in linear time. re2js would reject most of them with a terse
 * parser message, and would silently read `\k<name>` as the literal text "k<name>", so they are
 * named here with what to do instead.
 */
function findUnsupported(pattern: string): string | undefined {
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") {
      const next = pattern[i + 1];
      if (!inClass && next !== undefined && next >= "1" && next <= "9") {
        return `back-references like \\${next} are not supported by the linear-time engine`;
      }
      if (!inClass && next === "k" && pattern[i + 2] === "<") {
        return "named back-references like \\k<name> are not supported by the linear-time engine";
      }
      i++;
    } else if (inClass) {
      if (c === "]") inClass = false;
    } else if (c === "[") {
      inClass = true;
    } else if (c === "(" && pattern[i + 1] === "?") {
      const kind = pattern.slice(i + 2, i + 4);
      if (kind[0] === "=" || kind[0] === "!" || kind === "<=" || kind === "<!") {
        return "lookahead and lookbehind assertions like (?=...) and (?<=...) are not supported by the linear-time engine";
      }
    }
  }
  return undefined;
}

function flagBits(flags: string): number {
  let bits = 0;
  for (const flag of flags) {
    const bit = FLAG_BITS[flag];
    if (bit === undefined) throw new RegexError(`flag '${flag}' is not supported; only i, m and s are allowed`);
    if ((bits & bit) !== 0) throw new RegexError(`flag '${flag}' is given twice`);
    bits |= bit;
  }
  return bits;
}

/**
 * Compiles a JavaScript-syntax regular expression to a linear-time matcher (re2js), so that a
 * pattern like (a+)+$ cannot stall the engine on a hostile payload. Alerts with the same pattern
 * share one matcher.
 */
export function compileRegex(pattern: string, flags = ""): RegexMatcher {
  // "<flags length> <flags><pattern>" reads one way only
  return compiledRegexes.get(`${flags.length} ${flags}${pattern}`, () => compileUncached(pattern, flags));
}

const compiledRegexes = new Memo<RegexMatcher>(10_000);

function compileUncached(pattern: string, flags: string): RegexMatcher {
  if (pattern.length > MAX_REGEX_LENGTH) {
    throw new RegexError(`the pattern is ${pattern.length} characters long; the limit is ${MAX_REGEX_LENGTH}`);
  }
  const bits = flagBits(flags);
  const unsupported = findUnsupported(pattern);
  if (unsupported !== undefined) throw new RegexError(unsupported);
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(RE2JS.translateRegExp(pattern), bits);
  } catch (error) {
    if (error instanceof RE2JSException) {
      throw new RegexError(error.message.replace(/^error parsing regexp: /, ""));
    }
    throw error;
  }
  return (input) => compiled.test(input);
}
