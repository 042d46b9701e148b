import "reflect-metadata";
import type { DataSource } from "typeorm";
import type { Config } from "./config/config";
import type { Logger } from "./logger";
import { startHttpServer, type RunningHttpServer } from "./http/server";
import { AlertResolver } from "./resolvers/alert.resolver";
import { ApiKeyResolver } from "./resolvers/api-key.resolver";
import { buildGraphQLSchema, type ResolverClass } from "./resolvers/build-schema";
import { AlertService } from "./services/alert-service";
import { ApiKeyService } from "./services/api-key-service";
import { openDatabase } from "./store/data-source";
import { startEmbeddedPostgres } from "./store/embedded-postgres";

export interface RunningApp {
  /** The GraphQL endpoint, when this process serves the API. */
  readonly url: string | undefined;
  readonly databaseUrl: string;
  /** Set on a first start without ADMIN_API_KEY: the generated platform ADMIN secret. */
  readonly generatedAdminKey: string | undefined;
  stop(): Promise<void>;
}

/** The composition root: builds every part once, starts them, and stops them in reverse order. */
export async function startApp(config: Config, logger: Logger): Promise<RunningApp> {
  const stops: { part: string; stop: () => Promise<void> }[] = [];
  const stop = async () => {
    for (const { part, stop: stopPart } of stops.reverse()) {
      const startedAt = performance.now();
      await stopPart().catch((err: unknown) => logger.error({ err, part }, "error while shutting down"));
      logger.info({ part, ms: Math.round(performance.now() - startedAt) }, "stopped");
    }
  };
  try {
    let databaseUrl = config.databaseUrl;
    if (databaseUrl === undefined) {
      const embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort, logger });
      stops.push({ part: "embedded PostgreSQL", stop: () => embedded.stop() });
      databaseUrl = embedded.url;
    }
    const dataSource = await openDatabase(databaseUrl, { applicationName: `alerts-${config.role}` });
    stops.push({ part: "database pool", stop: () => dataSource.destroy() });

    const apiKeys = new ApiKeyService(dataSource);
    const alerts = new AlertService(dataSource);
    const bootstrap = await apiKeys.bootstrapAdmin(config.adminApiKey);
    if (bootstrap.revoked) logger.warn("ADMIN_API_KEY names a key that has been revoked; it stays revoked");

    let http: RunningHttpServer | undefined;
    if (config.role !== "engine") {
      const schema = await buildGraphQLSchema(
        new Map<ResolverClass, object>([
          [AlertResolver, new AlertResolver(alerts)],
          [ApiKeyResolver, new ApiKeyResolver(apiKeys)],
        ]),
      );
      http = await startHttpServer({ config, logger, schema, apiKeys, ready: () => databaseReachable(dataSource) });
      stops.push({ part: "HTTP server", stop: () => http!.close() });
      logger.info({ url: http.url }, "API listening");
    }
    return { url: http?.url, databaseUrl, generatedAdminKey: bootstrap.generated, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function databaseReachable(dataSource: DataSource): Promise<boolean> {
  const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 2_000).unref());
  const probe = dataSource.query("SELECT 1").then(() => true, () => false);
  return Promise.race([probe, timeout]);
}
