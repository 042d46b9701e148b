// npm run bench:e2e — the whole path on this machine: API server → Kafka → two engines → PostgreSQL →
// subscribers. (1) The sustained rate the engines keep up with at 1,000 alerts: offered rates step up,
// and a step holds when consumption keeps pace (lag not growing). (2) Ingest-to-subscriber latency at
// a fixed 5,000 events/s with 100 subscribers. Writes bench/results.json key "e2e".
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { createClient, type Client } from "graphql-ws";
import { Pool } from "pg";
import WebSocket from "ws";
import { createLogger } from "../src/logger";
import { startEmbeddedPostgres } from "../src/store/embedded-postgres";
import { startServerProcess, type ServerProcess } from "../test/support/server-process";

const run = promisify(execFile);
const ROOT = join(__dirname, "..", "..");
const CUSTOMERS = 100;
const ALERTS = 1000;
const STEP_SECONDS = Number(process.env.BENCH_STEP_SECONDS ?? 12);
const RATES = (process.env.BENCH_RATES ?? "2000,3000,4000,5000,6000,8000,10000,15000,20000,30000").split(",").map(Number);
/** The target is at 5,000 events/s; a lower rate shows the path's own latency on a machine that cannot keep up. */
const LATENCY_RATE = Number(process.env.BENCH_LATENCY_RATE ?? 5000);
const LATENCY_SECONDS = Number(process.env.BENCH_LATENCY_SECONDS ?? 20);
const SUBSCRIBERS = 100;
/** Node flags for the spawned API and engine processes, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof". */
const SERVER_NODE_ARGS = (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);

let seed = 7;
const random = () => {
  seed = (seed * 1664525 + 1013904223) >>> 0;
  return seed / 4294967296;
};

