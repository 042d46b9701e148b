// npm run bench:backfill — the history scan: archived events evaluated per second and peak memory,
// against a baseline in the same run (the same scan, reading pages without evaluating them).
// Uses DATABASE_URL, or an embedded PostgreSQL in a temporary directory. BENCH_EVENTS sets the size.
import "reflect-metadata";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, totalmem, tmpdir } from "node:os";
import { join } from "node:path";
import { Pool } from "pg";
import { compileAlert } from "../src/engine/compile-alert";
import type { StatusSpec } from "../src/engine/status";
import { createLogger } from "../src/logger";
import { evaluateHistory } from "../src/services/history-scan";
import { openDatabase } from "../src/store/data-source";
import { startEmbeddedPostgres } from "../src/store/embedded-postgres";
import { maintainEventArchive } from "../src/store/event-archive";
import { HistoryStore } from "../src/store/history-store";

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const CUSTOMERS = 1_000;

async function main(): Promise<void> {
  const logger = createLogger("warn");
  const dataDir = process.env.DATABASE_URL ? undefined : mkdtempSync(join(tmpdir(), "alerts-bench-"));
  const embedded = dataDir ? await startEmbeddedPostgres({ dataDir, logger }) : undefined;
  const url = process.env.DATABASE_URL ?? embedded!.url;
  const dataSource = await openDatabase(url);
  const pool = new Pool({ connectionString: url, max: 4 });
  try {
    const nowMs = Date.now();
    await maintainEventArchive(pool, nowMs, 30);
    await pool.query(`TRUNCATE events`);
    const loadStarted = performance.now();
    // Realistic SaaS events (~600 bytes of JSON): a user, an actor, a file, flags and a nested device.
    await pool.query(
      `INSERT INTO events (seq, customer_id, event_id, application, object_type, event_type, occurred_at, ingested_at, payload)
       SELECT g, 'cust-' || (g % ${CUSTOMERS}), 'ev-' || g, 'app-' || (g % 10), 'user', 'type-' || (g % 20),
              to_timestamp(${nowMs / 1000} - 86400 + g * 86400.0 / ${EVENTS}), now(),
              jsonb_build_object(
                'user', jsonb_build_object('email', 'user' || (g % 5000) || '@example.com', 'isAdmin', g % 17 = 0, 'twoFactor', g % 3 <> 0,
                                           'department', 'dept-' || (g % 12), 'roles', jsonb_build_array('member', 'viewer')),
                'actor', jsonb_build_object('email', 'admin' || (g % 40) || '@example.com', 'ip', '10.0.' || (g % 250) || '.' || (g % 200)),
                'file', jsonb_build_object('name', 'report-' || g || '.pdf', 'visibility', CASE WHEN g % 11 = 0 THEN 'public' ELSE 'private' END,
                                           'bytes', (g::bigint * 7919) % 10000000),
                'device', jsonb_build_object('os', 'os-' || (g % 4), 'version', '1.' || (g % 30), 'managed', g % 2 = 0),
                'attempts', g % 9, 'note', repeat('x', 120))
       FROM generate_series(1, ${EVENTS}) AS g`,
    );
    await pool.query(`ANALYZE events`);
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    const history = new HistoryStore(pool);
    const query = { fromMs: nowMs - 2 * 86_400_000 };

    const scanStarted = performance.now();
    let scanned = 0;
    for await (const page of history.scan(query)) scanned += page.length;
    const scanSeconds = (performance.now() - scanStarted) / 1000;

    // A global alert on every event type of one application family, grouped per user, summing bytes.
    const alert = compileAlert({
      id: "00000000-0000-0000-0000-000000000001",
      version: 1,
      scope: "GLOBAL",
      customerId: null,
      name: "bench",
      description: "",
      severity: "HIGH",
      enabled: true,
      application: null,
      objectType: "user",
      eventType: null,
      conditions: [
        { path: "$.user.twoFactor", operator: "EQUALS", value: true },
        { path: "$.file.visibility", operator: "IN", value: ["public", "private"] },
      ],
      jsonPath: null,
      aggregation: { function: "SUM", path: "$.file.bytes" },
      groupBy: ["$.user.department"],
      entityPath: "$.user.email",
      window: { type: "SLIDING", seconds: 3600 },
      threshold: { operator: "GREATER_THAN", value: 1e12 },
    });
    const spec: StatusSpec = { aggregation: "SUM", window: { type: "SLIDING", seconds: 3600 }, threshold: { operator: "GREATER_THAN", value: 1e12 }, lateGraceMs: 60_000, idleMs: 7 * 86_400_000 };
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
    const evalStarted = performance.now();
    const result = await evaluateHistory({ alert, spec, pages: history.scan(query), endMs: nowMs });
    const evalSeconds = (performance.now() - evalStarted) / 1000;
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);

    const figures = {
      events: EVENTS,
      eventsPerSec: Math.round(result.scannedEvents / evalSeconds),
      scanOnlyPerSec: Math.round(scanned / scanSeconds),
      ratioToScanOnly: Number((scanSeconds / evalSeconds).toFixed(3)),
      qualifyingEvents: result.qualifyingEvents,
      statuses: result.statuses.size,
      peakRssMb: Math.round(peakRss / 1024 / 1024),
      loadSeconds: Number(loadSeconds.toFixed(1)),
    };
    const machine = `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 1024 ** 3)} GiB, Node ${process.version}`;
    process.stdout.write(
      `\nbackfill scan, ${EVENTS.toLocaleString("en")} archived events, ${machine}\n` +
        `  evaluated:  ${figures.eventsPerSec.toLocaleString("en")} events/s (target ≥ 100,000)\n` +
        `  scan only:  ${figures.scanOnlyPerSec.toLocaleString("en")} events/s (baseline: reading the same pages)\n` +
        `  ratio:      ${figures.ratioToScanOnly} of the scan-only rate\n` +
        `  peak RSS:   ${figures.peakRssMb} MB (target < 300)\n` +
        `  qualifying: ${figures.qualifyingEvents.toLocaleString("en")}, statuses: ${figures.statuses}\n`,
    );
    const resultsFile = join(__dirname, "..", "..", "bench", "results.json");
    mkdirSync(join(__dirname, "..", "..", "bench"), { recursive: true });
    let results: Record<string, unknown> = {};
    try {
      results = JSON.parse(readFileSync(resultsFile, "utf8")) as Record<string, unknown>;
    } catch {
      // first run
    }
    writeFileSync(resultsFile, JSON.stringify({ ...results, machine, backfill: figures }, null, 2) + "\n");
  } finally {
    await pool.end();
    await dataSource.destroy();
    await embedded?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
