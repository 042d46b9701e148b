// `npm test`: starts one real PostgreSQL for the whole run (embedded, or the server at DATABASE_URL),
// then runs every test file with Node's test runner. Each integration test makes its own database.
// Kafka: a broker that answers, or the local one of scripts/kafka.sh (started here, stopped at the end);
// without one the Kafka tests skip themselves with the reason, unless REQUIRE_KAFKA=1 (then the run fails).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger } from "../src/logger";
import { ensureKafka, stopKafkaIfStarted } from "./support/kafka";
import { startEmbeddedPostgres } from "../src/store/embedded-postgres";

async function main(): Promise<number> {
  const only = process.argv.slice(2);
  const dirs = only.length > 0 ? only : [join(__dirname, "unit"), join(__dirname, "integration"), join(__dirname, "browser")];
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
    const kafkaEnv = await kafkaTestEnv();
    if (!kafkaEnv) return 1;
    return await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, ["--test", "--test-concurrency=2", "--test-timeout=120000", ...dirs], {
        stdio: "inherit",
        env: { ...process.env, TEST_ADMIN_DATABASE_URL: adminUrl, ...kafkaEnv },
      });
      child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    });
  } finally {
    await stopKafkaIfStarted();
    await stop();
  }
}

/** TEST_KAFKA_BROKERS, or TEST_KAFKA_SKIP_REASON; null (after saying why) when REQUIRE_KAFKA=1 has no broker. */
async function kafkaTestEnv(): Promise<Record<string, string> | null> {
  const kafka = await ensureKafka();
  if ("brokers" in kafka) return { TEST_KAFKA_BROKERS: kafka.brokers };
  if (process.env.REQUIRE_KAFKA === "1") {
    process.stderr.write(`REQUIRE_KAFKA=1 but no Kafka broker: ${kafka.skipped}\n`);
    return null;
  }
  process.stderr.write(`Kafka tests will be skipped: ${kafka.skipped}\n`);
  return { TEST_KAFKA_SKIP_REASON: kafka.skipped };
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`test run failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
