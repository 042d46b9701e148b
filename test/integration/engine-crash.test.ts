// "Does not double count after a crash": the server is killed with SIGKILL mid-stream, restarted, and
// its final statuses must equal an offline recount of the same events.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { createTestDatabase } from "../support/database";
import { CREATE_ALERT, minimalAlert } from "../support/queries";
import { startServerProcess, type ServerProcess } from "../support/server-process";
import { allStatuses } from "../support/statuses";
import { waitFor } from "../support/wait";

const PUBLISH = `mutation ($events: [EventInput!]!) { publishEvents(events: $events) { accepted } }`;

const CUSTOMERS = ["acme", "globex", "initech", "umbrella", "hooli"];
const USERS = ["ann", "bob", "cy", "dee"];

interface Ev {
  id: string;
  customerId: string;
  application: string;
  eventType: string;
  payload: { user: string; ok: boolean; n: number };
}

/** A fixed pseudo-random workload (mulberry32), so a failure can be replayed. */
function workload(count: number, seed: number): Ev[] {
  let state = seed;
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let x = Math.imul(state ^ (state >>> 15), 1 | state);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from({ length: count }, (_, i) => ({
    id: `ev-${i}`,
    customerId: CUSTOMERS[Math.floor(next() * CUSTOMERS.length)],
    application: next() < 0.8 ? "gsuite" : "slack",
    eventType: "login",
    payload: { user: USERS[Math.floor(next() * USERS.length)], ok: next() < 0.5, n: Math.floor(next() * 10) },
  }));
}

test("SIGKILL mid-stream, then restart: statuses equal an offline recount; nothing lost, nothing twice", async (t) => {
  const db = await createTestDatabase();
  const adminKey = `crash-admin-${randomBytes(12).toString("hex")}`;
  const env = { DATABASE_URL: db.url, ADMIN_API_KEY: adminKey };
  let server: ServerProcess | undefined = await startServerProcess(env);
  try {
    const gql = async (query: string, variables: unknown) => {
      const response = await fetch(server!.url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${adminKey}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data!;
    };
    const create = async (input: Record<string, unknown>) => ((await gql(CREATE_ALERT, { input: minimalAlert(input) })).createAlert as { id: string }).id;
    // Global, grouped COUNT; and one customer's SUM over a condition.
    const countAlert = await create({ application: "gsuite", groupBy: ["$.user"], threshold: { operator: "GREATER_THAN_OR_EQUAL", value: 1_000_000 } });
    const sumAlert = await create({ customerId: "acme", conditions: [{ path: "$.ok", operator: "EQUALS", value: true }], aggregation: { function: "SUM", path: "$.n" }, threshold: { operator: "GREATER_THAN", value: 1e9 } });

    const events = workload(4000, 20261124);
    const batches = Array.from({ length: 40 }, (_, i) => events.slice(i * 100, i * 100 + 100));
    let kills = 0;
    for (let i = 0; i < batches.length; i++) {
      if (i === 12 || i === 27) {
        // Kill while the engine is busy with what was just published.
        server.child.kill("SIGKILL");
        await server.exited();
        kills++;
        server = await startServerProcess(env);
      }
      // A publish cut off by a kill may or may not have landed: retrying with the same ids is safe.
      await waitFor(async () => (await gql(PUBLISH, { events: batches[i] }), true), `batch ${i} published`, 30_000, 200);
    }
    // Publish the first batches again: idempotency must make them count zero times more.
    for (const batch of batches.slice(0, 3)) await gql(PUBLISH, { events: batch });

    const expectedCount = new Map<string, number>();
    const expectedSum = { count: 0, value: 0 };
    for (const e of events) {
      if (e.application === "gsuite") {
        const key = `${e.customerId}|["${e.payload.user}"]`;
        expectedCount.set(key, (expectedCount.get(key) ?? 0) + 1);
      }
      if (e.customerId === "acme" && e.payload.ok) {
        expectedSum.count++;
        expectedSum.value += e.payload.n;
      }
    }
    const all = (alertId: string) => allStatuses(gql, alertId);
    const total = [...expectedCount.values()].reduce((a, b) => a + b, 0);
    const counted = await waitFor(async () => {
      const rows = await all(countAlert);
      return rows.reduce((n, r) => n + r.count, 0) >= total ? rows : null;
    }, "the engine to catch up", 60_000, 200);
    const actualCount = new Map(counted.map((r) => [`${r.customerId}|${r.groupKey}`, r.count]));
    assert.deepEqual(Object.fromEntries([...actualCount].sort()), Object.fromEntries([...expectedCount].sort()));
    const [sum] = await all(sumAlert);
    assert.deepEqual({ count: sum.count, value: sum.value }, expectedSum);
    assert.equal(kills, 2);
    t.diagnostic(`${events.length} events, ${kills} SIGKILLs, ${counted.length} statuses, all equal to the recount`);
  } finally {
    server?.child.kill("SIGTERM");
    await server?.exited();
    await db.drop();
  }
});
