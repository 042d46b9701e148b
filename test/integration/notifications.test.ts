// Issue 14: crossings reach webhooks, Slack, PagerDuty and e-mail through the outbox, against real
// receivers started here (an HTTP server, an SMTP server), with retries, signing and isolation.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { verifyWebhook } from "../../src/notify/signature";
import { startTestApp, type TestApp } from "../support/app";
import { withClient } from "../support/database";
import { makeKey } from "../support/keys";
import { CREATE_ALERT, UPDATE_ALERT, minimalAlert } from "../support/queries";
import { startHttpReceiver, startSmtpReceiver, type HttpReceiver, type SmtpReceiver } from "../support/receivers";
import { waitFor } from "../support/wait";

const CHANNEL_FIELDS = `id scope customerId name kind enabled disabledReason failingSince url to routingKeyHint previousSecretExpiresAt version`;
const CREATE_CHANNEL = `mutation ($input: CreateNotificationChannelInput!) { createNotificationChannel(input: $input) { secret channel { ${CHANNEL_FIELDS} } } }`;
const UPDATE_CHANNEL = `mutation ($id: ID!, $input: UpdateNotificationChannelInput!, $v: Int) { updateNotificationChannel(id: $id, input: $input, expectedVersion: $v) { ${CHANNEL_FIELDS} } }`;
const ROTATE = `mutation ($id: ID!, $overlap: Int) { rotateNotificationChannelSecret(id: $id, overlapSeconds: $overlap) { secret channel { ${CHANNEL_FIELDS} } } }`;
const DELETE_CHANNEL = `mutation ($id: ID!) { deleteNotificationChannel(id: $id) { id deleted } }`;
const TEST_CHANNEL = `mutation ($id: ID!) { testNotificationChannel(id: $id) { ok status latencyMs error } }`;
const CHANNELS = `query ($first: Int, $after: String) { notificationChannels(first: $first, after: $after) { totalCount nodes { ${CHANNEL_FIELDS} } pageInfo { hasNextPage endCursor } } }`;
const CHANNEL = `query ($id: ID!) { notificationChannel(id: $id) { ${CHANNEL_FIELDS} } }`;
const DELIVERY_FIELDS = `id messageId channelId alertId alertName customerId crossingIds reason state attempts lastStatus lastLatencyMs lastError lastAttemptAt nextAttemptAt createdAt deliveredAt`;
const DELIVERIES = `query ($channelId: ID, $alertId: ID, $state: DeliveryState, $first: Int, $after: String) {
  deliveries(channelId: $channelId, alertId: $alertId, state: $state, first: $first, after: $after) { totalCount nodes { ${DELIVERY_FIELDS} } pageInfo { hasNextPage endCursor } } }`;
const REDELIVER = `mutation ($id: ID!) { redeliver(deliveryId: $id) { ${DELIVERY_FIELDS} } }`;
const PUBLISH = `mutation ($e: [EventInput!]!) { publishEvents(events: $e) { accepted } }`;

interface DeliveryView {
  id: string;
  messageId: string;
  channelId: string;
  customerId: string;
  crossingIds: string[];
  reason: string;
  state: string;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
}

let t: TestApp;
let http: HttpReceiver;
let smtp: SmtpReceiver;
let acmeEditor: string;
let acmeViewer: string;
let globexEditor: string;

before(async () => {
  http = await startHttpReceiver();
  smtp = await startSmtpReceiver();
  t = await startTestApp({
    WEBHOOK_ALLOW_PRIVATE: "1",
    SMTP_URL: smtp.url,
    SMTP_FROM: "Alerts <alerts@example.test>",
    DELIVERY_RETRY_SECONDS: "0.2,0.2",
    DELIVERY_TIMEOUT_MS: "800",
    DELIVERY_LEASE_SECONDS: "2",
    CHANNEL_DISABLE_AFTER_SECONDS: "1",
    PUBLIC_URL: "https://alerts.example.test",
  });
  acmeEditor = (await makeKey(t, "EDITOR", "acme")).secret;
  acmeViewer = (await makeKey(t, "VIEWER", "acme")).secret;
  globexEditor = (await makeKey(t, "EDITOR", "globex")).secret;
});
after(async () => {
  await t?.stop();
  await http?.close();
  await smtp?.close();
});

let pathSeq = 0;
/** A distinct receiver path per test, so each test reads only its own requests. */
const newPath = () => `/hook-${++pathSeq}`;
const requestsTo = (path: string) => http.requests.filter((r) => r.path.split("?")[0] === path);

