import assert from "node:assert/strict";
import { resolve } from "node:path";
import { test } from "node:test";
import { ConfigError, loadConfig } from "../../src/config/config";

test("defaults when nothing is set", () => {
  const config = loadConfig({});
  assert.deepEqual(config, {
    port: 4000,
    host: "127.0.0.1",
    databaseUrl: undefined,
    dataDir: resolve("./data"),
    embeddedPgPort: undefined,
    adminApiKey: undefined,
    role: "all",
    maxRequestBytes: 10 * 1024 * 1024,
    logLevel: "info",
    eventRetentionDays: 30,
    lateGraceSeconds: 60,
    statusIdleDays: 7,
    kafkaBrokers: undefined,
    kafkaTopicPrefix: "",
    kafkaEventPartitions: 12,
    kafkaReplicationFactor: 1,
    previewMaxEvents: 5_000_000,
    rateLimitMutationsPerSecond: 50,
    rateLimitEventsPerSecond: 20_000,
    webhookAllowPrivate: false,
    smtpUrl: undefined,
    smtpFrom: "alerts@localhost",
    deliveryRetrySeconds: [5, 300, 1_800, 7_200, 18_000, 36_000],
    deliveryTimeoutMs: 5_000,
    deliveryConcurrency: 16,
    deliveryLeaseSeconds: 60,
    channelDisableAfterSeconds: 86_400,
    publicUrl: undefined,
  });
  assert.ok(Object.isFrozen(config));
});

test("reads every variable", () => {
  const config = loadConfig({
    PORT: "8080",
    HOST: "0.0.0.0",
    DATABASE_URL: "postgres://u:p@db:5432/alerts",
    DATA_DIR: "/tmp/x",
    EMBEDDED_PG_PORT: "15432",
    ADMIN_API_KEY: "a".repeat(32),
    ROLE: "API",
    MAX_REQUEST_BYTES: "2048",
    LOG_LEVEL: "debug",
  });
  assert.equal(config.port, 8080);
  assert.equal(config.host, "0.0.0.0");
  assert.equal(config.databaseUrl, "postgres://u:p@db:5432/alerts");
  assert.equal(config.dataDir, "/tmp/x");
  assert.equal(config.embeddedPgPort, 15432);
  assert.equal(config.role, "api");
  assert.equal(config.maxRequestBytes, 2048);
  assert.equal(config.logLevel, "debug");
});

test("reads the notification variables", () => {
  const config = loadConfig({
    WEBHOOK_ALLOW_PRIVATE: "1",
    SMTP_URL: "smtps://u:p@mail.example.test:465",
    SMTP_FROM: "Alerts <alerts@example.test>",
    DELIVERY_RETRY_SECONDS: "0.5, 10,60",
    DELIVERY_TIMEOUT_MS: "2000",
    DELIVERY_CONCURRENCY: "0",
    DELIVERY_LEASE_SECONDS: "30",
    CHANNEL_DISABLE_AFTER_SECONDS: "3600",
    PUBLIC_URL: "https://alerts.example.test",
  });
  assert.equal(config.webhookAllowPrivate, true);
  assert.equal(config.smtpUrl, "smtps://u:p@mail.example.test:465");
  assert.equal(config.smtpFrom, "Alerts <alerts@example.test>");
  assert.deepEqual(config.deliveryRetrySeconds, [0.5, 10, 60]);
  assert.deepEqual([config.deliveryTimeoutMs, config.deliveryConcurrency, config.deliveryLeaseSeconds, config.channelDisableAfterSeconds], [2000, 0, 30, 3600]);
  assert.equal(config.publicUrl, "https://alerts.example.test");
});

test("bad values fail fast, each named with what it accepts", () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ PORT: "80a" }, /PORT="80a": expected a TCP port/],
    [{ PORT: "70000" }, /PORT="70000"/],
    [{ DATABASE_URL: "mysql://x" }, /DATABASE_URL=.*postgres:\/\/user:password@host/],
    [{ EMBEDDED_PG_PORT: "0" }, /EMBEDDED_PG_PORT/],
    [{ ADMIN_API_KEY: "short" }, /ADMIN_API_KEY=.*at least 24 printable characters/],
    [{ ADMIN_API_KEY: "has a space in it but is long enough" }, /ADMIN_API_KEY/],
    [{ ROLE: "worker" }, /ROLE="worker": expected one of all, api, engine/],
    [{ MAX_REQUEST_BYTES: "12" }, /MAX_REQUEST_BYTES/],
    [{ LOG_LEVEL: "loud" }, /LOG_LEVEL="loud": expected one of fatal, error/],
    [{ KAFKA_BROKERS: "nohostport" }, /KAFKA_BROKERS=.*host:port/],
    [{ KAFKA_TOPIC_PREFIX: "bad prefix!" }, /KAFKA_TOPIC_PREFIX/],
    [{ WEBHOOK_ALLOW_PRIVATE: "yes" }, /WEBHOOK_ALLOW_PRIVATE="yes": expected 1 or 0/],
    [{ SMTP_URL: "http://mail" }, /SMTP_URL=.*smtp:\/\/user:password@/],
    [{ SMTP_FROM: "nobody" }, /SMTP_FROM/],
    [{ DELIVERY_RETRY_SECONDS: "5,x" }, /DELIVERY_RETRY_SECONDS=.*comma-separated waits/],
    [{ DELIVERY_RETRY_SECONDS: "-1" }, /DELIVERY_RETRY_SECONDS/],
    [{ DELIVERY_TIMEOUT_MS: "10" }, /DELIVERY_TIMEOUT_MS/],
    [{ DELIVERY_LEASE_SECONDS: "2", DELIVERY_TIMEOUT_MS: "5000" }, /DELIVERY_LEASE_SECONDS=2: must be longer than DELIVERY_TIMEOUT_MS/],
    [{ PUBLIC_URL: "alerts.example.test" }, /PUBLIC_URL=.*http\(s\) URL/],
  ];
  for (const [env, message] of cases) {
    assert.throws(() => loadConfig(env), (err: unknown) => err instanceof ConfigError && message.test(err.message), JSON.stringify(env));
  }
});

test("every problem is reported at once", () => {
  assert.throws(
    () => loadConfig({ PORT: "x", ROLE: "y" }),
    (err: unknown) => err instanceof ConfigError && /PORT/.test(err.message) && /ROLE/.test(err.message),
  );
});
