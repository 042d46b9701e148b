// PostgreSQL goes away and comes back: the API answers UNAVAILABLE and /readyz says not ready meanwhile,
// nothing hangs, and the engine resumes counting by itself.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { startApp } from "../../src/app";
import { loadConfig } from "../../src/config/config";
import { createLogger } from "../../src/logger";
import { startEmbeddedPostgres } from "../../src/store/embedded-postgres";
import { CREATE_ALERT, minimalAlert } from "../support/queries";
import { waitFor } from "../support/wait";

const PUBLISH = `mutation ($events: [EventInput!]!) { publishEvents(events: $events) { accepted } }`;
const STATUS = `query ($id: ID) { alertStatuses(alertId: $id) { nodes { count } } }`;

test("a PostgreSQL outage: UNAVAILABLE and not ready while it lasts, then everything recovers by itself", async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), "alerts-outage-"));
  const logger = createLogger("silent");
  let pg = await startEmbeddedPostgres({ dataDir, logger });
  const port = pg.port;
  const adminKey = `outage-${randomBytes(12).toString("hex")}`;
  const app = await startApp(loadConfig({ DATABASE_URL: pg.url, PORT: "0", ADMIN_API_KEY: adminKey }), logger);
  const origin = new URL(app.url!).origin;
  const gql = async (query: string, variables: unknown) => {
    const response = await fetch(app.url!, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${adminKey}` },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(20_000),
    });
    return { status: response.status, body: (await response.json()) as { data?: Record<string, { id: string; nodes: { count: number }[] }>; errors?: { extensions: { code: string } }[] } };
  };
  try {
    const created = await gql(CREATE_ALERT, { input: minimalAlert({ customerId: "acme", threshold: { operator: "GREATER_THAN", value: 100 } }) });
    const alertId = created.body.data!.createAlert.id;
    const event = { customerId: "acme", application: "a", eventType: "e", payload: {} };
    await gql(PUBLISH, { events: [event] });
    await waitFor(async () => (await gql(STATUS, { id: alertId })).body.data?.alertStatuses.nodes[0]?.count === 1, "first event counted");

    await pg.stop();
    const downAt = Date.now();
    await waitFor(async () => (await fetch(`${origin}/readyz`)).status === 503, "not ready", 10_000);
    const during = await gql(PUBLISH, { events: [event] });
    assert.equal(during.status, 503);
    assert.equal(during.body.errors?.[0]?.extensions.code, "UNAVAILABLE");
    const read = await gql(STATUS, { id: alertId });
    assert.equal(read.body.errors?.[0]?.extensions.code, "UNAVAILABLE");
    t.diagnostic(`answers came back UNAVAILABLE within ${Date.now() - downAt} ms of the outage`);

    pg = await startEmbeddedPostgres({ dataDir, logger, port });
    await waitFor(async () => (await fetch(`${origin}/readyz`)).status === 200, "ready again", 30_000, 200);
    await waitFor(async () => (await gql(PUBLISH, { events: [event] })).status === 200, "publishing again", 30_000, 200);
    await waitFor(async () => (await gql(STATUS, { id: alertId })).body.data?.alertStatuses.nodes[0]?.count === 2, "the engine counting again", 30_000, 200);
  } finally {
    await app.stop();
    await pg.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