async function channel(input: Record<string, unknown>, key = acmeEditor) {
  return (await t.ok<{ createNotificationChannel: { secret: string | null; channel: { id: string; version: number; url: string | null } } }>(CREATE_CHANNEL, { input }, key))
    .createNotificationChannel;
}

/** A per-user count alert for acme firing at the first event of each user. */
async function alertFor(notify: string[], extra: Record<string, unknown> = {}, key = acmeEditor) {
  return (
    await t.ok<{ createAlert: { id: string } }>(
      CREATE_ALERT,
      { input: minimalAlert({ name: `notified ${pathSeq}`, eventType: `notify.test.${pathSeq}`, groupBy: ["$.user"], entityPath: "$.user", notify, ...extra }) },
      key,
    )
  ).createAlert.id;
}

async function publish(users: string[], key = acmeEditor, customerId = "acme", eventType = `notify.test.${pathSeq}`) {
  await t.ok(PUBLISH, { e: users.map((user) => ({ customerId, application: "gsuite", eventType, payload: { user } })) }, key);
}

async function deliveries(variables: Record<string, unknown>, key = t.adminKey): Promise<DeliveryView[]> {
  return (await t.ok<{ deliveries: { nodes: DeliveryView[] } }>(DELIVERIES, { first: 100, ...variables }, key)).deliveries.nodes;
}

