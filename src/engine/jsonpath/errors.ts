/**
 * A path the compiler refuses. `position` is the 0-based offset in the source where the problem was
 * found; `reason` says what to write instead, so the API can show both next to the field.
 */
export class PathSyntaxError extends Error {
  override readonly name = "PathSyntaxError";

  constructor(
    message: string,
    readonly position: number,
    readonly reason: string,
  ) {
    super(message);
  }
}

function describeChar(ch: string): string {
  if (ch === "'") return `"'"`;
  const shown = JSON.stringify(ch).slice(1, -1);
  return `'${shown}'`;
}

/** An error pointing at the character at `position` (or at the end of the path). */
export function unexpectedAt(source: string, position: number, reason: string): PathSyntaxError {
  if (position >= source.length) {
    return new PathSyntaxError(`unexpected end of path at ${position}: ${reason}`, position, reason);
  }
  const cp = source.codePointAt(position) ?? 0;
  const ch = String.fromCodePoint(cp);
  return new PathSyntaxError(`unexpected character ${describeChar(ch)} at ${position}: ${reason}`, position, reason);
}

/** An error about a well-formed but unsupported or out-of-range construct starting at `position`. */
export function invalidAt(position: number, reason: string): PathSyntaxError {
  return new PathSyntaxError(`invalid path at ${position}: ${reason}`, position, reason);
}
