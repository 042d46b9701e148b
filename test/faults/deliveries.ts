// npm run test:faults (second part) — every crossing reaches its webhook under faults. 10,000 crossings
// owe a delivery each to a real HTTP receiver here that answers 500, 429 with Retry-After, or nothing
// (timeouts) to a share of requests, while two dispatcher processes are SIGKILLed and restarted and the
// engine's process is SIGKILLed once mid-stream. Checked: the outbox holds exactly one delivery per
// crossing, every crossing reached the receiver at least once, and after the receiver drops repeats by
// webhook-id exactly one remains for each (with a valid signature). Ends with `mismatches: N`.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Pool } from "pg";
import { verifyWebhook } from "../../src/notify/signature";
import { createLogger } from "../../src/logger";
import { freePort, startEmbeddedPostgres, type EmbeddedPostgresHandle } from "../../src/store/embedded-postgres";
import { startHttpReceiver, type HttpReceiver } from "../support/receivers";
import { killAllServerProcesses, startServerProcess, stopServerProcesses, type ServerProcess } from "../support/server-process";
import { waitFor } from "../support/wait";
import { graphqlCaller, prng } from "./common";

const CROSSINGS = Number(process.env.FAULT_CROSSINGS ?? 10_000);
const CUSTOMERS = 10;
const BATCH = 1_000;
const DISPATCHER_KILLS = 6;
const DEADLINE_MS = 8 * 60_000;
const TIMEOUT_MS = 1_000;

