// Events in, crossings out: the engine scenario, observed through the API and graphql-ws. The same
// scenario runs on each log: the embedded one (PostgreSQL) and Kafka.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { startTestApp, type TestApp } from "./app";
import { makeKey } from "./keys";
import { CREATE_ALERT, DELETE_ALERT, UPDATE_ALERT, minimalAlert } from "./queries";
import { subscribe } from "./subscriber";
import { waitFor } from "./wait";

const PUBLISH = `mutation ($events: [EventInput!]!) { publishEvents(events: $events) { accepted eventIds } }`;
const STATUSES = `query ($alertId: ID, $customerId: ID, $state: AlertStatusState) {
  alertStatuses(alertId: $alertId, customerId: $customerId, state: $state, first: 100) {
    totalCount nodes { alertId customerId groupKey state value count windowStart windowEnd lastEventAt lastCrossingAt entities { key count firstSeenAt lastSeenAt } } } }`;
const CROSSINGS = `query ($alertId: ID, $customerId: ID) {
  thresholdCrossings(alertId: $alertId, customerId: $customerId, first: 100) {
    totalCount nodes { id alertId customerId groupKey direction value cursor historical occurredAt detectedAt severity threshold { operator value } entities { key count } } } }`;
const CROSSED = `subscription ($alertId: ID, $customerId: ID, $after: String, $minSeverity: Severity) {
  thresholdCrossed(alertId: $alertId, customerId: $customerId, after: $after, minSeverity: $minSeverity) { id alertId customerId groupKey direction value cursor detectedAt } }`;

interface Status {
  alertId: string;
  customerId: string;
  groupKey: string | null;
  state: string;
  value: number;
  count: number;
  entities: { key: string; count: number }[];
}
interface CrossingNode {
  id: string;
  customerId: string;
  direction: string;
  value: number;
  cursor: string;
  groupKey: string | null;
  detectedAt: string;
}

