// History: backfill on create under live traffic, global backfills, replays, previews and progress.
// The same scenario runs on each log: the embedded one (PostgreSQL) and Kafka.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { startTestApp, type TestApp } from "./app";
import { makeKey } from "./keys";
import { CREATE_ALERT, UPDATE_ALERT, minimalAlert } from "./queries";
import { allStatuses, type StatusRow as StatusNode } from "./statuses";
import { subscribe } from "./subscriber";
import { waitFor } from "./wait";

const PUBLISH = `mutation ($events: [EventInput!]!) { publishEvents(events: $events) { accepted } }`;
const BACKFILL = `query ($id: ID!) { alert(id: $id) { backfill { state processedEvents totalEvents error startedAt finishedAt } } }`;
const REPLAY = `mutation ($id: ID!, $since: DateTime) { replayAlert(id: $id, since: $since) { alertId state } }`;
const PREVIEW = `query ($alert: CreateAlertInput!, $since: DateTime!, $until: DateTime) { previewAlert(alert: $alert, since: $since, until: $until) {
  scannedEvents qualifyingEvents crossings { direction value customerId groupKey historical } statuses { customerId groupKey value count state } } }`;


export function defineHistoryScenarios(name: string, env: () => Record<string, string>): void {
  describe(name, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp({ PREVIEW_MAX_EVENTS: "500", ...env() });
    });
    after(() => t?.stop());

    const app = () => `hist-${randomUUID().slice(0, 8)}`;
    const publish = (events: unknown[]) => t.ok(PUBLISH, { events });
    const create = async (input: Record<string, unknown>) => (await t.ok<{ createAlert: { id: string } }>(CREATE_ALERT, { input: minimalAlert(input) })).createAlert.id;
    const statuses = (alertId: string) => allStatuses((query, variables) => t.ok(query, variables), alertId);
    const backfillDone = (alertId: string) =>
      waitFor(async () => {
        const view = (await t.ok<{ alert: { backfill: { state: string; processedEvents: number; totalEvents: number } | null } }>(BACKFILL, { id: alertId })).alert.backfill;
        return view?.state === "DONE" ? view : null;
      }, "the backfill to finish", 60_000, 100);
    const ev = (application: string, customerId: string, payload: Record<string, unknown>, at?: number) => ({
      customerId,
      application,
      eventType: "login",
      payload,
      ...(at ? { occurredAt: new Date(at).toISOString() } : {}),
    });
    const byKey = (rows: StatusNode[]) => Object.fromEntries(rows.map((r) => [`${r.customerId}|${r.groupKey}`, [r.count, r.value]]).sort());

    test("a new alert counts history exactly, while live traffic keeps coming", async () => {
      const a = app();
      const customers = ["acme", "globex", "initech"];
      const history = Array.from({ length: 600 }, (_, i) => ev(a, customers[i % 3], { n: i % 7, user: `u${i % 4}` }));
      for (let i = 0; i < history.length; i += 200) await publish(history.slice(i, i + 200));
      // Make sure the history is in the archive before the alert exists (in Kafka mode the engine archives).
      const probe = await create({ application: a, threshold: { operator: "GREATER_THAN", value: 1e9 } });
      await backfillDone(probe);
      await waitFor(async () => (await statuses(probe)).reduce((n, s) => n + s.count, 0) === 600, "history archived");

      const live = Array.from({ length: 300 }, (_, i) => ev(a, customers[i % 3], { n: i % 5, user: `u${i % 4}` }));
      const publishing = (async () => {
        for (let i = 0; i < live.length; i += 30) await publish(live.slice(i, i + 30));
      })();
      const alertId = await create({ application: a, groupBy: ["$.user"], aggregation: { function: "SUM", path: "$.n" }, threshold: { operator: "GREATER_THAN", value: 1e9 } });
      await publishing;
      await backfillDone(alertId);
      const expected = new Map<string, [number, number]>();
      for (const e of [...history, ...live]) {
        const key = `${e.customerId}|["${e.payload.user}"]`;
        const [count, sum] = expected.get(key) ?? [0, 0];
        expected.set(key, [count + 1, sum + (e.payload.n as number)]);
      }
      const rows = await waitFor(async () => {
        const found = await statuses(alertId);
        return found.reduce((n, s) => n + s.count, 0) >= 900 ? found : null;
      }, "all 900 events counted", 60_000, 100);
      assert.deepEqual(byKey(rows), Object.fromEntries([...expected].sort()));
    });

    test("a global alert backfills across many customers, and emits one crossing per status that fires", async () => {
      const a = app();
      const customers = Array.from({ length: 40 }, (_, i) => `cust-${i}`);
      const events = customers.flatMap((c, i) => Array.from({ length: (i % 4) + 1 }, () => ev(a, c, {})));
      await publish(events);
      const probe = await create({ application: a, threshold: { operator: "GREATER_THAN", value: 1e9 } });
      await waitFor(async () => (await statuses(probe)).length === 40, "history archived");
      const alertId = await create({ application: a, threshold: { operator: "GREATER_THAN_OR_EQUAL", value: 3 } });
      const view = await backfillDone(alertId);
      assert.ok(view.processedEvents >= events.length);
      const rows = await waitFor(async () => {
        const found = await statuses(alertId);
        return found.length === 40 ? found : null;
      }, "40 statuses");
      for (const [i, c] of customers.entries()) {
        const row = rows.find((r) => r.customerId === c)!;
        assert.equal(row.count, (i % 4) + 1, c);
        assert.equal(row.state, (i % 4) + 1 >= 3 ? "FIRING" : "OK", c);
      }
      const crossings = (await t.ok<{ thresholdCrossings: { nodes: { direction: string; historical: boolean }[] } }>(
        `query ($id: ID) { thresholdCrossings(alertId: $id, first: 100) { nodes { direction historical } } }`,
        { id: alertId },
      )).thresholdCrossings.nodes;
      assert.equal(crossings.filter((c) => !c.historical).length, 20, "one live RAISED per firing status");
      assert.ok(crossings.every((c) => c.direction === "RAISED"));
    });

    test("replayAlert recounts after a fix; with since, only from there; progress arrives over the subscription", async () => {
      const a = app();
      const now = Date.now();
      await publish([ev(a, "acme", { ok: false }, now - 3_600_000), ev(a, "acme", { ok: false }, now - 60_000), ev(a, "acme", { ok: true }, now - 30_000)]);
      const probe = await create({ application: a, threshold: { operator: "GREATER_THAN", value: 1e9 } });
      await waitFor(async () => (await statuses(probe))[0]?.count === 3, "history archived");
      // Created without history: it counts nothing of the past.
      const alertId = await create({ customerId: "acme", application: a, conditions: [{ path: "$.ok", operator: "EQUALS", value: false }], backfill: false });
      await publish([ev(a, "acme", { ok: true })]);
      await waitFor(async () => (await statuses(probe))[0]?.count === 4, "the live event seen");
      assert.deepEqual(await statuses(alertId), []);

      const viewer = (await makeKey(t, "VIEWER", "acme")).secret;
      const progress = subscribe<{ backfillProgress: { state: string; processedEvents: number } }>(
        t.url,
        viewer,
        `subscription ($id: ID!) { backfillProgress(alertId: $id) { state processedEvents totalEvents } }`,
        { id: alertId },
      );
      try {
        await progress.connected;
        const replay = await t.ok<{ replayAlert: { state: string } }>(REPLAY, { id: alertId });
        assert.equal(replay.replayAlert.state, "PENDING");
        await backfillDone(alertId);
        await waitFor(async () => (await statuses(alertId))[0]?.count === 2, "both ok:false events counted by the replay");
        await waitFor(() => progress.received.some((p) => p.backfillProgress.state === "DONE"), "DONE over the subscription");
        assert.deepEqual(progress.errors, []);
      } finally {
        await progress.close();
      }

      // The fix: count ok:true events instead; the change rebuilds from history by itself.
      await t.ok(UPDATE_ALERT, { id: alertId, input: { conditions: [{ path: "$.ok", operator: "EQUALS", value: true }] } });
      await waitFor(async () => (await statuses(alertId))[0]?.count === 2, "the fixed definition recounted (2 ok:true events)");

      await t.ok(REPLAY, { id: alertId, since: new Date(now - 45_000).toISOString() });
      await waitFor(async () => {
        const view = (await t.ok<{ alert: { backfill: { state: string } } }>(BACKFILL, { id: alertId })).alert.backfill;
        const [row] = await statuses(alertId);
        return view.state === "DONE" && row?.count === 2;
      }, "the replay from since: the ok:true event 30 s ago and the live one", 60_000, 100);

      const forbidden = await t.gql(REPLAY, { id: alertId }, viewer);
      assert.equal(forbidden.errors?.[0]?.extensions?.code, "FORBIDDEN");
    });

    test("previewAlert equals what the live engine produced on the same events, and stores nothing", async () => {
      const a = app();
      const since = new Date(Date.now() - 1000);
      const definition = { application: a, groupBy: ["$.user"], aggregation: { function: "COUNT_DISTINCT", path: "$.ip" }, threshold: { operator: "GREATER_THAN_OR_EQUAL", value: 2 } };
      const alertId = await create({ ...definition, backfill: false });
      await publish(Array.from({ length: 40 }, (_, i) => ev(a, i % 2 ? "acme" : "globex", { user: `u${i % 3}`, ip: `10.0.0.${i % 5}` })));
      const live = await waitFor(async () => {
        const found = await statuses(alertId);
        return found.reduce((n, s) => n + s.count, 0) === 40 ? found : null;
      }, "live statuses");
      const preview = (await t.ok<{ previewAlert: { scannedEvents: number; qualifyingEvents: number; statuses: StatusNode[]; crossings: { direction: string }[] } }>(PREVIEW, {
        alert: minimalAlert(definition),
        since: since.toISOString(),
      })).previewAlert;
      assert.equal(preview.qualifyingEvents, 40);
      assert.deepEqual(byKey(preview.statuses), byKey(live));
      assert.deepEqual(
        preview.statuses.map((s) => `${s.customerId}|${s.groupKey}|${s.state}`).sort(),
        live.map((s) => `${s.customerId}|${s.groupKey}|${s.state}`).sort(),
      );
      const liveRaised = live.filter((s) => s.state === "FIRING").length;
      assert.equal(preview.crossings.filter((c) => c.direction === "RAISED").length, liveRaised);
      const after = (await t.ok<{ alerts: { totalCount: number } }>(`{ alerts { totalCount } }`)).alerts.totalCount;
      assert.ok(after > 0);
    });

    test("previewAlert refuses a range over PREVIEW_MAX_EVENTS, and until before since", async () => {
      const tooMany = await t.gql(PREVIEW, { alert: minimalAlert(), since: new Date(Date.now() - 86_400_000).toISOString() });
      assert.equal(tooMany.errors?.[0]?.extensions?.code, "BAD_USER_INPUT");
      assert.match(tooMany.errors![0].message, /PREVIEW_MAX_EVENTS/);
      const backwards = await t.gql(PREVIEW, { alert: minimalAlert(), since: new Date().toISOString(), until: new Date(Date.now() - 1000).toISOString() });
      assert.equal(backwards.errors?.[0]?.extensions?.code, "BAD_USER_INPUT");
    });
  });
}