describe("webhook delivery", () => {
  test("a crossing is POSTed once, signed per Standard Webhooks, with the alert, status, value, threshold, entities and links", async () => {
    const path = newPath();
    const created = await channel({ name: "ops hook", kind: "WEBHOOK", url: `${http.url}${path}?token=abc` });
    assert.match(created.secret!, /^whsec_[A-Za-z0-9+/]+=*$/);
    assert.equal(created.channel.url, `${http.url}${path}?token=****`, "query values are masked");
    const alertId = await alertFor([created.channel.id]);
    await publish(["mallory@acme.com"]);
    const [request] = await waitFor(() => (requestsTo(path).length >= 1 ? requestsTo(path) : null), "the webhook request");
    const headers = { id: String(request.headers["webhook-id"]), timestamp: String(request.headers["webhook-timestamp"]), signature: String(request.headers["webhook-signature"]) };
    assert.ok(verifyWebhook(created.secret!, headers, request.body), "the signature verifies with the secret shown at creation");
    assert.ok(!verifyWebhook(created.secret!, headers, request.body + " "), "and not for another body");
    assert.equal(request.path, `${path}?token=abc`, "the URL is called as given");
    const body = JSON.parse(request.body);
    assert.equal(body.type, "alert.crossing");
    assert.equal(body.id, headers.id);
    assert.deepEqual(body.alert.id, alertId);
    assert.equal(body.status, "FIRING");
    assert.equal(body.value, 1);
    assert.deepEqual(body.threshold, { operator: "GREATER_THAN_OR_EQUAL", value: 1 });
    assert.deepEqual(body.entities.map((e: { key: string }) => e.key), ["mallory@acme.com"]);
    assert.equal(body.links.alert, `https://alerts.example.test/#/alerts/${alertId}`);
    assert.deepEqual(body.crossings[0].groupKey, ["mallory@acme.com"]);

    const [logged] = await waitFor(async () => {
      const list = await deliveries({ channelId: created.channel.id }, acmeViewer);
      return list[0]?.state === "DELIVERED" ? list : null;
    }, "the delivery log to say DELIVERED");
    assert.equal(logged.attempts, 1);
    assert.equal(logged.lastStatus, 200);
    assert.equal(logged.messageId, headers.id);
    assert.equal(logged.nextAttemptAt, null);
    assert.equal(requestsTo(path).length, 1, "sent exactly once");
    const read = (await t.ok<{ notificationChannel: Record<string, unknown> }>(CHANNEL, { id: created.channel.id }, acmeViewer)).notificationChannel;
    assert.ok(!JSON.stringify(read).includes(created.secret!.slice(6)), "the secret is never shown again");
  });

  test("CLEARED crossings are notified unless notifyOnClear is false", async () => {
    const path = newPath();
    const { channel: ch } = await channel({ name: "clears", kind: "WEBHOOK", url: `${http.url}${path}` });
    const alertId = await alertFor([ch.id]);
    await publish(["a@acme.com"]);
    await waitFor(() => requestsTo(path).length === 1, "the RAISED notification");
    await t.ok(UPDATE_ALERT, { id: alertId, input: { threshold: { operator: "GREATER_THAN_OR_EQUAL", value: 5 } } }, acmeEditor);
    await waitFor(() => requestsTo(path).length === 2, "the CLEARED notification");
    assert.equal(JSON.parse(requestsTo(path)[1].body).status, "OK");

    await t.ok(UPDATE_ALERT, { id: alertId, input: { notifyOnClear: false, threshold: { operator: "GREATER_THAN_OR_EQUAL", value: 1 } } }, acmeEditor);
    await waitFor(() => requestsTo(path).length === 3, "the second RAISED notification");
    await t.ok(UPDATE_ALERT, { id: alertId, input: { threshold: { operator: "GREATER_THAN_OR_EQUAL", value: 5 } } }, acmeEditor);
    // The CLEARED crossing is stored, and owes nothing: wait for it, then for the dispatcher to have had its chance.
    await waitFor(async () => {
      const { rows } = await withClient(t.databaseUrl, (c) => c.query(`SELECT count(*)::int AS n FROM threshold_crossings WHERE alert_id = $1 AND direction = 'CLEARED'`, [alertId]));
      return rows[0].n === 2;
    }, "the second CLEARED crossing");
    const owed = await deliveries({ alertId });
    assert.equal(owed.length, 3, "no delivery for the CLEARED crossing with notifyOnClear: false");
  });

  test("failed attempts are retried with the same webhook-id until one succeeds; Retry-After is honoured", async () => {
    const path = newPath();
    const { channel: ch } = await channel({ name: "flaky", kind: "WEBHOOK", url: `${http.url}${path}` });
    http.answer = (req, i) => {
      if (req.path !== path) return { status: 200 };
      const n = requestsTo(path).length;
      void i;
      return n === 0 ? { status: 500 } : n === 1 ? { status: 429, headers: { "retry-after": "1" } } : { status: 204 };
    };
    try {
      await alertFor([ch.id]);
      await publish(["b@acme.com"]);
      const list = await waitFor(async () => {
        const l = await deliveries({ channelId: ch.id });
        return l[0]?.state === "DELIVERED" ? l : null;
      }, "delivery after two failures", 20_000);
      assert.equal(list[0].attempts, 3);
      assert.equal(list[0].lastStatus, 204);
      const sent = requestsTo(path);
      assert.deepEqual(sent.map((r) => r.status), [500, 429, 204]);
      assert.equal(new Set(sent.map((r) => r.headers["webhook-id"])).size, 1, "one webhook-id for every attempt");
      assert.ok(sent[2].atMs - sent[1].atMs >= 950, `the retry after Retry-After: 1 waited ${sent[2].atMs - sent[1].atMs} ms`);
    } finally {
      http.answer = () => ({ status: 200 });
    }
  });

  test("a delivery whose schedule is spent is FAILED with the error; redeliver sends the same message again", async () => {
    const path = newPath();
    const { channel: ch } = await channel({ name: "down", kind: "WEBHOOK", url: `${http.url}${path}` });
    http.answer = (req) => (req.path === path ? { status: 503, body: "maintenance\nback soon" } : { status: 200 });
    try {
      await alertFor([ch.id]);
      await publish(["c@acme.com"]);
      const [failed] = await waitFor(async () => {
        const l = await deliveries({ channelId: ch.id, state: "FAILED" });
        return l.length ? l : null;
      }, "FAILED after the schedule", 20_000);
      assert.equal(failed.attempts, 3, "the first attempt and two retries");
      assert.equal(failed.lastStatus, 503);
      assert.equal(failed.lastError, "HTTP 503: maintenance back soon");
      http.answer = () => ({ status: 200 });
      // The channel may have been disabled by its failing streak (CHANNEL_DISABLE_AFTER_SECONDS=1 here).
      await t.ok(UPDATE_CHANNEL, { id: ch.id, input: { enabled: true } }, acmeEditor);
      const again = (await t.ok<{ redeliver: DeliveryView }>(REDELIVER, { id: failed.id }, acmeEditor)).redeliver;
      assert.equal(again.reason, "REDELIVERY");
      assert.equal(again.messageId, failed.messageId);
      await waitFor(async () => (await deliveries({ channelId: ch.id, state: "DELIVERED" })).length === 1, "the redelivery");
      const ids = requestsTo(path).map((r) => r.headers["webhook-id"]);
      assert.equal(new Set(ids).size, 1, "the redelivery carries the original webhook-id");
      assert.equal(ids.length, 4);
    } finally {
      http.answer = () => ({ status: 200 });
    }
  });

  test("a channel failing for CHANNEL_DISABLE_AFTER_SECONDS is disabled with the reason; its pending deliveries fail", async () => {
    const path = newPath();
    const { channel: ch } = await channel({ name: "dead", kind: "WEBHOOK", url: `${http.url}${path}` });
    http.answer = (req) => (req.path === path ? { status: 500 } : { status: 200 });
    try {
      await alertFor([ch.id]);
      await publish(["d1@acme.com"]);
      await waitFor(() => requestsTo(path).length >= 1, "a first failure");
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      await publish(["d2@acme.com"]);
      const disabled = await waitFor(async () => {
        const c = (await t.ok<{ notificationChannel: { enabled: boolean; disabledReason: string | null; failingSince: string | null } }>(CHANNEL, { id: ch.id }, acmeViewer)).notificationChannel;
        return c.enabled ? null : c;
      }, "the channel to be disabled", 20_000);
      assert.match(disabled.disabledReason!, /^every delivery failed since .*; last error: HTTP 500/);
      assert.ok(disabled.failingSince);
      await waitFor(async () => (await deliveries({ channelId: ch.id, state: "PENDING" })).length === 0, "nothing left pending");
      const re = await t.ok<{ updateNotificationChannel: { enabled: boolean; disabledReason: string | null; failingSince: string | null } }>(UPDATE_CHANNEL, { id: ch.id, input: { enabled: true } }, acmeEditor);
      assert.deepEqual(re.updateNotificationChannel, { ...re.updateNotificationChannel, enabled: true, disabledReason: null, failingSince: null });
    } finally {
      http.answer = () => ({ status: 200 });
    }
  });

  test("rotating the secret signs with both secrets during the overlap", async () => {
    const path = newPath();
    const created = await channel({ name: "rotating", kind: "WEBHOOK", url: `${http.url}${path}` });
    const rotated = (await t.ok<{ rotateNotificationChannelSecret: { secret: string; channel: { previousSecretExpiresAt: string | null } } }>(ROTATE, { id: created.channel.id, overlap: 3600 }, acmeEditor))
      .rotateNotificationChannelSecret;
    assert.notEqual(rotated.secret, created.secret);
    assert.ok(rotated.channel.previousSecretExpiresAt);
    const result = (await t.ok<{ testNotificationChannel: { ok: boolean; status: number } }>(TEST_CHANNEL, { id: created.channel.id }, acmeEditor)).testNotificationChannel;
    assert.deepEqual([result.ok, result.status], [true, 200]);
    const [request] = requestsTo(path);
    const headers = { id: String(request.headers["webhook-id"]), timestamp: String(request.headers["webhook-timestamp"]), signature: String(request.headers["webhook-signature"]) };
    assert.equal(headers.signature.split(" ").length, 2);
    assert.ok(verifyWebhook(rotated.secret, headers, request.body), "the new secret verifies");
    assert.ok(verifyWebhook(created.secret!, headers, request.body), "the old one too, during the overlap");
    assert.equal(JSON.parse(request.body).type, "notification.test");
    const none = (await t.ok<{ rotateNotificationChannelSecret: { secret: string } }>(ROTATE, { id: created.channel.id, overlap: 0 }, acmeEditor)).rotateNotificationChannelSecret;
    await t.ok(TEST_CHANNEL, { id: created.channel.id }, acmeEditor);
    const last = requestsTo(path)[1];
    const lastHeaders = { id: String(last.headers["webhook-id"]), timestamp: String(last.headers["webhook-timestamp"]), signature: String(last.headers["webhook-signature"]) };
    assert.ok(verifyWebhook(none.secret, lastHeaders, last.body));
    assert.ok(!verifyWebhook(rotated.secret, lastHeaders, last.body), "with no overlap the previous secret stops at once");
  });
});