/** Defines the whole scenario under `describe(name)`, on an app started with `env` (the log mode). */
export function defineEngineScenarios(name: string, env: () => Record<string, string>): void {
describe(name, () => {
let t: TestApp;
before(async () => {
  t = await startTestApp(env());
});
after(() => t?.stop());

const event = (customerId: string, payload: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  customerId,
  application: "gsuite",
  eventType: "login.failed",
  payload,
  ...extra,
});
const publish = async (events: unknown[], key?: string) =>
  (await t.ok<{ publishEvents: { accepted: number; eventIds: string[] } }>(PUBLISH, { events }, key)).publishEvents;
const createAlert = async (input: Record<string, unknown>, key?: string) =>
  (await t.ok<{ createAlert: { id: string } }>(CREATE_ALERT, { input: minimalAlert(input) }, key)).createAlert.id;
const statuses = async (vars: Record<string, unknown>, key?: string) =>
  (await t.ok<{ alertStatuses: { totalCount: number; nodes: Status[] } }>(STATUSES, vars, key)).alertStatuses.nodes;
const crossings = async (vars: Record<string, unknown>, key?: string) =>
  (await t.ok<{ thresholdCrossings: { nodes: CrossingNode[] } }>(CROSSINGS, vars, key)).thresholdCrossings.nodes;
const customer = () => `c-${randomUUID().slice(0, 8)}`;

describe("evaluation", () => {
  test("a global alert is counted separately per customer", async () => {
    const app = `app-${randomUUID().slice(0, 6)}`;
    const alertId = await createAlert({ application: app, threshold: { operator: "GREATER_THAN_OR_EQUAL", value: 2 } });
    const [a, b] = [customer(), customer()];
    await publish([event(a, {}, { application: app }), event(a, {}, { application: app }), event(b, {}, { application: app })]);
    const rows = await waitFor(async () => {
      const found = await statuses({ alertId });
      return found.length === 2 && found.reduce((n, s) => n + s.count, 0) === 3 ? found : null;
    }, "both customers' statuses");
    const byCustomer = Object.fromEntries(rows.map((s) => [s.customerId, s]));
    assert.equal(byCustomer[a].count, 2);
    assert.equal(byCustomer[a].state, "FIRING");
    assert.equal(byCustomer[b].count, 1);
    assert.equal(byCustomer[b].state, "OK");
    // A new alert counts its history first: its live crossings wait for that merge (DESIGN "History"),
    // which may commit after the statuses were stored.
    const found = await waitFor(async () => {
      const list = await crossings({ alertId });
      return list.length > 0 ? list : null;
    }, "the crossing, after the history merge");
    assert.deepEqual(found.map((c) => [c.customerId, c.direction]), [[a, "RAISED"]]);
  });

  test("conditions, groupBy, SUM and entities", async () => {
    const c = customer();
    const alertId = await createAlert({
      customerId: c,
      conditions: [{ path: "$.ok", operator: "EQUALS", value: false }],
      groupBy: ["$.user"],
      entityPath: "$.ip",
      aggregation: { function: "SUM", path: "$.attempts" },
      threshold: { operator: "GREATER_THAN", value: 5 },
    });
    const at = (secondsAgo: number) => ({ occurredAt: new Date(Date.now() - secondsAgo * 1000).toISOString() });
    await publish([
      event(c, { ok: false, user: "ann", ip: "10.0.0.1", attempts: 3 }, at(30)),
      event(c, { ok: true, user: "ann", ip: "10.0.0.2", attempts: 100 }, at(20)),
      event(c, { ok: false, user: "ann", ip: "10.0.0.3", attempts: 4 }, at(10)),
      event(c, { ok: false, user: "bob", attempts: "many" }, at(5)),
    ]);
    const rows = await waitFor(async () => {
      const found = await statuses({ alertId });
      return found.length === 2 && found.some((s) => s.value === 7) ? found : null;
    }, "grouped statuses");
    const ann = rows.find((s) => s.groupKey === '["ann"]')!;
    assert.equal(ann.state, "FIRING");
    assert.equal(ann.count, 2);
    assert.deepEqual(ann.entities.map((e) => e.key), ["10.0.0.3", "10.0.0.1"]);
    const bob = rows.find((s) => s.groupKey === '["bob"]')!;
    assert.deepEqual([bob.count, bob.value, bob.state], [1, 0, "OK"]);
  });

  test("a repeated event id counts once, across calls and within one", async () => {
    const c = customer();
    const alertId = await createAlert({ customerId: c, threshold: { operator: "GREATER_THAN_OR_EQUAL", value: 100 } });
    const first = await publish([event(c, {}, { id: "dup-1" }), event(c, {}, { id: "dup-1" }), event(c, {}, { id: "other" })]);
    assert.equal(first.accepted, 2);
    assert.deepEqual(first.eventIds, ["dup-1", "dup-1", "other"]);
    const second = await publish([event(c, {}, { id: "dup-1" })]);
    assert.equal(second.accepted, 0);
    await publish([event(c, {}, { id: "marker" })]);
    const [status] = await waitFor(async () => {
      const found = await statuses({ alertId });
      return found[0]?.count === 3 ? found : null;
    }, "three distinct events counted");
    assert.equal(status.count, 3);
  });

  test("a sliding window clears by itself when no event arrives", async () => {
    const c = customer();
    const alertId = await createAlert({ customerId: c, window: { type: "SLIDING", seconds: 2 }, threshold: { operator: "GREATER_THAN_OR_EQUAL", value: 1 } });
    await publish([event(c, {})]);
    await waitFor(async () => (await crossings({ alertId })).length === 1, "RAISED");
    const both = await waitFor(async () => {
      const found = await crossings({ alertId });
      return found.length === 2 ? found : null;
    }, "CLEARED without new events", 10_000);
    assert.deepEqual(both.map((x) => x.direction), ["RAISED", "CLEARED"]);
    const [status] = await statuses({ alertId });
    assert.deepEqual([status.state, status.count], ["OK", 0]);
  });

  test("a threshold change re-judges the statuses; a delete removes them and emits nothing", async () => {
    const c = customer();
    const alertId = await createAlert({ customerId: c, threshold: { operator: "GREATER_THAN_OR_EQUAL", value: 5 } });
    await publish([event(c, {}), event(c, {})]);
    await waitFor(async () => (await statuses({ alertId }))[0]?.count === 2, "count 2");
    await t.ok(UPDATE_ALERT, { id: alertId, input: { threshold: { operator: "GREATER_THAN_OR_EQUAL", value: 2 } } });
    await waitFor(async () => (await crossings({ alertId })).length === 1, "RAISED by the new threshold");
    const [status] = await statuses({ alertId });
    assert.deepEqual([status.state, status.count], ["FIRING", 2], "the count was kept");
    await t.ok(DELETE_ALERT, { id: alertId });
    await waitFor(async () => (await statuses({ alertId })).length === 0, "statuses removed");
    assert.equal((await crossings({ alertId })).length, 1, "nothing emitted by the delete");
  });

  test("a change to the conditions starts the statuses afresh", async () => {
    const c = customer();
    const alertId = await createAlert({ customerId: c, threshold: { operator: "GREATER_THAN_OR_EQUAL", value: 50 } });
    await publish([event(c, { x: 1 }), event(c, { x: 2 })]);
    await waitFor(async () => (await statuses({ alertId }))[0]?.count === 2, "count 2");
    await t.ok(UPDATE_ALERT, { id: alertId, input: { conditions: [{ path: "$.x", operator: "EQUALS", value: 3 }] } });
    await waitFor(async () => (await statuses({ alertId })).length === 0, "statuses rebuilt");
    await publish([event(c, { x: 3 }), event(c, { x: 1 })]);
    const [status] = await waitFor(async () => {
      const found = await statuses({ alertId });
      return found[0]?.count === 1 ? found : null;
    }, "only the new matching event counted");
    assert.equal(status.count, 1);
  });
});

describe("subscriptions", () => {
  test("a crossing arrives after publishEvents returns; other customers' crossings do not", async (ctx) => {
    const [a, b] = [customer(), customer()];
    const keyA = (await makeKey(t, "VIEWER", a)).secret;
    const alertId = await createAlert({ eventType: `evt-${a}`, threshold: { operator: "GREATER_THAN_OR_EQUAL", value: 1 } });
    const seen = subscribe<{ thresholdCrossed: CrossingNode }>(t.url, keyA, CROSSED, {});
    const before = t.app.activeSubscriptions();
    await seen.connected;
    await waitFor(() => t.app.activeSubscriptions() > before || t.app.activeSubscriptions() >= 1, "subscription registered");
    try {
      await publish([event(b, {}, { eventType: `evt-${a}` })]);
      const startedAt = Date.now();
      await publish([event(a, {}, { eventType: `evt-${a}` })]);
      const returnedAt = Date.now();
      await waitFor(() => seen.received.length >= 1, "the crossing of customer A", 10_000, 5);
      const latencyMs = Date.now() - returnedAt;
      ctx.diagnostic(`publishEvents returned → crossing at the subscriber: ${latencyMs} ms (publishEvents took ${returnedAt - startedAt} ms)`);
      await waitFor(async () => (await crossings({ alertId })).length === 2, "both customers' crossings stored");
      assert.deepEqual(seen.received.map((r) => r.thresholdCrossed.customerId), [a]);
      assert.deepEqual(seen.errors, []);
    } finally {
      await seen.close();
    }
  });

  test("resuming with after replays what was missed, in order, then continues live without repeats", async () => {
    const c = customer();
    const key = (await makeKey(t, "VIEWER", c)).secret;
    const alertId = await createAlert({ customerId: c, window: { type: "TUMBLING", seconds: 3600 }, groupBy: ["$.n"], threshold: { operator: "GREATER_THAN_OR_EQUAL", value: 1 } });
    const first = subscribe<{ thresholdCrossed: CrossingNode }>(t.url, key, CROSSED, { alertId });
    await first.connected;
    await waitFor(() => t.app.activeSubscriptions() >= 1, "subscription registered");
    await publish([event(c, { n: 1 })]);
    await waitFor(() => first.received.length === 1, "first crossing");
    await first.close();
    const cursor = first.received[0].thresholdCrossed.cursor;

    await publish([event(c, { n: 2 }), event(c, { n: 3 })]);
    await waitFor(async () => (await crossings({ alertId })).length === 3, "missed crossings stored");
    const resumed = subscribe<{ thresholdCrossed: CrossingNode }>(t.url, key, CROSSED, { alertId, after: cursor });
    try {
      await waitFor(() => resumed.received.length === 2, "replayed crossings");
      await publish([event(c, { n: 4 })]);
      await waitFor(() => resumed.received.length === 3, "live crossing after the replay");
      const groups = resumed.received.map((r) => r.thresholdCrossed.groupKey);
      assert.deepEqual(groups, ["[2]", "[3]", "[4]"]);
      const ids = resumed.received.map((r) => r.thresholdCrossed.id);
      assert.equal(new Set(ids).size, 3);
    } finally {
      await resumed.close();
    }
  });

  test("alertStatusChanged pushes the latest state of a status, to its own customer only", async () => {
    const [a, b] = [customer(), customer()];
    const keyA = (await makeKey(t, "VIEWER", a)).secret;
    const alertId = await createAlert({ eventType: `st-${a}`, threshold: { operator: "GREATER_THAN_OR_EQUAL", value: 10 } });
    const changes = subscribe<{ alertStatusChanged: { customerId: string; count: number; state: string } }>(
      t.url,
      keyA,
      `subscription ($alertId: ID) { alertStatusChanged(alertId: $alertId) { alertId customerId count state value } }`,
      { alertId },
    );
    const before = t.app.activeSubscriptions();
    await changes.connected;
    await waitFor(() => t.app.activeSubscriptions() > before || t.app.activeSubscriptions() >= 1, "subscription registered");
    try {
      await publish([event(b, {}, { eventType: `st-${a}` }), event(a, {}, { eventType: `st-${a}` }), event(a, {}, { eventType: `st-${a}` })]);
      await waitFor(() => changes.received.some((c) => c.alertStatusChanged.count === 2), "a's status with count 2");
      assert.ok(changes.received.every((c) => c.alertStatusChanged.customerId === a));
    } finally {
      await changes.close();
    }
  });

  test("with after, a platform key must name the customer", async () => {
    const sub = subscribe(t.url, t.adminKey, CROSSED, { after: "Y3Jvc3Npbmc6MQ" });
    try {
      await waitFor(() => sub.errors.length > 0, "an error");
      assert.match(JSON.stringify(sub.errors), /BAD_USER_INPUT/);
    } finally {
      await sub.close();
    }
  });
});

describe("publishEvents and testAlert", () => {
  test("a customer key publishes only its own customer's events: the whole call is refused", async () => {
    const c = customer();
    const key = (await makeKey(t, "EDITOR", c)).secret;
    const result = await t.gql(PUBLISH, { events: [event(c, {}), event("someone-else", {})] }, key);
    assert.equal(result.errors?.[0]?.extensions?.code, "FORBIDDEN");
    const viewer = (await makeKey(t, "VIEWER", c)).secret;
    assert.equal((await t.gql(PUBLISH, { events: [event(c, {})] }, viewer)).errors?.[0]?.extensions?.code, "FORBIDDEN");
  });

  test("bad events are refused with the offending field, and nothing is stored", async () => {
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 70; i++) deep = { d: deep };
    const cases: [Record<string, unknown>, string][] = [
      [event("c1", deep), "events[0].payload"],
      [event("c1", { big: "x".repeat(262_144) }), "events[0].payload"],
      [event("c1", {}, { occurredAt: new Date(Date.now() + 6 * 60_000).toISOString() }), "events[0].occurredAt"],
      [event("c1", {}, { application: "" }), "events[0].application"],
      [event("bad customer", {}), "events[0].customerId"],
    ];
    for (const [bad, field] of cases) {
      const result = await t.gql(PUBLISH, { events: [bad] });
      assert.equal(result.errors?.[0]?.extensions?.code, "BAD_USER_INPUT", field);
      assert.ok(result.errors[0].extensions?.fields?.some((f) => f.field === field), `${field}: ${JSON.stringify(result.errors)}`);
    }
    const arrayPayload = await t.gql(PUBLISH, { events: [event("c1", [] as unknown as Record<string, unknown>)] });
    assert.equal(arrayPayload.errors?.[0]?.extensions?.code, "BAD_USER_INPUT");
    const tooMany = await t.gql(PUBLISH, { events: Array.from({ length: 1001 }, () => event("c1", {})) });
    assert.equal(tooMany.errors?.[0]?.extensions?.code, "BAD_USER_INPUT");
  });

  test("testAlert explains one event with the same evaluator", async () => {
    const TEST = `query ($alert: CreateAlertInput!, $event: EventInput!) { testAlert(alert: $alert, event: $event) {
      matched selectorsMatched conditions { path operator matched actual } jsonPathResult groupKey entity aggregateInput } }`;
    const alert = minimalAlert({
      customerId: "acme",
      application: "gsuite",
      conditions: [
        { path: "$.user.admin", operator: "EQUALS", value: true },
        { path: "$.user.email", operator: "ENDS_WITH", value: "@acme.com" },
      ],
      groupBy: ["$.user.email"],
      entityPath: "$.user.email",
    });
    const hit = await t.ok<{ testAlert: Record<string, unknown> }>(TEST, { alert, event: event("acme", { user: { admin: true, email: "a@acme.com" } }) });
    assert.deepEqual(hit.testAlert, {
      matched: true,
      selectorsMatched: true,
      conditions: [
        { path: "$.user.admin", operator: "EQUALS", matched: true, actual: [true] },
        { path: "$.user.email", operator: "ENDS_WITH", matched: true, actual: ["a@acme.com"] },
      ],
      jsonPathResult: null,
      groupKey: '["a@acme.com"]',
      entity: "a@acme.com",
      aggregateInput: 1,
    });
    const miss = await t.ok<{ testAlert: { matched: boolean; conditions: { matched: boolean }[] } }>(TEST, { alert, event: event("acme", { user: { admin: false, email: "a@acme.com" } }) });
    assert.equal(miss.testAlert.matched, false);
    assert.deepEqual(miss.testAlert.conditions.map((c) => c.matched), [false, true]);
    const invalid = await t.gql(TEST, { alert: minimalAlert({ jsonPath: "$[" }), event: event("acme", {}) });
    assert.equal(invalid.errors?.[0]?.extensions?.code, "BAD_USER_INPUT");
  });

  test("statuses and crossings are visible to their own customer only", async () => {
    const [a, b] = [customer(), customer()];
    const alertId = await createAlert({ eventType: `iso-${a}`, threshold: { operator: "GREATER_THAN_OR_EQUAL", value: 1 } });
    await publish([event(a, {}, { eventType: `iso-${a}` }), event(b, {}, { eventType: `iso-${a}` })]);
    await waitFor(async () => (await statuses({ alertId })).length === 2, "two statuses");
    const keyA = (await makeKey(t, "VIEWER", a)).secret;
    assert.deepEqual((await statuses({ alertId }, keyA)).map((s) => s.customerId), [a]);
    assert.deepEqual(await statuses({ alertId, customerId: b }, keyA), []);
    await waitFor(async () => (await crossings({ alertId })).length === 2, "two crossings");
    assert.deepEqual((await crossings({ alertId }, keyA)).map((c) => c.customerId), [a]);
  });
});
});
}