function event(i: number, marker?: string) {
  const customer = marker ? "c0" : `c${i % CUSTOMERS}`;
  return {
    id: marker ?? `b${i}-${randomBytes(3).toString("hex")}`,
    customerId: customer,
    application: marker ? "bench-marker" : `app${i % 10}`,
    eventType: marker ? "marker" : `type${i % 20}`,
    payload: {
      user: { email: `u${Math.floor(random() * 500)}@${customer}.example`, admin: random() < 0.05, twoFactor: random() < 0.7 },
      file: { name: `f${i}.pdf`, bytes: Math.floor(random() * 1e7), visibility: random() < 0.1 ? "public" : "private" },
      marker: marker ?? null,
      note: "x".repeat(200),
    },
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "alerts-e2e-"));
  const kafkaEnv = { ...process.env, KAFKA_HOME_DIR: join(dir, "kafka"), KAFKA_PORT: "29492", KAFKA_CONTROLLER_PORT: "29493" };
  const kafka = (command: string) => run("bash", [join(ROOT, "scripts", "kafka.sh"), command], { env: kafkaEnv, cwd: ROOT, timeout: 240_000 });
  const logger = createLogger("warn");
  const processes: ServerProcess[] = [];
  const clients: Client[] = [];
  let pg: Awaited<ReturnType<typeof startEmbeddedPostgres>> | undefined;
  let pool: Pool | undefined;
  try {
    await kafka("up");
    pg = await startEmbeddedPostgres({ dataDir: join(dir, "pg"), logger });
    const adminKey = `e2e-${randomBytes(12).toString("hex")}`;
    const env = {
      DATABASE_URL: pg.url,
      ADMIN_API_KEY: adminKey,
      KAFKA_BROKERS: "127.0.0.1:29492",
      KAFKA_TOPIC_PREFIX: "e2e-",
      KAFKA_EVENT_PARTITIONS: "12",
      RATE_LIMIT_MUTATIONS_PER_SECOND: "1000000",
      RATE_LIMIT_EVENTS_PER_SECOND: "10000000",
      LOG_LEVEL: "info",
    };
    const api = await startServerProcess({ ...env, ROLE: "api" }, SERVER_NODE_ARGS);
    processes.push(api);
    processes.push(await startServerProcess({ ...env, ROLE: "engine" }, SERVER_NODE_ARGS), await startServerProcess({ ...env, ROLE: "engine" }, SERVER_NODE_ARGS));
    const gql = async <T>(query: string, variables?: unknown, key = adminKey): Promise<T> => {
      const response = await fetch(api.url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${key}` }, body: JSON.stringify({ query, variables }) });
      const body = (await response.json()) as { data?: T; errors?: unknown[] };
      if (body.errors) throw new Error(JSON.stringify(body.errors).slice(0, 300));
      return body.data as T;
    };
    // 1,000 alerts: one application and event type each, a tenth global, thresholds out of reach.
    for (let i = 0; i < ALERTS; i++) {
      await gql(`mutation ($i: CreateAlertInput!) { createAlert(input: $i) { id } }`, {
        i: {
          name: `bench ${i}`,
          customerId: i % 10 === 0 ? null : `c${i % CUSTOMERS}`,
          application: `app${i % 10}`,
          eventType: `type${i % 20}`,
          conditions: [{ path: "$.user.admin", operator: "EQUALS", value: true }],
          groupBy: i % 3 === 0 ? ["$.user.email"] : [],
          window: i % 3 === 1 ? { type: "SLIDING", seconds: 600 } : { type: "ALL_TIME" },
          threshold: { operator: "GREATER_THAN", value: 1e9 },
          backfill: false,
        },
      });
    }
    // The latency probe: every marker event is a new group, so it crosses at once.
    await gql(`mutation { createAlert(input: {name: "marker", customerId: "c0", application: "bench-marker", groupBy: ["$.marker"], threshold: {operator: GREATER_THAN_OR_EQUAL, value: 1}, backfill: false}) { id } }`);
    pool = new Pool({ connectionString: pg.url });
    const archived = async () => Number((await pool!.query<{ n: string }>(`SELECT count(*) AS n FROM events`)).rows[0].n);

    const publishAt = async (rate: number, seconds: number, onTick?: (second: number) => Promise<void>) => {
      const started = Date.now();
      let sent = 0;
      const inFlight = new Set<Promise<unknown>>();
      while (Date.now() - started < seconds * 1000) {
        const due = Math.floor(((Date.now() - started) / 1000) * rate) - sent;
        if (due >= 500 && inFlight.size < 8) {
          const batch = Array.from({ length: Math.min(due, 1000) }, (_, k) => event(sent + k));
          sent += batch.length;
          const p = gql(`mutation ($e: [EventInput!]!) { publishEvents(events: $e) { accepted } }`, { e: batch }).catch(() => undefined);
          inFlight.add(p);
          void p.finally(() => inFlight.delete(p));
        } else {
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        if (onTick) await onTick((Date.now() - started) / 1000);
      }
      await Promise.all(inFlight);
      return { sent, seconds: (Date.now() - started) / 1000 };
    };

    // (1) Sustained rate: a step holds when the archive (written by the engines as they consume) keeps pace.
    const steps: { offered: number; published: number; consumed: number; lagEvents: number }[] = [];
    let sustained = 0;
    for (const rate of RATES) {
      const before = await archived();
      const { sent, seconds } = await publishAt(rate, STEP_SECONDS);
      const atEnd = await archived();
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const after = await archived();
      const consumedRate = Math.round((atEnd - before) / seconds);
      const lag = before + sent - atEnd;
      steps.push({ offered: rate, published: Math.round(sent / seconds), consumed: consumedRate, lagEvents: lag });
      process.stdout.write(`offered ${rate}/s: published ${Math.round(sent / seconds)}/s, consumed ${consumedRate}/s, lag at the end ${lag} events (${after - atEnd} caught up in 2 s)\n`);
      const keptUp = lag <= Math.max(2000, 0.1 * sent) && consumedRate >= 0.9 * (sent / seconds);
      if (keptUp) sustained = Math.max(sustained, Math.round(sent / seconds));
      else break;
      while ((await archived()) < before + sent) await new Promise((resolve) => setTimeout(resolve, 500));
    }

    // Let the engines finish the last step before measuring latency.
    const published = steps.reduce((n, st) => n + Math.round(st.published * STEP_SECONDS), 0);
    const caughtUpBy = Date.now() + 120_000;
    while (Date.now() < caughtUpBy && (await archived()) < published * 0.98) await new Promise((resolve) => setTimeout(resolve, 500));

    // (2) Latency at 5,000 events/s with 100 subscribers (customer c0's VIEWER keys), 5 markers a second.
    const viewer = (await gql<{ createApiKey: { secret: string } }>(`mutation { createApiKey(input: {name: "subs", customerId: "c0", role: VIEWER}) { secret } }`)).createApiKey.secret;
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    let registered = 0;
    for (let s = 0; s < SUBSCRIBERS; s++) {
      const client = createClient({ url: api.url.replace(/^http/, "ws"), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${viewer}` }, lazy: false, onNonLazyError: () => undefined });
      clients.push(client);
      await new Promise<void>((resolve) => client.on("connected", () => resolve()));
      registered++;
      client.subscribe(
        { query: `subscription { thresholdCrossed(customerId: "c0") { groupKey } }` },
        {
          next: (value) => {
            const key = (value.data as { thresholdCrossed: { groupKey: string } }).thresholdCrossed.groupKey;
            const at = sentAt.get(key);
            if (at !== undefined) latencies.push(Date.now() - at);
          },
          error: () => undefined,
          complete: () => undefined,
        },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    let markers = 0;
    let nextMarkerAt = 0;
    await publishAt(LATENCY_RATE, LATENCY_SECONDS, async (second) => {
      if (second < nextMarkerAt || second > LATENCY_SECONDS - 2) return;
      nextMarkerAt = second + 0.2;
      const id = `m${markers++}`;
      sentAt.set(JSON.stringify([id]), Date.now());
      await gql(`mutation ($e: [EventInput!]!) { publishEvents(events: $e) { accepted } }`, { e: [event(0, id)] });
    });
    await new Promise((resolve) => setTimeout(resolve, 3000));
    latencies.sort((a, b) => a - b);
    const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
    const e2e = {
      rate: LATENCY_RATE,
      alerts: ALERTS,
      engines: 2,
      steps,
      sustainedEventsPerSec: sustained,
      subscribers: registered,
      latencySamples: latencies.length,
      expectedSamples: markers * registered,
      latencyMsP50: pct(50),
      latencyMsP99: pct(99),
    };
    process.stdout.write(
      `\nsustained: ${sustained} events/s at ${ALERTS} alerts (target ≥ 20,000)\n` +
        `latency at ${LATENCY_RATE}/s with ${registered} subscribers: p50 ${e2e.latencyMsP50} ms, p99 ${e2e.latencyMsP99} ms over ${latencies.length} deliveries ` +
        `of ${markers} crossings (target p99 ≤ 100)\n`,
    );
    const machine = `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 1024 ** 3)} GiB, Node ${process.version}`;
    const file = join(ROOT, "bench", "results.json");
    mkdirSync(join(ROOT, "bench"), { recursive: true });
    let results: Record<string, unknown> = {};
    try {
      results = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    } catch {
      // first run
    }
    writeFileSync(file, JSON.stringify({ ...results, machine, e2e }, null, 2) + "\n");
  } finally {
    for (const c of clients) await Promise.resolve(c.dispose()).catch(() => undefined);
    await pool?.end().catch(() => undefined);
    for (const p of processes) {
      p.child.kill("SIGTERM");
      await p.exited();
    }
    await pg?.stop().catch(() => undefined);
    await kafka("down").catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