describe("Slack, PagerDuty and e-mail", () => {
  test("SLACK: an incoming-webhook message with blocks; the URL's token is masked and never in an error", async () => {
    const path = `/services/T0001/B0002/${newPath().slice(1)}secrettoken`;
    const { channel: ch } = await channel({ name: "slack", kind: "SLACK", url: `${http.url}${path}` });
    assert.equal(ch.url, `${http.url}/services/****`);
    await alertFor([ch.id]);
    await publish(["<script>@acme.com"]);
    const [request] = await waitFor(() => (requestsTo(path).length ? requestsTo(path) : null), "the Slack message");
    const body = JSON.parse(request.body);
    assert.match(body.text, /^Firing: notified \d+ for <script>@acme\.com \(MEDIUM\)/);
    assert.equal(body.blocks[0].type, "header");
    assert.equal(body.blocks[1].type, "section");
    assert.match(body.blocks[1].text.text, /&lt;script&gt;@acme\.com/, "user text is escaped in mrkdwn");
    assert.match(body.blocks.at(-1).elements[0].text, /<https:\/\/alerts\.example\.test\/#\/alerts\/[0-9a-f-]+\|Open the alert>/);
    http.answer = (req) => (req.path === path ? { status: 404, body: "no_service" } : { status: 200 });
    try {
      const result = (await t.ok<{ testNotificationChannel: { ok: boolean; status: number; error: string } }>(TEST_CHANNEL, { id: ch.id }, acmeEditor)).testNotificationChannel;
      assert.deepEqual([result.ok, result.status, result.error], [false, 404, "HTTP 404: no_service"]);
      assert.ok(!result.error.includes("secrettoken"));
    } finally {
      http.answer = () => ({ status: 200 });
    }
  });

  test("PAGERDUTY: Events API v2, RAISED triggers and CLEARED resolves with the status as dedup_key", async () => {
    const path = newPath();
    const routingKey = "R0UT1NGKEY0123456789abcdefABCDEF";
    const { channel: ch } = await channel({ name: "pd", kind: "PAGERDUTY", url: `${http.url}${path}`, routingKey });
    assert.equal((ch as unknown as { routingKeyHint: string }).routingKeyHint, "…CDEF");
    const alertId = await alertFor([ch.id], { severity: "CRITICAL" });
    http.answer = (req) => (req.path === path ? { status: 202, body: '{"status":"success"}' } : { status: 200 });
    try {
      await publish(["e@acme.com"]);
      await waitFor(() => requestsTo(path).length === 1, "the trigger");
      await t.ok(UPDATE_ALERT, { id: alertId, input: { threshold: { operator: "GREATER_THAN_OR_EQUAL", value: 9 } } }, acmeEditor);
      await waitFor(() => requestsTo(path).length === 2, "the resolve");
    } finally {
      http.answer = () => ({ status: 200 });
    }
    const [trigger, resolve] = requestsTo(path).map((r) => JSON.parse(r.body));
    assert.equal(trigger.routing_key, routingKey);
    assert.equal(trigger.event_action, "trigger");
    assert.equal(resolve.event_action, "resolve");
    assert.equal(trigger.dedup_key, `${alertId}:acme:["e@acme.com"]`);
    assert.equal(resolve.dedup_key, trigger.dedup_key);
    assert.equal(trigger.payload.severity, "critical");
    assert.equal(trigger.payload.source, "customer acme");
    assert.ok(trigger.payload.summary.length <= 1024);
    const logged = await waitFor(async () => {
      const l = await deliveries({ channelId: ch.id, state: "DELIVERED" });
      return l.length === 2 ? l : null;
    }, "both delivered");
    assert.deepEqual(logged.map((d) => d.lastStatus), [202, 202]);
  });

  test("EMAIL: through the SMTP server to the recipients, with a stable Message-ID; a refused message is retried", async () => {
    newPath();
    const { channel: ch } = await channel({ name: "mail", kind: "EMAIL", to: ["ops@acme.test", "sec@acme.test"] });
    smtp.refuseWith = 451;
    const before = smtp.mails.length;
    await alertFor([ch.id]);
    await publish(["f@acme.com"]);
    await waitFor(async () => (await deliveries({ channelId: ch.id }))[0]?.lastStatus === 451, "a refused first attempt");
    smtp.refuseWith = null;
    const list = await waitFor(async () => {
      const l = await deliveries({ channelId: ch.id });
      return l[0]?.state === "DELIVERED" ? l : null;
    }, "the e-mail delivered");
    assert.ok(list[0].attempts >= 2);
    const mail = smtp.mails.slice(before).find((m) => m.to.includes("ops@acme.test"))!;
    assert.ok(mail, "the SMTP server received it");
    assert.deepEqual(mail.to.sort(), ["ops@acme.test", "sec@acme.test"]);
    assert.equal(mail.from, "alerts@example.test");
    assert.match(mail.subject, /^Firing: notified \d+ for f@acme\.com/);
    assert.equal(mail.messageId, `<${list[0].messageId}@alerts-platform>`);
    assert.match(mail.raw, /Open the alert: https:\/\/alerts\.example\.test\/#\/alerts\//);
  });
});

describe("routing", () => {
  test("groupWaitSeconds: crossings of one alert within the wait go out as one message", async () => {
    const path = newPath();
    const { channel: ch } = await channel({ name: "grouped", kind: "WEBHOOK", url: `${http.url}${path}` });
    const alertId = await alertFor([ch.id], { groupWaitSeconds: 2 });
    await publish(["g1@acme.com", "g2@acme.com"]);
    await publish(["g3@acme.com"]);
    const [request] = await waitFor(() => (requestsTo(path).length ? requestsTo(path) : null), "the grouped message", 20_000);
    const body = JSON.parse(request.body);
    assert.deepEqual(body.crossings.map((c: { groupKey: string[] }) => c.groupKey[0]).sort(), ["g1@acme.com", "g2@acme.com", "g3@acme.com"]);
    const list = await deliveries({ alertId });
    assert.equal(list.length, 1);
    assert.equal(list[0].crossingIds.length, 3);
    await publish(["g4@acme.com"]);
    await waitFor(() => requestsTo(path).length === 2, "a new message for a crossing after the first was sent", 20_000);
    assert.equal(JSON.parse(requestsTo(path)[1].body).crossings.length, 1);
  });

  test("repeatIntervalSeconds: a status still FIRING is notified again; a status that cleared is not", async () => {
    const path = newPath();
    const { channel: ch } = await channel({ name: "repeats", kind: "WEBHOOK", url: `${http.url}${path}` });
    const alertId = await alertFor([ch.id], { repeatIntervalSeconds: 60 });
    await publish(["r@acme.com"]);
    await waitFor(() => requestsTo(path).length === 1, "the first notification");
    // An hour passes, as far as the status and the outbox can tell.
    await withClient(t.databaseUrl, async (c) => {
      await c.query(`UPDATE alert_statuses SET last_crossing_at = now() - interval '1 hour' WHERE alert_id = $1`, [alertId]);
      await c.query(`UPDATE notification_deliveries SET created_at = now() - interval '1 hour' WHERE alert_id = $1`, [alertId]);
    });
    await waitFor(() => requestsTo(path).length === 2, "the repeat", 20_000);
    const repeat = JSON.parse(requestsTo(path)[1].body);
    assert.equal(repeat.type, "alert.still_firing");
    assert.equal(repeat.status, "FIRING");
    assert.notEqual(requestsTo(path)[1].headers["webhook-id"], requestsTo(path)[0].headers["webhook-id"]);
    const reasons = (await deliveries({ alertId })).map((d) => d.reason).sort();
    assert.deepEqual(reasons, ["CROSSING", "REPEAT"]);
  });

  test("a sum past the double range is notified saturated at the largest double, never as null", async () => {
    const path = newPath();
    const { channel: ch } = await channel({ name: "huge", kind: "WEBHOOK", url: `${http.url}${path}` });
    const eventType = `notify.sum.${pathSeq}`;
    await t.ok(CREATE_ALERT, { input: minimalAlert({ name: "huge sum", eventType, aggregation: { function: "SUM", path: "$.n" }, threshold: { operator: "GREATER_THAN", value: 1e308 }, notify: [ch.id] }) }, acmeEditor);
    await t.ok(PUBLISH, { e: [1, 2].map(() => ({ customerId: "acme", application: "gsuite", eventType, payload: { n: 1.7e308 } })) }, acmeEditor);
    const [request] = await waitFor(() => (requestsTo(path).length ? requestsTo(path) : null), "the saturated crossing's notification");
    const body = JSON.parse(request.body);
    assert.equal(body.value, Number.MAX_VALUE);
    assert.equal(body.saturated, true);
    assert.equal(body.crossings[0].value, Number.MAX_VALUE);
  });

  test("a global alert notifies a customer's channel of that customer's crossings only", async () => {
    const path = newPath();
    const { channel: ch } = await channel({ name: "acme sees global", kind: "WEBHOOK", url: `${http.url}${path}` });
    const eventType = `notify.global.${pathSeq}`;
    await t.ok(CREATE_ALERT, { input: minimalAlert({ name: "global notified", eventType, groupBy: ["$.user"], notify: [ch.id] }) });
    await publish(["h@globex.com"], globexEditor, "globex", eventType);
    await publish(["h@acme.com"], acmeEditor, "acme", eventType);
    await waitFor(() => requestsTo(path).length >= 1, "acme's notification");
    await waitFor(async () => {
      const { rows } = await withClient(t.databaseUrl, (c) => c.query(`SELECT count(*)::int AS n FROM threshold_crossings WHERE customer_id = 'globex' AND group_key = '["h@globex.com"]'`));
      return rows[0].n === 1;
    }, "globex's crossing to be stored");
    const owed = await deliveries({ channelId: ch.id });
    assert.deepEqual(owed.map((d) => d.customerId), ["acme"]);
    assert.ok(requestsTo(path).every((r) => JSON.parse(r.body).customerId === "acme"));
  });
});

describe("metrics", () => {
  test("/metrics counts delivery attempts by kind and result, times them, and shows the backlog", async () => {
    const text = await (await fetch(new URL("/metrics", t.url))).text();
    assert.match(text, /^# TYPE alerts_deliveries_total counter$/m);
    assert.match(text, /^# HELP alerts_deliveries_total .+$/m);
    const delivered = Number(/^alerts_deliveries_total\{kind="WEBHOOK",result="delivered"\} (\d+)$/m.exec(text)?.[1]);
    const retried = Number(/^alerts_deliveries_total\{kind="WEBHOOK",result="retry"\} (\d+)$/m.exec(text)?.[1]);
    assert.ok(delivered >= 10, `delivered ${delivered}`);
    assert.ok(retried >= 2, `retried ${retried}`);
    assert.match(text, /^alerts_deliveries_total\{kind="EMAIL",result="delivered"\} [1-9]\d*$/m);
    assert.match(text, /^# TYPE alerts_delivery_latency_seconds histogram$/m);
    assert.match(text, /^alerts_delivery_latency_seconds_count\{kind="PAGERDUTY"\} [1-9]\d*$/m);
    assert.match(text, /^# TYPE alerts_outbox_backlog gauge$/m);
    assert.match(text, /^alerts_outbox_backlog \d+$/m);
  });
});

describe("who may do what, and hostile input", () => {
  test("channels are private to their owner: another customer's is NOT_FOUND, a VIEWER cannot change one", async () => {
    const { channel: ch } = await channel({ name: "private", kind: "EMAIL", to: ["a@acme.test"] });
    const platform = await channel({ name: "platform's", kind: "EMAIL", to: ["noc@platform.test"] }, t.adminKey);
    for (const id of [ch.id]) {
      assert.equal((await t.gql(CHANNEL, { id }, globexEditor)).errors?.[0].extensions?.code, "NOT_FOUND");
      assert.equal((await t.gql(DELETE_CHANNEL, { id }, globexEditor)).errors?.[0].extensions?.code, "NOT_FOUND");
    }
    assert.equal((await t.gql(CHANNEL, { id: platform.channel.id }, acmeViewer)).errors?.[0].extensions?.code, "NOT_FOUND");
    assert.equal((await t.gql(UPDATE_CHANNEL, { id: ch.id, input: { name: "x" } }, acmeViewer)).errors?.[0].extensions?.code, "FORBIDDEN");
    assert.equal((await t.gql(CREATE_CHANNEL, { input: { name: "y", kind: "EMAIL", to: ["a@b.test"], customerId: "globex" } }, acmeEditor)).errors?.[0].extensions?.code, "FORBIDDEN");
    const listed = (await t.ok<{ notificationChannels: { nodes: { customerId: string | null }[] } }>(CHANNELS, { first: 100 }, acmeViewer)).notificationChannels.nodes;
    assert.ok(listed.length > 0 && listed.every((c) => c.customerId === "acme"));
    const attach = await t.gql(CREATE_ALERT, { input: minimalAlert({ notify: [ch.id] }) }, globexEditor);
    assert.equal(attach.errors?.[0].extensions?.code, "BAD_USER_INPUT");
    assert.equal(attach.errors?.[0].extensions?.fields?.[0].field, "notify[0]");
    const theirs = await t.gql(DELIVERIES, { channelId: ch.id }, globexEditor);
    assert.deepEqual((theirs.data as { deliveries: { nodes: unknown[] } }).deliveries.nodes, []);
    assert.equal((await t.gql(DELETE_CHANNEL, { id: ch.id }, acmeEditor)).errors, undefined);
  });

  test("bad channel input answers BAD_USER_INPUT naming the field, never an internal error", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ name: "w", kind: "WEBHOOK" }, "url"],
      [{ name: "w", kind: "WEBHOOK", url: "javascript:alert(1)" }, "url"],
      [{ name: "w", kind: "WEBHOOK", url: "ftp://example.test/x" }, "url"],
      [{ name: "w", kind: "WEBHOOK", url: `https://example.test/${"a".repeat(3000)}` }, "url"],
      [{ name: "w", kind: "WEBHOOK", url: "https://exa mple.test/" }, "url"],
      [{ name: "w", kind: "WEBHOOK", url: "https://example.test/#frag" }, "url"],
      [{ name: "w", kind: "WEBHOOK", url: "https://no-such-host.invalid/" }, "url"],
      [{ name: "w", kind: "WEBHOOK", url: "https://example.test/", to: ["a@b.test"] }, "to"],
      [{ name: "", kind: "EMAIL", to: ["a@b.test"] }, "name"],
      [{ name: "bell\u0007", kind: "EMAIL", to: ["a@b.test"] }, "name"],
      [{ name: "e", kind: "EMAIL", to: [] }, "to"],
      [{ name: "e", kind: "EMAIL", to: ["not an address"] }, "to[0]"],
      [{ name: "e", kind: "EMAIL", to: ["a@b.test\r\nBcc: x@y.test"] }, "to[0]"],
      [{ name: "e", kind: "EMAIL", to: Array.from({ length: 21 }, (_, i) => `u${i}@b.test`) }, "to"],
      [{ name: "p", kind: "PAGERDUTY" }, "routingKey"],
      [{ name: "p", kind: "PAGERDUTY", routingKey: "short" }, "routingKey"],
    ];
    for (const [input, field] of cases) {
      const result = await t.gql(CREATE_CHANNEL, { input }, acmeEditor);
      assert.equal(result.errors?.[0].extensions?.code, "BAD_USER_INPUT", `${JSON.stringify(input).slice(0, 80)}: ${JSON.stringify(result.errors)}`);
      assert.ok(result.errors![0].extensions!.fields!.some((f) => f.field === field), `${field} named for ${JSON.stringify(input).slice(0, 80)}`);
      assert.equal(result.status, 400);
    }
    const routing: [Record<string, unknown>, string][] = [
      [{ notify: ["not-a-uuid"] }, "notify[0]"],
      [{ notify: ["00000000-0000-4000-8000-000000000000"] }, "notify[0]"],
      [{ notify: Array.from({ length: 21 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`) }, "notify"],
      [{ repeatIntervalSeconds: 5 }, "repeatIntervalSeconds"],
      [{ repeatIntervalSeconds: 2_000_000_000 }, "repeatIntervalSeconds"],
      [{ groupWaitSeconds: -1 }, "groupWaitSeconds"],
      [{ groupWaitSeconds: 999_999 }, "groupWaitSeconds"],
    ];
    for (const [extra, field] of routing) {
      const result = await t.gql(CREATE_ALERT, { input: minimalAlert(extra) }, acmeEditor);
      assert.equal(result.errors?.[0].extensions?.code, "BAD_USER_INPUT", JSON.stringify(result.errors));
      assert.ok(result.errors![0].extensions!.fields!.some((f) => f.field === field), `${field}: ${JSON.stringify(result.errors)}`);
    }
    for (const [query, variables] of [
      [DELIVERIES, { channelId: "x" }],
      [DELIVERIES, { after: "bm90IGEgY3Vyc29y" }],
      [DELIVERIES, { first: 1000 }],
      [REDELIVER, { id: "x" }],
      [REDELIVER, { id: "00000000-0000-4000-8000-000000000000" }],
      [ROTATE, { id: "00000000-0000-4000-8000-000000000000", overlap: -5 }],
      [CHANNELS, { after: "%%%" }],
    ] as const) {
      const result = await t.gql(query, variables as Record<string, unknown>, acmeEditor);
      const code = result.errors?.[0].extensions?.code;
      assert.ok(code === "BAD_USER_INPUT" || code === "NOT_FOUND" || code === "QUERY_TOO_COMPLEX", `${query.slice(0, 40)} ${JSON.stringify(variables)}: ${JSON.stringify(result.errors)}`);
    }
  });

  test("without WEBHOOK_ALLOW_PRIVATE, loopback, private and metadata addresses are refused at save", async () => {
    const strict = await startTestApp({});
    try {
      const key = (await makeKey(strict, "EDITOR", "acme")).secret;
      for (const url of [
        `${http.url}/x`,
        "http://localhost:9/x",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.1.2.3/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[fd00:ec2::254]/",
        "http://0.0.0.0/",
      ]) {
        const result = await strict.gql(CREATE_CHANNEL, { input: { name: "ssrf", kind: "WEBHOOK", url } }, key);
        assert.equal(result.errors?.[0].extensions?.code, "BAD_USER_INPUT", url);
        assert.match(result.errors![0].extensions!.fields![0].message, /private or reserved address/, url);
      }
    } finally {
      await strict.stop();
    }
  });
});
