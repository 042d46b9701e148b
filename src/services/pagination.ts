import { AppError } from "./errors";

export const DEFAULT_PAGE_SIZE = 50;
/** PostgreSQL's bigint: a cursor beyond it was never handed out. */
const MAX_POSITION = 9223372036854775807n;
export const MAX_PAGE_SIZE = 100;

export interface Page<T> {
  readonly items: readonly { node: T; cursor: string }[];
  readonly hasNextPage: boolean;
  readonly hasPreviousPage: boolean;
  readonly totalCount: number;
}

/** A page from up to limit + 1 rows read (one more than shown tells whether another page follows). */
export function pageOf<T>(rows: readonly T[], limit: number, hasPrevious: boolean, total: number, cursor: (row: T) => string): Page<T> {
  return {
    items: rows.slice(0, limit).map((node) => ({ node, cursor: cursor(node) })),
    hasNextPage: rows.length > limit,
    hasPreviousPage: hasPrevious,
    totalCount: total,
  };
}

/** `first` from 1 to 100, 50 when absent. */
export function pageSize(first: number | null | undefined): number {
  if (first === undefined || first === null) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw new AppError("BAD_USER_INPUT", `first: must be from 1 to ${MAX_PAGE_SIZE}`, [
      { field: "first", message: `must be from 1 to ${MAX_PAGE_SIZE}` },
    ]);
  }
  return first;
}

/** Opaque cursors: base64url of "<kind>:<position>", checked on the way back in. */
export function encodeCursor(kind: string, position: string | number | bigint): string {
  return Buffer.from(`${kind}:${position}`, "utf8").toString("base64url");
}

export function decodeCursor(kind: string, cursor: string | null | undefined, field = "after"): bigint | undefined {
  if (cursor === undefined || cursor === null) return undefined;
  const decoded = /^[A-Za-z0-9_-]{1,64}$/.test(cursor) ? Buffer.from(cursor, "base64url").toString("utf8") : "";
  const match = /^([a-z]+):(\d{1,19})$/.exec(decoded);
  if (!match || match[1] !== kind || BigInt(match[2]) > MAX_POSITION) {
    throw new AppError("BAD_USER_INPUT", `${field}: not a cursor of this list; pass an endCursor or cursor this list returned`, [
      { field, message: "not a cursor of this list" },
    ]);
  }
  return BigInt(match[2]);
}
