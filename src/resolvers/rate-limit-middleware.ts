import type { MiddlewareFn } from "type-graphql";
import type { RateLimiter } from "../services/rate-limiter";
import type { RequestContext } from "./context";

/**
 * Per-key rate limits on writes (DESIGN "Errors and limits": RATE_LIMITED): every mutation costs one
 * mutation token; publishEvents also costs one event token per event.
 */
export function rateLimitMiddleware(limits: { mutations: RateLimiter; events: RateLimiter }): MiddlewareFn<RequestContext> {
  return async ({ info, args, context }, next) => {
    if (info.parentType.name === "Mutation" && info.path.prev === undefined) {
      limits.mutations.take(context.principal.keyId);
      if (info.fieldName === "publishEvents" && Array.isArray(args.events)) limits.events.take(context.principal.keyId, args.events.length);
    }
    return next();
  };
}
