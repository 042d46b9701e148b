// Aggregates beyond the range of a double (issue 13, item 1): a GraphQL Float cannot carry Infinity, so
// a SUM or AVG that overflows saturates at ±Number.MAX_VALUE with `saturated: true`, and every read,
// subscription, preview and test answers data instead of INTERNAL_SERVER_ERROR.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestApp, type TestApp } from "../support/app";
import { CREATE_ALERT } from "../support/queries";
import { subscribe, type Subscription } from "../support/subscriber";
import { waitFor } from "../support/wait";

const HUGE = 1.7e308;
const MAX = Number.MAX_VALUE;
const CUSTOMER = "saturation";

const PUBLISH = `mutation ($events: [EventInput!]!) { publishEvents(events: $events) { accepted } }`;
// Without `saturated`: the answer the code gave before the fix was data: null, INTERNAL_SERVER_ERROR.
const COUNTS = `query ($alertId: ID) { alertStatuses(alertId: $alertId) { nodes { count } } }`;
const VALUES = `query ($alertId: ID) { alertStatuses(alertId: $alertId) { nodes { value count state } } }`;
const STATUSES = `query ($alertId: ID) { alertStatuses(alertId: $alertId) { nodes { value count state saturated } } }`;
const CROSSINGS = `query ($alertId: ID) { thresholdCrossings(alertId: $alertId) { nodes { direction value count saturated } } }`;

let t: TestApp;
let crossed: Subscription<{ thresholdCrossed: { alertId: string; value: number; saturated: boolean } }>;
let changed: Subscription<{ alertStatusChanged: { alertId: string; value: number; saturated: boolean } }>;
const alerts: Record<string, string> = {};
let sinceIso: string;

interface Status {
  value: number;
  count: number;
  state: string;
  saturated: boolean;
}

async function createAlert(name: string, fn: string, path: string, threshold: Record<string, unknown>): Promise<string> {
  const input = { name, customerId: CUSTOMER, eventType: name, aggregation: { function: fn, path }, threshold, backfill: false };
  return (await t.ok<{ createAlert: { id: string } }>(CREATE_ALERT, { input })).createAlert.id;
}

const event = (eventType: string, n: unknown) => ({ customerId: CUSTOMER, application: "ledger", eventType, payload: { n } });

async function statusesOf(alertId: string): Promise<Status[]> {
  return (await t.ok<{ alertStatuses: { nodes: Status[] } }>(STATUSES, { alertId })).alertStatuses.nodes;
}

before(async () => {
  t = await startTestApp();
  sinceIso = new Date(Date.now() - 60_000).toISOString();
  // above one event's value: only the saturated sum of both holds it
  alerts.sum = await createAlert("sum", "SUM", "$.n", { operator: "GREATER_THAN", value: 1.79e308 });
  alerts.negative = await createAlert("negative", "SUM", "$.n", { operator: "GREATER_THAN", value: -1e308 });
  alerts.avg = await createAlert("avg", "AVG", "$.n", { operator: "GREATER_THAN", value: 1e308 });
  alerts.max = await createAlert("max", "MAX", "$.n", { operator: "GREATER_THAN", value: 1e308 });
  alerts.min = await createAlert("min", "MIN", "$.n", { operator: "GREATER_THAN", value: 0 });
  crossed = subscribe(t.url, t.adminKey, `subscription ($c: ID) { thresholdCrossed(customerId: $c) { alertId value saturated } }`, { c: CUSTOMER });
  changed = subscribe(t.url, t.adminKey, `subscription ($c: ID) { alertStatusChanged(customerId: $c) { alertId value saturated } }`, { c: CUSTOMER });
  await Promise.all([crossed.connected, changed.connected]);
  // (an error instead fails the subscription test below, not this hook)
  await waitFor(() => t.app.activeSubscriptions() >= 2 || crossed.errors.length + changed.errors.length > 0, "both subscriptions registered");
  const events = [
    event("sum", HUGE), event("sum", HUGE),
    event("negative", -HUGE), event("negative", -HUGE),
    event("avg", HUGE), event("avg", HUGE),
    event("max", HUGE), event("max", -HUGE),
    event("min", HUGE), event("min", HUGE),
  ];
  await t.ok(PUBLISH, { events });
  for (const id of Object.values(alerts)) {
    type Counts = { alertStatuses: { nodes: { count: number }[] } };
    await waitFor(async () => (await t.ok<Counts>(COUNTS, { alertId: id })).alertStatuses.nodes[0]?.count === 2, `both events counted on ${id}`);
  }
});
after(async () => {
  await crossed?.close();
  await changed?.close();
  await t?.stop();
});