async function main(): Promise<number> {
  const startedAt = Date.now();
  const dir = mkdtempSync(join(tmpdir(), "alerts-delivery-faults-"));
  let pg: EmbeddedPostgresHandle | undefined;
  let receiver: HttpReceiver | undefined;
  let pool: Pool | undefined;
  const processes = new Set<ServerProcess>();
  const abandon = () => {
    killAllServerProcesses();
    void Promise.allSettled([pg?.stop()]).then(() => {
      rmSync(dir, { recursive: true, force: true });
      process.exit(1);
    });
  };
  process.once("SIGTERM", abandon);
  process.once("SIGINT", abandon);
  try {
    pg = await startEmbeddedPostgres({ dataDir: join(dir, "pg"), logger: createLogger("warn") });
    pool = new Pool({ connectionString: pg.url, max: 2 });
    receiver = await startHttpReceiver();
    const random = prng(20261207);
    const answers = { ok: 0, error500: 0, retryAfter: 0, hung: 0 };
    receiver.answer = () => {
      const r = random();
      if (r < 0.15) return answers.error500++, { status: 500 };
      if (r < 0.17) return answers.retryAfter++, { status: 429, headers: { "retry-after": "1" } };
      if (r < 0.21) return answers.hung++, { hangMs: TIMEOUT_MS + 500 };
      return answers.ok++, { status: 200 };
    };

    const adminKey = `faults-${randomBytes(12).toString("hex")}`;
    const apiPort = await freePort();
    const env = {
      DATABASE_URL: pg.url,
      ADMIN_API_KEY: adminKey,
      RATE_LIMIT_MUTATIONS_PER_SECOND: "100000",
      RATE_LIMIT_EVENTS_PER_SECOND: "10000000",
      WEBHOOK_ALLOW_PRIVATE: "1",
      DELIVERY_TIMEOUT_MS: String(TIMEOUT_MS),
      DELIVERY_LEASE_SECONDS: "3",
      // Enough retries that no delivery runs out of them at these failure rates.
      DELIVERY_RETRY_SECONDS: Array.from({ length: 20 }, (_, i) => (i < 2 ? "0.2" : "1")).join(","),
      LOG_LEVEL: "info",
    };
    // The engine and the API, dispatching nothing; two API processes on free ports dispatch.
    const startMain = async () => {
      const p = await startServerProcess({ ...env, ROLE: "all", PORT: String(apiPort), DELIVERY_CONCURRENCY: "0" });
      processes.add(p);
      return p;
    };
    const startDispatcher = async () => {
      const p = await startServerProcess({ ...env, ROLE: "api", PORT: "0", DELIVERY_CONCURRENCY: "8" });
      processes.add(p);
      return p;
    };
    let main = await startMain();
    const dispatchers = [await startDispatcher(), await startDispatcher()];
    const gql = graphqlCaller(() => main.url, adminKey);

    const created = (await gql(`mutation ($input: CreateNotificationChannelInput!) { createNotificationChannel(input: $input) { secret channel { id } } }`, {
      input: { name: "fault receiver", kind: "WEBHOOK", url: `${receiver.url}/hook` },
    })).createNotificationChannel as { secret: string; channel: { id: string } };
    // A global alert: each user's first event is one RAISED crossing, so every event is a crossing.
    await gql(`mutation ($input: CreateAlertInput!) { createAlert(input: $input) { id } }`, {
      input: { name: "every new user", eventType: "user.seen", groupBy: ["$.user"], threshold: { operator: "GREATER_THAN_OR_EQUAL", value: 1 }, backfill: false, notify: [created.channel.id] },
    });

    // Dispatchers die while the deliveries flow: each kill and restart in turn, at random moments.
    let kills = 0;
    let stopKilling = false;
    const killer = (async () => {
      while (!stopKilling && kills < DISPATCHER_KILLS) {
        await new Promise((resolve) => setTimeout(resolve, 1_500 + Math.floor(random() * 2_000)));
        if (stopKilling) break;
        const i = kills % dispatchers.length;
        dispatchers[i].child.kill("SIGKILL");
        await dispatchers[i].exited();
        processes.delete(dispatchers[i]);
        kills++;
        dispatchers[i] = await startDispatcher();
      }
    })();

    let engineKilled = false;
    for (let from = 0; from < CROSSINGS; from += BATCH) {
      const events = Array.from({ length: Math.min(BATCH, CROSSINGS - from) }, (_, j) => {
        const n = from + j;
        return { id: `e${n}`, customerId: `c${n % CUSTOMERS}`, application: "gsuite", eventType: "user.seen", payload: { user: `u${n}` } };
      });
      if (!engineKilled && from >= CROSSINGS / 2) {
        // Mid-stream, the process that evaluates and writes the outbox dies; the same batch is published
        // again after the restart (ids make it count once) so that nothing the kill interrupted is lost.
        engineKilled = true;
        const publishing = gql(`mutation ($e: [EventInput!]!) { publishEvents(events: $e) { accepted } }`, { e: events }).catch(() => undefined);
        main.child.kill("SIGKILL");
        await main.exited();
        await publishing;
        processes.delete(main);
        main = await startMain();
      }
      await gql(`mutation ($e: [EventInput!]!) { publishEvents(events: $e) { accepted } }`, { e: events });
    }

    const settled = await waitFor(
      async () => {
        const { rows } = await pool!.query<{ crossings: number; delivered: number; owed: number }>(
          `SELECT (SELECT count(*)::int FROM threshold_crossings) AS crossings,
                  (SELECT count(*)::int FROM notification_deliveries WHERE state = 'DELIVERED') AS delivered,
                  (SELECT count(*)::int FROM notification_deliveries WHERE state <> 'DELIVERED') AS owed`,
        );
        const r = rows[0];
        return r.crossings === CROSSINGS && r.owed === 0 && r.delivered >= CROSSINGS ? r : null;
      },
      "every delivery DELIVERED",
      DEADLINE_MS - (Date.now() - startedAt),
      500,
    );
    stopKilling = true;
    await killer;

    // The outbox: exactly one delivery per crossing.
    let mismatches = 0;
    const complain = (what: string) => {
      mismatches++;
      if (mismatches <= 20) process.stdout.write(`mismatch: ${what}\n`);
    };
    const { rows: perCrossing } = await pool.query<{ id: string; n: number }>(
      `SELECT c.id, count(d.id)::int AS n FROM threshold_crossings c LEFT JOIN notification_deliveries d ON c.id = ANY (d.crossing_ids) GROUP BY c.id`,
    );
    for (const r of perCrossing) if (r.n !== 1) complain(`crossing ${r.id} has ${r.n} deliveries in the outbox`);
    const { rows: messages } = await pool.query<{ message_id: string; crossing_ids: string[]; attempts: number }>(`SELECT message_id, crossing_ids, attempts FROM notification_deliveries`);

    // The receiver's side: accepted requests, deduplicated by webhook-id, each signed.
    const accepted = receiver.requests.filter((r) => r.status === 200);
    const byMessage = new Map<string, string[]>();
    let badSignatures = 0;
    for (const request of accepted) {
      const headers = { id: String(request.headers["webhook-id"]), timestamp: String(request.headers["webhook-timestamp"]), signature: String(request.headers["webhook-signature"]) };
      if (!verifyWebhook(created.secret, headers, request.body, 3_600)) badSignatures++;
      if (!byMessage.has(headers.id)) byMessage.set(headers.id, (JSON.parse(request.body) as { crossings: { id: string }[] }).crossings.map((c) => c.id));
    }
    if (badSignatures > 0) complain(`${badSignatures} accepted requests with a signature that does not verify`);
    const receivedCrossings = new Map<string, number>();
    for (const ids of byMessage.values()) for (const id of ids) receivedCrossings.set(id, (receivedCrossings.get(id) ?? 0) + 1);
    for (const r of perCrossing) {
      const n = receivedCrossings.get(r.id) ?? 0;
      if (n !== 1) complain(`crossing ${r.id} reached the receiver ${n} times after deduplication`);
    }
    for (const m of messages) if (!byMessage.has(m.message_id)) complain(`message ${m.message_id} is DELIVERED but the receiver never accepted it`);
    if (byMessage.size !== messages.length) complain(`the receiver accepted ${byMessage.size} distinct messages; the outbox has ${messages.length}`);

    const figures = {
      crossings: settled.crossings,
      deliveries: messages.length,
      attempts: messages.reduce((sum, m) => sum + m.attempts, 0),
      "receiver requests": receiver.requests.length,
      "answered 200": answers.ok,
      "answered 500": answers.error500,
      "answered 429 Retry-After": answers.retryAfter,
      "no answer (timeouts)": answers.hung,
      "repeats dropped by webhook-id": accepted.length - byMessage.size,
      "dispatchers SIGKILLed": kills,
      "engine SIGKILLed": engineKilled ? 1 : 0,
      "seconds": Math.round((Date.now() - startedAt) / 1000),
    };
    for (const [name, value] of Object.entries(figures)) process.stdout.write(`${name}: ${value}\n`);
    process.stdout.write(`mismatches: ${mismatches}\n`);
    return mismatches === 0 ? 0 : 1;
  } finally {
    await pool?.end().catch(() => undefined);
    await stopServerProcesses(processes);
    await receiver?.close().catch(() => undefined);
    await pg?.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

const deadline = setTimeout(() => {
  process.stdout.write(`the delivery fault test did not finish within ${DEADLINE_MS / 60_000} minutes\nmismatches: unknown\n`);
  killAllServerProcesses();
  process.exit(1);
}, DEADLINE_MS + 60_000);
deadline.unref();

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`delivery fault test failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    killAllServerProcesses();
    process.exit(1);
  },
);
