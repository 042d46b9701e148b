import "reflect-metadata";
import { buildSchema } from "type-graphql";
import type { GraphQLSchema } from "graphql";
import { AlertResolver } from "./alert.resolver";
import { ApiKeyResolver } from "./api-key.resolver";
import { errorMiddleware } from "./error-middleware";

export const resolverClasses = [AlertResolver, ApiKeyResolver] as const;

/** A resolver class; resolver constructors take their services. */
export type ResolverClass = abstract new (...args: never[]) => object;
export type ResolverInstances = Map<ResolverClass, object>;

/**
 * The executable schema. Resolvers are built by the composition root with their services and handed
 * in here; printing the schema needs none, so `instances` may be empty then.
 */
export async function buildGraphQLSchema(instances: ResolverInstances = new Map()): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: resolverClasses,
    validate: false,
    globalMiddlewares: [errorMiddleware],
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
