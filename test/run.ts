// `npm test`: starts one real PostgreSQL for the whole run (embedded, or the server at DATABASE_URL),
// then runs every test file with Node's test runner. Each integration test makes its own database.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger } from "../src/logger";
import { startEmbeddedPostgres } from "../src/store/embedded-postgres";

async function main(): Promise<number> {
  const only = process.argv.slice(2);
  const dirs = only.length > 0 ? only : [join(__dirname, "unit"), join(__dirname, "integration")];
  let adminUrl = process.env.DATABASE_URL;
  let stop = async () => {};
  if (!adminUrl) {
    const dataDir = mkdtempSync(join(tmpdir(), "alerts-test-pg-"));
    const embedded = await startEmbeddedPostgres({ dataDir, logger: createLogger("warn") });
    adminUrl = embedded.url;
    stop = async () => {
      await embedded.stop();
      rmSync(dataDir, { recursive: true, force: true });
    };
  }
  try {
    return await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, ["--test", "--test-concurrency=2", "--test-timeout=120000", ...dirs], {
        stdio: "inherit",
        env: { ...process.env, TEST_ADMIN_DATABASE_URL: adminUrl },
      });
      child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    });
  } finally {
    await stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`test run failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
