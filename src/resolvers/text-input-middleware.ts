import type { MiddlewareFn } from "type-graphql";
import { AppError } from "../services/errors";
import type { RequestContext } from "./context";

// PostgreSQL text and jsonb refuse U+0000 and unpaired surrogates: refuse them in any argument up front,
// naming where, rather than failing in the database.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The path of the first string (or key) in the arguments that cannot be stored, or null. Iterative. */
export function unstorableTextAt(args: Record<string, unknown>): string | null {
  const stack: [unknown, string][] = Object.entries(args).map(([k, v]) => [v, k]);
  while (stack.length > 0) {
    const [value, path] = stack.pop()!;
    if (typeof value === "string") {
      if (UNSTORABLE.test(value)) return path;
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => stack.push([item, `${path}[${i}]`]));
    } else if (value !== null && typeof value === "object" && !(value instanceof Date)) {
      for (const [key, inner] of Object.entries(value)) {
        if (UNSTORABLE.test(key)) return `${path} (a key)`;
        stack.push([inner, `${path}.${key}`]);
      }
    }
  }
  return null;
}

export const textInputMiddleware: MiddlewareFn<RequestContext> = async ({ args }, next) => {
  if (args && Object.keys(args).length > 0) {
    const found = unstorableTextAt(args);
    if (found !== null) {
      // Fields are named inside the input object, as the services name them ("conditions[0].path"); a
      // JSON value (an event's payload, a condition's operand) is the field, the place inside it is told.
      const path = found.replace(/^(input|alert)\./, "");
      const json = /^(.*?(?:\.payload|\]\.value|^value))(?=[.[ ]|$)(.*)$/.exec(path);
      const field = json ? json[1] : path;
      const inside = json && json[2] ? ` (at ${json[2].trim()})` : "";
      throw new AppError("BAD_USER_INPUT", `${field}: contains U+0000 or an unpaired surrogate${inside}, which cannot be stored; remove it`, [
        { field, message: `contains U+0000 or an unpaired surrogate${inside}` },
      ]);
    }
  }
  return next();
};