describe("an aggregate beyond the double range", () => {
  test("alertStatuses answers data for a SUM of two 1.7e308 (it answered data: null, INTERNAL_SERVER_ERROR)", async () => {
    const answer = await t.gql<{ alertStatuses: { nodes: Status[] } }>(VALUES, { alertId: alerts.sum });
    assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
    assert.deepEqual(answer.data?.alertStatuses.nodes, [{ value: MAX, count: 2, state: "FIRING" }]);
  });

  test("SUM saturates at +MAX_VALUE, says so, and still fires on GREATER_THAN 1.79e308", async () => {
    assert.deepEqual(await statusesOf(alerts.sum), [{ value: MAX, count: 2, state: "FIRING", saturated: true }]);
  });

  test("a negative SUM saturates at -MAX_VALUE and does not hold GREATER_THAN -1e308", async () => {
    assert.deepEqual(await statusesOf(alerts.negative), [{ value: -MAX, count: 2, state: "OK", saturated: true }]);
  });

  test("AVG of two 1.7e308 saturates too (its sum overflowed)", async () => {
    assert.deepEqual(await statusesOf(alerts.avg), [{ value: MAX, count: 2, state: "FIRING", saturated: true }]);
  });

  test("MIN and MAX of huge inputs are exact and not saturated", async () => {
    assert.deepEqual(await statusesOf(alerts.max), [{ value: HUGE, count: 2, state: "FIRING", saturated: false }]);
    assert.deepEqual(await statusesOf(alerts.min), [{ value: HUGE, count: 2, state: "FIRING", saturated: false }]);
  });

  test("thresholdCrossings answers the saturated crossing", async () => {
    const answer = await t.gql<{ thresholdCrossings: { nodes: unknown[] } }>(CROSSINGS, { alertId: alerts.sum });
    assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
    assert.deepEqual(answer.data?.thresholdCrossings.nodes, [{ direction: "RAISED", value: MAX, count: 2, saturated: true }]);
    const max = await t.ok<{ thresholdCrossings: { nodes: unknown[] } }>(CROSSINGS, { alertId: alerts.max });
    assert.deepEqual(max.thresholdCrossings.nodes, [{ direction: "RAISED", value: HUGE, count: 1, saturated: false }]);
  });

  test("subscribers receive the saturated crossing and status changes, without errors", async () => {
    await waitFor(() => crossed.received.some((c) => c.thresholdCrossed.alertId === alerts.sum) || crossed.errors.length > 0, "the SUM crossing pushed");
    assert.deepEqual(crossed.errors, []);
    assert.deepEqual(crossed.received.find((c) => c.thresholdCrossed.alertId === alerts.sum)?.thresholdCrossed, { alertId: alerts.sum, value: MAX, saturated: true });
    await waitFor(
      () => changed.received.some((c) => c.alertStatusChanged.alertId === alerts.sum && c.alertStatusChanged.saturated) || changed.errors.length > 0,
      "the saturated SUM status pushed",
    );
    assert.deepEqual(changed.errors, []);
  });

  test("previewAlert answers saturated statuses and crossings over the same events", async () => {
    const answer = await t.gql<{ previewAlert: { statuses: Status[]; crossings: { value: number; saturated: boolean }[] } }>(
      `query ($alert: CreateAlertInput!, $since: DateTime!) { previewAlert(alert: $alert, since: $since) {
        statuses { value count state saturated } crossings { value saturated } } }`,
      { alert: { name: "preview", customerId: CUSTOMER, eventType: "sum", aggregation: { function: "SUM", path: "$.n" }, threshold: { operator: "GREATER_THAN", value: 1.79e308 } }, since: sinceIso },
    );
    assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
    assert.deepEqual(answer.data?.previewAlert, { statuses: [{ value: MAX, count: 2, state: "FIRING", saturated: true }], crossings: [{ value: MAX, saturated: true }] });
  });

  test("testAlert answers a saturated aggregateInput for one event whose values overflow together", async () => {
    const answer = await t.gql<{ testAlert: { matched: boolean; aggregateInput: number } }>(
      `query ($alert: CreateAlertInput!, $event: EventInput!) { testAlert(alert: $alert, event: $event) { matched aggregateInput } }`,
      {
        alert: { name: "test", aggregation: { function: "SUM", path: "$.n[*]" }, threshold: { operator: "GREATER_THAN", value: 1 } },
        event: event("sum", [HUGE, HUGE]),
      },
    );
    assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
    assert.deepEqual(answer.data?.testAlert, { matched: true, aggregateInput: MAX });
  });
});
