import { GraphQLError } from "graphql";
import type { MiddlewareFn } from "type-graphql";
import { AppError, type ErrorCode } from "../services/errors";
import type { RequestContext } from "./context";

const HTTP_STATUS: Record<ErrorCode, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
};

/** Turns application errors into GraphQLErrors with extensions.code and the HTTP status Apollo should answer. */
export const errorMiddleware: MiddlewareFn<RequestContext> = async (_action, next) => {
  try {
    return await next();
  } catch (err) {
    throw toGraphQLError(err);
  }
};

export function toGraphQLError(err: unknown): unknown {
  if (err instanceof AppError) {
    return new GraphQLError(err.message, {
      extensions: {
        code: err.code,
        ...(err.fields.length > 0 ? { fields: err.fields } : {}),
        http: { status: HTTP_STATUS[err.code] },
      },
    });
  }
  if (isUnavailable(err)) {
    return new GraphQLError("storage is unavailable; retry shortly", {
      extensions: { code: "UNAVAILABLE", http: { status: 503 } },
    });
  }
  return err;
}

const UNAVAILABLE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "57P01", "57P02", "57P03", "53300", "08000", "08003", "08006"]);

/** Connection failures and server shutdowns: the request may succeed later, so the caller hears UNAVAILABLE. */
export function isUnavailable(err: unknown): boolean {
  for (let e = err as { code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; depth++) {
    if (typeof e.code === "string" && UNAVAILABLE_CODES.has(e.code)) return true;
    // kafkajs: a broker that cannot be reached or answer in time (its errors are all named KafkaJS…).
    if (typeof (e as { name?: unknown }).name === "string" && (e as { name: string }).name.startsWith("KafkaJS")) return true;
    if (typeof e.message === "string" && /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(e.message)) {
      return true;
    }
    e = (e.driverError ?? e.cause) as typeof e;
  }
  return false;
}
