// npm run test:faults — nothing lost, nothing counted twice, under faults. A generated workload goes
// through an API server and two engines on Kafka while engines are SIGKILLed, the broker and
// PostgreSQL restart, and the API server restarts under connected subscribers. Then everything is
// compared with an independent recount (oracle.ts). Ends with the figures and `mismatches: N`.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { createClient, type Client } from "graphql-ws";
import { Kafka, logLevel } from "kafkajs";
import { Pool } from "pg";
import WebSocket from "ws";
import { createLogger } from "../../src/logger";
import { freePort, startEmbeddedPostgres, type EmbeddedPostgresHandle } from "../../src/store/embedded-postgres";
import { killAllServerProcesses, startServerProcess, stopServerProcesses, type ServerProcess } from "../support/server-process";
import { waitFor } from "../support/wait";
import { graphqlCaller, prng } from "./common";
import { recount, type OracleAlert, type OracleEvent } from "./oracle";

const run = promisify(execFile);
const ROOT = join(__dirname, "..", "..", "..");
const EVENTS = Number(process.env.FAULT_EVENTS ?? 200_000);
const CUSTOMERS = 100;
const BATCH = 1000;
const ENGINE_KILLS = 5;
const DEADLINE_MS = 10 * 60_000;

const APPS = ["gsuite", "slack", "github", "okta", "box"];
const TYPES = ["login", "share", "admin", "delete"];

/** 50 alerts, global and per customer, every window type, groupBy on a third. */
function makeAlerts(random: () => number): (Omit<OracleAlert, "id"> & { window: { type: string; seconds?: number } })[] {
  const functions = ["COUNT", "SUM", "MAX", "COUNT_DISTINCT"] as const;
  const windows = [{ type: "ALL_TIME" }, { type: "TUMBLING", seconds: 31 * 86_400 }, { type: "SLIDING", seconds: 6 * 3600 }];
  return Array.from({ length: 50 }, (_, i) => {
    const fn = functions[i % 4];
    const global = i % 5 === 0;
    const conditions: OracleAlert["conditions"] = [];
    if (i % 3 === 0) conditions.push({ path: "$.ok", operator: "EQUALS", value: false });
    if (i % 4 === 1) conditions.push({ path: "$.n", operator: "GREATER_THAN", value: 2 });
    if (i % 7 === 2) conditions.push({ path: "$.user", operator: "IN", value: ["u1", "u2", "u3"] });
    if (i % 6 === 5) conditions.push({ path: "$.ip", operator: "CONTAINS", value: ".1" });
    return {
      customerId: global ? null : `c${Math.floor(random() * CUSTOMERS)}`,
      application: i % 2 === 0 ? APPS[i % APPS.length] : null,
      eventType: i % 3 === 1 ? TYPES[i % TYPES.length] : null,
      conditions,
      groupBy: i % 3 === 2 ? ["$.user"] : [],
      aggregation: { function: fn, path: fn === "COUNT" ? null : fn === "COUNT_DISTINCT" ? "$.ip" : "$.n" },
      threshold: fn === "COUNT" ? 40 + (i % 7) * 10 : fn === "SUM" ? 200 + i * 3 : fn === "MAX" ? 9 : 6,
      window: windows[i % 3],
    };
  });
}

function makeEvents(random: () => number): OracleEvent[] {
  const now = Date.now();
  return Array.from({ length: EVENTS }, (_, i) => {
    const customer = i % CUSTOMERS;
    return {
      id: `e${i}`,
      customerId: `c${customer}`,
      application: APPS[Math.floor(random() * APPS.length)],
      eventType: TYPES[Math.floor(random() * TYPES.length)],
      payload: { user: `u${Math.floor(random() * 8)}`, ok: random() < 0.7, n: Math.floor(random() * 10), ip: `10.0.${Math.floor(random() * 4)}.${Math.floor(random() * 20)}` },
      // Within the last 20 minutes: inside every window, never late.
      occurredAtMs: now - Math.floor(random() * 20 * 60_000),
    } as OracleEvent & { occurredAtMs: number };
  });
}

