// Pure parts of notification delivery: signatures, the address guard, the retry schedule, message bodies.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isPublicAddress } from "../../src/notify/address-guard";
import { emailContent, pagerDutyEvents, slackBody, statusKey, webhookBody, type NotificationMessage, type NotifiedCrossing } from "../../src/notify/messages";
import { DEFAULT_RETRY_SECONDS, nextAttemptDelayMs, parseRetryAfter } from "../../src/notify/retry";
import { generateWebhookSecret, isWebhookSecret, signatureHeader, signWebhook, verifyWebhook } from "../../src/notify/signature";
import { maskUrl } from "../../src/resolvers/mappers";

describe("Standard Webhooks signatures", () => {
  // The spec's example secret and message; the signature was computed with `openssl dgst -sha256 -mac HMAC`.
  const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  const id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  const body = '{"test": 2432232314}';

  test("v1, and the base64 HMAC-SHA256 of id.timestamp.body under the decoded secret", () => {
    assert.equal(signWebhook(secret, id, 1614265330, body), "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  });

  test("a receiver accepts any signature of the header, within the timestamp tolerance", () => {
    const other = generateWebhookSecret();
    const header = signatureHeader([other, secret], id, 1614265330, body);
    assert.equal(header.split(" ").length, 2);
    const at = 1614265330 * 1000;
    assert.ok(verifyWebhook(secret, { id, timestamp: "1614265330", signature: header }, body, 300, at));
    assert.ok(verifyWebhook(other, { id, timestamp: "1614265330", signature: header }, body, 300, at));
    assert.ok(!verifyWebhook(generateWebhookSecret(), { id, timestamp: "1614265330", signature: header }, body, 300, at));
    assert.ok(!verifyWebhook(secret, { id, timestamp: "1614265330", signature: header }, body, 300, at + 301_000), "too old");
    assert.ok(!verifyWebhook(secret, { id: "msg_other", timestamp: "1614265330", signature: header }, body, 300, at));
  });

  test("generated secrets are whsec_ and 32 random bytes", () => {
    const a = generateWebhookSecret();
    assert.ok(isWebhookSecret(a));
    assert.equal(Buffer.from(a.slice(6), "base64").length, 32);
    assert.notEqual(a, generateWebhookSecret());
    assert.ok(!isWebhookSecret("whsec_short"));
  });
});

describe("address guard", () => {
  const refused = [
    "127.0.0.1", "127.255.0.9", "10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254", "100.64.0.1",
    "0.0.0.0", "224.0.0.1", "255.255.255.255", "192.0.2.10", "198.18.0.1",
    "::1", "::", "fe80::1", "fc00::1", "fd00:ec2::254", "ff02::1", "::ffff:127.0.0.1", "::ffff:7f00:1", "::ffff:10.0.0.1",
    "64:ff9b::a9fe:a9fe", "2001:db8::1", "not an address", "",
  ];
  const allowed = ["8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"];
  for (const address of refused) test(`refuses ${JSON.stringify(address)}`, () => assert.equal(isPublicAddress(address), false));
  for (const address of allowed) test(`allows ${address}`, () => assert.equal(isPublicAddress(address), true));
});

describe("retry schedule", () => {
  test("the default waits are 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, then none", () => {
    assert.deepEqual(DEFAULT_RETRY_SECONDS, [5, 300, 1800, 7200, 18000, 36000]);
    const mid = () => 0.5;
    assert.deepEqual([1, 2, 3, 4, 5, 6].map((n) => nextAttemptDelayMs(n, DEFAULT_RETRY_SECONDS, null, mid)), [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000]);
    assert.equal(nextAttemptDelayMs(7, DEFAULT_RETRY_SECONDS, null, mid), null);
    assert.equal(nextAttemptDelayMs(0, DEFAULT_RETRY_SECONDS, null, mid), null);
  });

  test("jitter spreads each wait by ±20%", () => {
    assert.equal(nextAttemptDelayMs(2, DEFAULT_RETRY_SECONDS, null, () => 0), 240_000);
    assert.equal(nextAttemptDelayMs(2, DEFAULT_RETRY_SECONDS, null, () => 1), 360_000);
  });

  test("a Retry-After longer than the wait is honoured, bounded to a day", () => {
    assert.equal(nextAttemptDelayMs(1, DEFAULT_RETRY_SECONDS, 120, () => 0.5), 120_000);
    assert.equal(nextAttemptDelayMs(2, DEFAULT_RETRY_SECONDS, 1, () => 0.5), 300_000, "a shorter one does not hurry the schedule");
    assert.equal(nextAttemptDelayMs(1, DEFAULT_RETRY_SECONDS, 10 ** 9, () => 0.5), 86_400_000);
  });

  test("Retry-After: seconds or an HTTP date", () => {
    const now = Date.parse("2026-12-07T10:00:00Z");
    assert.equal(parseRetryAfter("30", now), 30);
    assert.equal(parseRetryAfter("Mon, 07 Dec 2026 10:01:00 GMT", now), 60);
    assert.equal(parseRetryAfter("Mon, 07 Dec 2026 09:00:00 GMT", now), 0);
    assert.equal(parseRetryAfter("soon", now), null);
    assert.equal(parseRetryAfter(undefined, now), null);
  });
});

describe("message bodies", () => {
  const crossing = (over: Partial<NotifiedCrossing> = {}): NotifiedCrossing => ({
    id: "c1",
    customerId: "acme",
    alertId: "a1",
    groupKey: '["mallory@acme.com"]',
    direction: "RAISED",
    value: 5,
    saturated: false,
    count: 5,
    threshold: { operator: "GREATER_THAN_OR_EQUAL", value: 3 },
    severity: "HIGH",
    windowStart: null,
    windowEnd: null,
    occurredAt: "2026-12-07T10:00:00.000Z",
    detectedAt: "2026-12-07T10:00:00.100Z",
    entities: [{ key: "u1@acme.com", count: 1, firstSeenMs: 0, lastSeenMs: 1000 }],
    ...over,
  });
  const message = (crossings: NotifiedCrossing[], over: Partial<NotificationMessage> = {}): NotificationMessage => ({
    messageId: "m1",
    reason: "CROSSING",
    alert: { id: "a1", name: "Admins granted" },
    customerId: "acme",
    crossings,
    publicUrl: "https://alerts.example.test/",
    ...over,
  });

  test("webhook: the latest crossing on top, all of them in crossings, links to the alert", () => {
    const body = JSON.parse(webhookBody(message([crossing(), crossing({ id: "c2", direction: "CLEARED", value: 1 })])));
    assert.equal(body.status, "OK");
    assert.equal(body.value, 1);
    assert.deepEqual(body.crossings.map((c: { id: string; status: string }) => [c.id, c.status]), [["c1", "FIRING"], ["c2", "OK"]]);
    assert.deepEqual(body.crossings[0].groupKey, ["mallory@acme.com"]);
    assert.equal(body.crossings[0].entities[0].lastSeenAt, "1970-01-01T00:00:01.000Z");
    assert.equal(body.links.alert, "https://alerts.example.test/#/alerts/a1");
  });

  test("PagerDuty: trigger for RAISED, resolve for CLEARED, the status as dedup_key", () => {
    const events = pagerDutyEvents(message([crossing(), crossing({ id: "c2", direction: "CLEARED" })]), "KEY").map((e) => JSON.parse(e));
    assert.deepEqual(events.map((e) => e.event_action), ["trigger", "resolve"]);
    assert.equal(events[0].dedup_key, statusKey(crossing()));
    assert.equal(events[0].dedup_key, 'a1:acme:["mallory@acme.com"]');
    assert.equal(events[0].payload.severity, "error");
    assert.equal(events[0].routing_key, "KEY");
  });

  test("Slack: user text cannot inject mrkdwn links or mentions", () => {
    const body = JSON.parse(slackBody(message([crossing({ groupKey: '["<!channel> <https://evil.test|click>"]' })])));
    const section = body.blocks[1].text.text as string;
    assert.ok(!section.includes("<!channel>") && !section.includes("<https://evil.test"), section);
    assert.match(section, /&lt;!channel&gt;/);
  });

  test("e-mail: one subject line, whatever the alert's name holds", () => {
    const { subject, text } = emailContent(message([crossing()], { alert: { id: "a1", name: "Evil\r\nBcc: x@y.test" } }));
    assert.ok(!/[\r\n]/.test(subject));
    assert.match(text, /Open the alert: https:\/\/alerts\.example\.test\/#\/alerts\/a1/);
  });

  test("URLs are shown without their tokens", () => {
    assert.equal(maskUrl("https://hooks.slack.com/services/T000/B000/XXXX", "SLACK"), "https://hooks.slack.com/services/****");
    assert.equal(maskUrl("https://user:pw@hooks.example.test/in?token=abc&x=1", "WEBHOOK"), "https://****@hooks.example.test/in?token=****&x=****");
  });
});
