// Applies pending migrations to DATABASE_URL, or to the embedded PostgreSQL under DATA_DIR.
import "reflect-metadata";
import { loadConfig } from "../src/config/config";
import { createLogger } from "../src/logger";
import { openDatabase } from "../src/store/data-source";
import { startEmbeddedPostgres } from "../src/store/embedded-postgres";

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort, logger });
  try {
    const dataSource = await openDatabase(config.databaseUrl ?? embedded!.url);
    const applied = await dataSource.query(`SELECT name FROM migrations ORDER BY id`);
    logger.info({ migrations: applied.map((m: { name: string }) => m.name) }, "database schema is up to date");
    await dataSource.destroy();
  } finally {
    await embedded?.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`migration failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
