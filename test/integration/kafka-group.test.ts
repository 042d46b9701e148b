// Scale-out: one API server and two engines in one consumer group, on a broker of this test's own (so
// it can be restarted without disturbing other tests). An engine is killed with SIGKILL mid-stream and
// the broker restarts mid-stream; final statuses must equal an offline recount.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { test } from "node:test";
import { createTestDatabase } from "../support/database";
import { CREATE_ALERT, minimalAlert } from "../support/queries";
import { startServerProcess, type ServerProcess } from "../support/server-process";
import { allStatuses } from "../support/statuses";
import { waitFor } from "../support/wait";

const run = promisify(execFile);
const ROOT = join(__dirname, "..", "..", "..");
const PUBLISH = `mutation ($events: [EventInput!]!) { publishEvents(events: $events) { accepted } }`;
const CUSTOMERS = Array.from({ length: 12 }, (_, i) => `cust-${i}`);
const USERS = ["ann", "bob", "cy"];

const skip = process.env.TEST_KAFKA_BROKERS ? false : (process.env.TEST_KAFKA_SKIP_REASON ?? "no Kafka broker (run the tests with npm test)");

test("two engines share the partitions; one is SIGKILLed, the broker restarts; nothing lost, nothing twice", { skip, timeout: 300_000 }, async (t) => {
  const kafkaHome = mkdtempSync(join(tmpdir(), "alerts-kafka-group-"));
  const kafkaEnv = { ...process.env, KAFKA_HOME_DIR: kafkaHome, KAFKA_PORT: "29192", KAFKA_CONTROLLER_PORT: "29193" };
  const kafka = (command: string) => run("bash", [join(ROOT, "scripts", "kafka.sh"), command], { env: kafkaEnv, cwd: ROOT, timeout: 180_000 });
  await kafka("up");
  const db = await createTestDatabase();
  const adminKey = `group-admin-${randomBytes(12).toString("hex")}`;
  const env = {
    DATABASE_URL: db.url,
    ADMIN_API_KEY: adminKey,
    KAFKA_BROKERS: "127.0.0.1:29192",
    KAFKA_TOPIC_PREFIX: `group-${randomBytes(4).toString("hex")}-`,
    KAFKA_EVENT_PARTITIONS: "6",
  };
  const processes: ServerProcess[] = [];
  try {
    const api = await startServerProcess({ ...env, ROLE: "api" });
    processes.push(api);
    const engines = [await startServerProcess({ ...env, ROLE: "engine" }), await startServerProcess({ ...env, ROLE: "engine" })];
    processes.push(...engines);
    const gql = async (query: string, variables: unknown) => {
      const response = await fetch(api.url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${adminKey}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data!;
    };
    const create = async (input: Record<string, unknown>) => ((await gql(CREATE_ALERT, { input: minimalAlert(input) })).createAlert as { id: string }).id;
    const countAlert = await create({ groupBy: ["$.user"], threshold: { operator: "GREATER_THAN_OR_EQUAL", value: 1e9 } });
    const sumAlert = await create({ aggregation: { function: "SUM", path: "$.n" }, threshold: { operator: "GREATER_THAN", value: 1e12 } });

    // Both engines hold part of the group before traffic starts.
    await waitFor(() => engines.every((e) => /"msg":"partitions assigned"/.test(e.stdout())), "both engines assigned", 60_000, 100);

    const events = Array.from({ length: 3000 }, (_, i) => ({
      id: `g-${i}`,
      customerId: CUSTOMERS[i % CUSTOMERS.length],
      application: "okta",
      eventType: "auth",
      payload: { user: USERS[(i * 7) % USERS.length], n: i % 5 },
    }));
    const batches = Array.from({ length: 30 }, (_, i) => events.slice(i * 100, i * 100 + 100));
    for (let i = 0; i < batches.length; i++) {
      if (i === 8) {
        engines[0].child.kill("SIGKILL");
        await engines[0].exited();
      }
      if (i === 16) {
        await kafka("down");
        // While the broker is away: not ready, and publishing answers UNAVAILABLE (503), without hanging.
        const origin = new URL(api.url).origin;
        await waitFor(async () => (await fetch(`${origin}/readyz`)).status === 503, "not ready without the broker", 30_000, 200);
        const refused = await fetch(api.url, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${adminKey}` },
          body: JSON.stringify({ query: PUBLISH, variables: { events: batches[i] } }),
          signal: AbortSignal.timeout(60_000),
        });
        assert.equal(refused.status, 503);
        assert.equal(((await refused.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code, "UNAVAILABLE");
        await kafka("up");
        await waitFor(async () => (await fetch(`${origin}/readyz`)).status === 200, "ready again", 60_000, 200);
      }
      // While the broker is away publishEvents answers UNAVAILABLE; retrying with the same ids is safe.
      await waitFor(async () => (await gql(PUBLISH, { events: batches[i] }), true), `batch ${i} published`, 120_000, 250);
    }

    const expected = new Map<string, number>();
    const sums = new Map<string, number>();
    for (const e of events) {
      const key = `${e.customerId}|["${e.payload.user}"]`;
      expected.set(key, (expected.get(key) ?? 0) + 1);
      sums.set(e.customerId, (sums.get(e.customerId) ?? 0) + e.payload.n);
    }
    const all = (alertId: string) => allStatuses(gql, alertId);
    const counted = await waitFor(async () => {
      const rows = await all(countAlert);
      return rows.reduce((n, r) => n + r.count, 0) >= events.length ? rows : null;
    }, "the surviving engine to take over and catch up", 120_000, 500);
    assert.deepEqual(
      Object.fromEntries(counted.map((r) => [`${r.customerId}|${r.groupKey}`, r.count]).sort()),
      Object.fromEntries([...expected].sort()),
    );
    const summed = await all(sumAlert);
    assert.deepEqual(Object.fromEntries(summed.map((r) => [r.customerId, r.value]).sort()), Object.fromEntries([...sums].sort()));
    assert.match(engines[1].stdout(), /"partitions":\[0,1,2,3,4,5\],"msg":"partitions assigned"|"partitions":\[[0-9,]+\],"msg":"partitions assigned"/);
    t.diagnostic(`${events.length} events over 6 partitions, 2 engines, 1 SIGKILL, 1 broker restart: ${counted.length} statuses equal the recount`);
  } finally {
    for (const p of processes) {
      if (p.child.exitCode === null && p.child.signalCode === null) {
        p.child.kill("SIGTERM");
        await p.exited();
      }
    }
    await kafka("down").catch(() => undefined);
    await db.drop();
    rmSync(kafkaHome, { recursive: true, force: true });
  }
});
