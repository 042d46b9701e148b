import "reflect-metadata";
import { buildSchema } from "type-graphql";
import type { GraphQLSchema } from "graphql";
import type { MiddlewareFn } from "type-graphql";
import type { RequestContext } from "./context";
import { AlertResolver } from "./alert.resolver";
import { ApiKeyResolver } from "./api-key.resolver";
import { errorMiddleware } from "./error-middleware";
import { textInputMiddleware } from "./text-input-middleware";
import { EventResolver } from "./event.resolver";
import { AlertHistoryResolver, HistoryResolver } from "./history.resolver";
import { AlertMonitoringResolver, AlertStatusResolver, MonitoringResolver, ThresholdCrossingResolver } from "./monitoring.resolver";
import { NotificationResolver } from "./notification.resolver";

export const resolverClasses = [
  AlertResolver,
  ApiKeyResolver,
  EventResolver,
  MonitoringResolver,
  AlertStatusResolver,
  ThresholdCrossingResolver,
  AlertMonitoringResolver,
  HistoryResolver,
  AlertHistoryResolver,
  NotificationResolver,
] as const;

/** A resolver class; resolver constructors take their services. */
export type ResolverClass = abstract new (...args: never[]) => object;
export type ResolverInstances = Map<ResolverClass, object>;

/**
 * The executable schema. Resolvers are built by the composition root with their services and handed
 * in here; printing the schema needs none, so `instances` may be empty then.
 */
export async function buildGraphQLSchema(instances: ResolverInstances = new Map(), middlewares: MiddlewareFn<RequestContext>[] = []): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: resolverClasses,
    validate: false,
    globalMiddlewares: [errorMiddleware, textInputMiddleware, ...middlewares],
    // Every subscription here brings its own `subscribe` (the crossing and status feeds); topics are unused.
    pubSub: {
      publish: () => {
        throw new Error("topic-based publishing is not used: subscriptions read the crossing and status feeds");
      },
      subscribe: () => {
        throw new Error("topic-based subscriptions are not used: give the @Subscription a subscribe function");
      },
    },
    emitSchemaFile: false,
    container: {
      get: (cls: ResolverClass) => {
        const instance = instances.get(cls);
        if (!instance) throw new Error(`resolver ${cls.name} was not provided to buildGraphQLSchema`);
        return instance;
      },
    },
  });
}
