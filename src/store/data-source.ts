import "reflect-metadata";
import { DataSource } from "typeorm";
import { migrations } from "../../migrations";
import { AlertChangeEntity } from "./entities/alert-change.entity";
import { AlertEntity } from "./entities/alert.entity";
import { ApiKeyEntity } from "./entities/api-key.entity";

export const entities = [ApiKeyEntity, AlertEntity, AlertChangeEntity];

/** The one TypeORM data source; the schema changes only through migrations (synchronize is off). */
export function createDataSource(url: string, opts: { poolSize?: number; applicationName?: string } = {}): DataSource {
  return new DataSource({
    type: "postgres",
    url,
    entities,
    migrations,
    synchronize: false,
    migrationsRun: false,
    migrationsTransactionMode: "each",
    logging: false,
    poolSize: opts.poolSize ?? 20,
    applicationName: opts.applicationName ?? "alerts",
    extra: {
      // Fail fast instead of hanging when the server is gone; the API then answers UNAVAILABLE.
      connectionTimeoutMillis: 5_000,
      query_timeout: 30_000,
      statement_timeout: 30_000,
    },
  });
}

/** Connects and applies pending migrations under an advisory lock, so concurrent starts don't race. */
export async function openDatabase(url: string, opts: { poolSize?: number; applicationName?: string } = {}): Promise<DataSource> {
  const dataSource = createDataSource(url, opts);
  await dataSource.initialize();
  try {
    await runMigrations(dataSource);
  } catch (err) {
    await dataSource.destroy();
    throw err;
  }
  return dataSource;
}

async function runMigrations(dataSource: DataSource): Promise<void> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query("SELECT pg_advisory_lock(7242019)");
    try {
      await dataSource.runMigrations({ transaction: "each" });
    } finally {
      await runner.query("SELECT pg_advisory_unlock(7242019)");
    }
  } finally {
    await runner.release();
  }
}
