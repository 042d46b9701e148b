/** The error codes of DESIGN.md "Errors and limits" that application logic raises. */
export type ErrorCode =
  | "BAD_USER_INPUT"
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "RATE_LIMITED"
  | "PAYLOAD_TOO_LARGE"
  | "UNAVAILABLE";

export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

/**
 * An error meant for the caller: its message is safe to show and says how to fix the request.
 * The API turns it into a GraphQLError with `extensions.code` (and `extensions.fields` for input).
 */
export class AppError extends Error {
  override readonly name = "AppError";
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields: readonly FieldProblem[] = [],
  ) {
    super(message);
  }
}

export const badInput = (problems: readonly FieldProblem[]): AppError =>
  new AppError(
    "BAD_USER_INPUT",
    problems.map((p) => `${p.field}: ${p.message}`).join("; "),
    problems,
  );

export const notFound = (what: string, id: string): AppError => new AppError("NOT_FOUND", `${what} ${id} not found`);

export const forbidden = (message: string): AppError => new AppError("FORBIDDEN", message);
