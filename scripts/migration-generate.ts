// Writes a new migration with the SQL that brings a database at the latest migration in line with the
// entities: `npm run migration:generate -- <Name>`. Runs against a throwaway embedded PostgreSQL.
import "reflect-metadata";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger } from "../src/logger";
import { openDatabase } from "../src/store/data-source";
import { startEmbeddedPostgres } from "../src/store/embedded-postgres";

async function main(): Promise<void> {
  const name = process.argv[2];
  if (!name || !/^[A-Z][A-Za-z0-9]+$/.test(name)) {
    process.stderr.write("usage: npm run migration:generate -- <PascalCaseName>\n");
    process.exit(2);
  }
  const dataDir = mkdtempSync(join(tmpdir(), "alerts-migration-"));
  const embedded = await startEmbeddedPostgres({ dataDir, logger: createLogger("warn") });
  try {
    const dataSource = await openDatabase(embedded.url);
    const { upQueries, downQueries } = await dataSource.driver.createSchemaBuilder().log();
    await dataSource.destroy();
    if (upQueries.length === 0) {
      process.stdout.write("the entities match the migrations; nothing to generate\n");
      return;
    }
    const timestamp = Date.now();
    const kebab = name.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();
    const file = join(__dirname, "..", "..", "migrations", `${timestamp}-${kebab}.ts`);
    const lines = (queries: { query: string }[]) => queries.map((q) => `    await q.query(${JSON.stringify(q.query)});`).join("\n");
    writeFileSync(
      file,
      `import type { MigrationInterface, QueryRunner } from "typeorm";\n\n` +
        `export class ${name}${timestamp} implements MigrationInterface {\n  name = "${name}${timestamp}";\n\n` +
        `  async up(q: QueryRunner): Promise<void> {\n${lines(upQueries)}\n  }\n\n` +
        `  async down(q: QueryRunner): Promise<void> {\n${lines([...downQueries].reverse())}\n  }\n}\n`,
    );
    process.stdout.write(`wrote ${file}; add it to migrations/index.ts and review the SQL\n`);
  } finally {
    await embedded.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