async function main(): Promise<number> {
  const startedAt = Date.now();
  const figures: Record<string, number | string> = {};
  const dir = mkdtempSync(join(tmpdir(), "alerts-faults-"));
  const kafkaEnv = { ...process.env, KAFKA_HOME_DIR: join(dir, "kafka"), KAFKA_PORT: "29392", KAFKA_CONTROLLER_PORT: "29393" };
  const kafka = (command: string) => run("bash", [join(ROOT, "scripts", "kafka.sh"), command], { env: kafkaEnv, cwd: ROOT, timeout: 240_000 });
  const logger = createLogger("warn");
  let pg: EmbeddedPostgresHandle | undefined;
  const processes = new Set<ServerProcess>();
  const subscribers: { stop: () => Promise<void>; customerId: string; received: Set<string> }[] = [];
  let pool: Pool | undefined;
  // Stopped from outside (CI's timeout, Ctrl-C): take the servers down with us rather than leave them running.
  const abandon = () => {
    killAllServerProcesses();
    void Promise.allSettled([pg?.stop(), kafka("down")]).then(() => {
      rmSync(dir, { recursive: true, force: true });
      process.exit(1);
    });
  };
  process.once("SIGTERM", abandon);
  process.once("SIGINT", abandon);
  try {
    await kafka("up");
    pg = await startEmbeddedPostgres({ dataDir: join(dir, "pg"), logger });
    const pgPort = pg.port;
    const apiPort = await freePort();
    const adminKey = `faults-${randomBytes(12).toString("hex")}`;
    const env = {
      DATABASE_URL: pg.url,
      ADMIN_API_KEY: adminKey,
      KAFKA_BROKERS: "127.0.0.1:29392",
      KAFKA_TOPIC_PREFIX: `faults-${randomBytes(3).toString("hex")}-`,
      KAFKA_EVENT_PARTITIONS: "6",
      RATE_LIMIT_MUTATIONS_PER_SECOND: "100000",
      RATE_LIMIT_EVENTS_PER_SECOND: "10000000",
      LOG_LEVEL: "info",
    };
    const start = async (role: "api" | "engine") => {
      const p = await startServerProcess({ ...env, ROLE: role, PORT: role === "api" ? String(apiPort) : "0" });
      processes.add(p);
      return p;
    };
    let api = await start("api");
    const engines = [await start("engine"), await start("engine")];
    const url = api.url;
    const gql = graphqlCaller(() => url, adminKey);

    const random = prng(20261124);
    const specs = makeAlerts(random);
    const alerts: OracleAlert[] = [];
    for (const [i, spec] of specs.entries()) {
      const created = (await gql(`mutation ($input: CreateAlertInput!) { createAlert(input: $input) { id } }`, {
        input: {
          name: `fault alert ${i}`,
          customerId: spec.customerId,
          application: spec.application,
          eventType: spec.eventType,
          conditions: spec.conditions,
          groupBy: spec.groupBy,
          aggregation: spec.aggregation,
          window: spec.window,
          threshold: { operator: "GREATER_THAN_OR_EQUAL", value: spec.threshold },
          // No history yet; and a backfill would hold crossings back until its merge (by design),
          // which the oracle's event-by-event crossings would not match.
          backfill: false,
        },
      })).createAlert as { id: string };
      alerts.push({ ...spec, id: created.id });
    }

    // Subscribers of five customers, reconnecting with `after` whenever their connection drops.
    for (const customerId of ["c1", "c2", "c3", "c4", "c5"]) {
      const key = ((await gql(`mutation ($c: ID) { createApiKey(input: {name: "sub", customerId: $c, role: VIEWER}) { secret } }`, { c: customerId })).createApiKey as { secret: string }).secret;
      const received = new Set<string>();
      let after: string | undefined;
      let client: Client | undefined;
      let stopped = false;
      const connect = () => {
        if (stopped) return;
        client = createClient({
          url: url.replace(/^http/, "ws"),
          webSocketImpl: WebSocket,
          connectionParams: { authorization: `Bearer ${key}` },
          retryAttempts: 0,
          lazy: false,
          onNonLazyError: () => undefined, // the connection drops on purpose here; we reconnect with after
        });
        client.on("closed", () => setTimeout(connect, 300));
        client.subscribe(
          { query: `subscription ($after: String) { thresholdCrossed(after: $after) { id cursor } }`, variables: { after } },
          {
            next: (value) => {
              const crossing = (value.data as { thresholdCrossed?: { id: string; cursor: string } } | undefined)?.thresholdCrossed;
              if (crossing) {
                received.add(crossing.id);
                after = crossing.cursor;
              }
            },
            error: () => undefined,
            complete: () => undefined,
          },
        );
      };
      connect();
      subscribers.push({
        customerId,
        received,
        stop: async () => {
          stopped = true;
          await client?.dispose();
        },
      });
    }

    // Malformed records straight onto the events topic.
    const bad: Buffer[] = [
      ...Array.from({ length: 10 }, () => Buffer.from([0xff, 0xfe, 0xfd])),
      ...Array.from({ length: 10 }, (_, i) => Buffer.from(`{not json ${i}`)),
      ...Array.from({ length: 10 }, (_, i) => Buffer.from(JSON.stringify({ id: `bad${i}`, application: "a", eventType: "e", payload: {} }))),
    ];
    const raw = new Kafka({ brokers: ["127.0.0.1:29392"], logLevel: logLevel.NOTHING }).producer();
    await raw.connect();
    await raw.send({ topic: `${env.KAFKA_TOPIC_PREFIX}events`, messages: bad.map((value, i) => ({ key: `c${i % CUSTOMERS}`, value })) });
    await raw.disconnect();
    figures.malformed = bad.length;

    const events = makeEvents(random);
    const batches: OracleEvent[][] = [];
    for (let i = 0; i < events.length; i += BATCH) batches.push(events.slice(i, i + BATCH));
    // Two publishers, each with its own customers, so each customer's events keep their order.
    const lanes = [0, 1].map((lane) => batches.map((b) => b.filter((e) => Number(e.customerId.slice(1)) % 2 === lane)));
    const total = batches.length;
    let published = 0;
    let kills = 0;
    const restarts: string[] = [];
    const publishLane = async (lane: OracleEvent[][]) => {
      for (const batch of lane) {
        const payload = batch.map((e) => ({ ...e, occurredAt: new Date((e as OracleEvent & { occurredAtMs: number }).occurredAtMs).toISOString(), occurredAtMs: undefined }));
        await waitFor(async () => (await gql(`mutation ($e: [EventInput!]!) { publishEvents(events: $e) { accepted } }`, { e: payload }), true), "a batch published", 180_000, 250);
        published++;
      }
    };
    const faults = (async () => {
      const at = (fraction: number) => waitFor(() => published >= fraction * 2 * total, `${fraction} published`, DEADLINE_MS, 50);
      for (let k = 0; k < ENGINE_KILLS; k++) {
        await at((k + 1) / (ENGINE_KILLS + 3));
        const victim = engines[k % 2];
        victim.child.kill("SIGKILL");
        await victim.exited();
        processes.delete(victim);
        kills++;
        engines[k % 2] = await start("engine");
      }
      await at(0.7);
      await kafka("down");
      await kafka("up");
      restarts.push("kafka");
      await at(0.8);
      await pg!.stop();
      await new Promise((resolve) => setTimeout(resolve, 2000));
      pg = await startEmbeddedPostgres({ dataDir: join(dir, "pg"), logger, port: pgPort });
      restarts.push("postgres");
      await at(0.9);
      api.child.kill("SIGKILL");
      await api.exited();
      processes.delete(api);
      api = await start("api");
      restarts.push("api");
    })();
    const publishStarted = Date.now();
    await Promise.all([publishLane(lanes[0]), publishLane(lanes[1])]);
    await faults;
    figures.publishSeconds = Math.round((Date.now() - publishStarted) / 1000);
    figures.engineKills = kills;
    figures.restarts = restarts.join(", ");

    pool = new Pool({ connectionString: pg.url });
    const expected = recount(alerts, events);
    const expectedQualifying = [...expected.statuses.values()].reduce((n, s) => n + s.count, 0);
    await waitFor(async () => {
      const { rows } = await pool!.query<{ n: string }>(`SELECT coalesce(sum(count), 0) AS n FROM alert_statuses`);
      return Number(rows[0].n) >= expectedQualifying;
    }, "the engines to catch up", DEADLINE_MS - (Date.now() - startedAt), 500);
    await new Promise((resolve) => setTimeout(resolve, 2000)); // let subscribers drain what is announced

    let mismatches = 0;
    const kinds = new Map<string, number>();
    const mismatch = (what: string) => {
      mismatches++;
      const kind = what.split(" ").slice(0, 2).join(" ");
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      if ((kinds.get(kind) ?? 0) <= 5) process.stdout.write(`MISMATCH ${what}\n`);
    };
    const { rows: statusRows } = await pool.query<{ alert_id: string; customer_id: string; group_key: string; count: string; value: number }>(
      `SELECT alert_id, customer_id, group_key, count, value FROM alert_statuses`,
    );
    const actual = new Map(statusRows.map((r) => [`${r.alert_id}|${r.customer_id}|${r.group_key === "" ? null : r.group_key}`, r]));
    for (const [key, status] of expected.statuses) {
      const row = actual.get(key);
      if (!row) mismatch(`missing status ${key}`);
      else if (Number(row.count) !== status.count || Math.abs(row.value - status.value) > 1e-9) mismatch(`status ${key}: ${row.count}/${row.value}, expected ${status.count}/${status.value}`);
    }
    for (const key of actual.keys()) if (!expected.statuses.has(key)) mismatch(`unexpected status ${key}`);

    const { rows: crossingRows } = await pool.query<{ id: string; alert_id: string; customer_id: string; group_key: string | null; direction: string; value: number; historical: boolean }>(
      `SELECT id, alert_id, customer_id, group_key, direction, value, historical FROM threshold_crossings`,
    );
    if (new Set(crossingRows.map((r) => r.id)).size !== crossingRows.length) mismatch("crossing ids are not unique");
    const describe = (c: { alertId: string; customerId: string; groupKey: string | null; direction: string; value: number }) =>
      `${c.alertId}|${c.customerId}|${c.groupKey}|${c.direction}|${c.value}`;
    const want = expected.crossings.map(describe).sort();
    const got = crossingRows.map((r) => describe({ alertId: r.alert_id, customerId: r.customer_id, groupKey: r.group_key, direction: r.direction, value: r.value })).sort();
    const gotSet = new Map<string, number>();
    for (const g of got) gotSet.set(g, (gotSet.get(g) ?? 0) + 1);
    for (const w of want) {
      const n = gotSet.get(w) ?? 0;
      if (n === 0) mismatch(`missing crossing ${w}`);
      else gotSet.set(w, n - 1);
    }
    for (const [g, n] of gotSet) if (n > 0) mismatch(`unexpected crossing ${g} ×${n}`);

    for (const subscriber of subscribers) {
      const mine = crossingRows.filter((r) => r.customer_id === subscriber.customerId && !r.historical);
      const missed = mine.filter((r) => !subscriber.received.has(r.id));
      if (missed.length > 0) mismatch(`subscriber ${subscriber.customerId} missed ${missed.length} of ${mine.length} crossings`);
    }

    const { rows: letters } = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM dead_letters`);
    if (Number(letters[0].n) !== bad.length) mismatch(`dead letters: ${letters[0].n}, injected ${bad.length}`);

    figures.events = events.length;
    figures.customers = CUSTOMERS;
    figures.alerts = alerts.length;
    figures.statuses = statusRows.length;
    figures.crossings = crossingRows.length;
    figures.subscribers = subscribers.length;
    figures.subscriberDeliveries = subscribers.reduce((n, s) => n + s.received.size, 0);
    figures.deadLetters = Number(letters[0].n);
    figures.seconds = Math.round((Date.now() - startedAt) / 1000);
    for (const [name, value] of Object.entries(figures)) process.stdout.write(`${name}: ${value}\n`);
    process.stdout.write(`mismatches: ${mismatches}\n`);
    return mismatches === 0 ? 0 : 1;
  } finally {
    for (const s of subscribers) await s.stop().catch(() => undefined);
    await pool?.end().catch(() => undefined);
    await stopServerProcesses(processes);
    await pg?.stop().catch(() => undefined);
    await kafka("down").catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

const deadline = setTimeout(() => {
  process.stdout.write(`the fault test did not finish within ${DEADLINE_MS / 60_000} minutes\nmismatches: unknown\n`);
  process.exit(1);
}, DEADLINE_MS + 60_000);
deadline.unref();

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`fault test failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
