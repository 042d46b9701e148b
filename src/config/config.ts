import { resolve } from "node:path";

export type ProcessRole = "all" | "api" | "engine";
export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

/** Everything the process reads from its environment, validated once at start. */
export interface Config {
  readonly port: number;
  readonly host: string;
  /** Set: use this PostgreSQL server. Unset: start an embedded one under dataDir. */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  /** Unset: pick a free port at start. */
  readonly embeddedPgPort: number | undefined;
  readonly adminApiKey: string | undefined;
  readonly role: ProcessRole;
  readonly maxRequestBytes: number;
  readonly logLevel: LogLevel;
  /** Events older than this many days (by ingestion) leave the archive. */
  readonly eventRetentionDays: number;
  /** An event for a window that ended more than this long ago is late: counted, otherwise ignored. */
  readonly lateGraceSeconds: number;
  /** A windowed status whose window has been empty this long is removed. */
  readonly statusIdleDays: number;
  /** Set: the log is Kafka (scale-out mode); unset: the embedded log in PostgreSQL. */
  readonly kafkaBrokers: readonly string[] | undefined;
  readonly kafkaTopicPrefix: string;
  readonly kafkaEventPartitions: number;
  readonly kafkaReplicationFactor: number;
  /** previewAlert refuses ranges holding more archived events than this. */
  readonly previewMaxEvents: number;
  /** Per API key and server: mutations per second (bursts of 10× that). */
  readonly rateLimitMutationsPerSecond: number;
  /** Per API key and server: published events per second (bursts of 10× that). */
  readonly rateLimitEventsPerSecond: number;
  /** Notifications may reach loopback, private and link-local addresses (tests, on-premises receivers). */
  readonly webhookAllowPrivate: boolean;
  /** EMAIL channels' SMTP server; unset: they fail with a message saying so. */
  readonly smtpUrl: string | undefined;
  readonly smtpFrom: string;
  /** Waits before each retry of a failed delivery; one more failure after the last is FAILED. */
  readonly deliveryRetrySeconds: readonly number[];
  /** One delivery attempt's bound: connect, send and answer. */
  readonly deliveryTimeoutMs: number;
  /** Deliveries in flight at once in this process; 0: this process dispatches none. */
  readonly deliveryConcurrency: number;
  /** A claimed delivery whose dispatcher vanished is claimed again after this long. */
  readonly deliveryLeaseSeconds: number;
  /** A channel whose deliveries have failed this long without a success is disabled. */
  readonly channelDisableAfterSeconds: number;
  /** The live page's address as receivers should see it, for links in notifications; unset: this server's own. */
  readonly publicUrl: string | undefined;
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

type Env = Readonly<Record<string, string | undefined>>;

const ROLES: readonly ProcessRole[] = ["all", "api", "engine"];
const LOG_LEVELS: readonly LogLevel[] = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];
const MIN_ADMIN_KEY_LENGTH = 24;

/** Reads and validates the environment; throws one ConfigError listing every bad variable and its fix. */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const read = <T>(name: string, parse: (raw: string) => T | string, fallback: T): T => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === "") return fallback;
    const parsed = parse(raw.trim());
    if (typeof parsed === "string" && parsed.startsWith("!")) {
      problems.push(`${name}=${JSON.stringify(raw)}: ${parsed.slice(1)}`);
      return fallback;
    }
    return parsed as T;
  };

  const config: Config = {
    port: read("PORT", integer(0, 65535, "a TCP port from 0 to 65535 (0 picks a free one)"), 4000),
    host: read("HOST", (raw) => raw, "127.0.0.1"),
    databaseUrl: read<string | undefined>("DATABASE_URL", postgresUrl, undefined),
    dataDir: resolve(read("DATA_DIR", (raw) => raw, "./data")),
    embeddedPgPort: read<number | undefined>(
      "EMBEDDED_PG_PORT",
      integer(1, 65535, "a TCP port from 1 to 65535, or unset to pick a free one"),
      undefined,
    ),
    adminApiKey: read<string | undefined>(
      "ADMIN_API_KEY",
      (raw) =>
        raw.length >= MIN_ADMIN_KEY_LENGTH && /^[\x21-\x7e]+$/.test(raw)
          ? raw
          : `!must be at least ${MIN_ADMIN_KEY_LENGTH} printable characters without spaces (e.g. the output of \`openssl rand -hex 24\`)`,
      undefined,
    ),
    role: read("ROLE", oneOf(ROLES), "all"),
    maxRequestBytes: read("MAX_REQUEST_BYTES", integer(1024, 1024 ** 3, "a byte count from 1024 to 1073741824"), 10 * 1024 * 1024),
    logLevel: read("LOG_LEVEL", oneOf(LOG_LEVELS), "info"),
    eventRetentionDays: read("EVENT_RETENTION_DAYS", integer(1, 3650, "a number of days from 1 to 3650"), 30),
    lateGraceSeconds: read("LATE_GRACE_SECONDS", integer(0, 86400, "a number of seconds from 0 to 86400"), 60),
    statusIdleDays: read("STATUS_IDLE_DAYS", integer(1, 3650, "a number of days from 1 to 3650"), 7),
    kafkaBrokers: read<readonly string[] | undefined>("KAFKA_BROKERS", brokerList, undefined),
    kafkaTopicPrefix: read("KAFKA_TOPIC_PREFIX", (raw) => (/^[A-Za-z0-9._-]{0,100}$/.test(raw) ? raw : "!expected letters, digits, '.', '_' or '-' (a topic name prefix)"), ""),
    kafkaEventPartitions: read("KAFKA_EVENT_PARTITIONS", integer(1, 1000, "a partition count from 1 to 1000"), 12),
    kafkaReplicationFactor: read("KAFKA_REPLICATION_FACTOR", integer(1, 10, "a replication factor from 1 to 10"), 1),
    previewMaxEvents: read("PREVIEW_MAX_EVENTS", integer(1, 1_000_000_000, "an event count from 1 to 1000000000"), 5_000_000),
    rateLimitMutationsPerSecond: read("RATE_LIMIT_MUTATIONS_PER_SECOND", integer(1, 1_000_000, "a rate from 1 to 1000000"), 50),
    rateLimitEventsPerSecond: read("RATE_LIMIT_EVENTS_PER_SECOND", integer(1, 10_000_000, "a rate from 1 to 10000000"), 20_000),
    webhookAllowPrivate: read("WEBHOOK_ALLOW_PRIVATE", flag, false),
    smtpUrl: read<string | undefined>("SMTP_URL", smtpUrl, undefined),
    smtpFrom: read("SMTP_FROM", (raw) => (/^[^\r\n]{3,320}$/.test(raw) && raw.includes("@") ? raw : "!expected a sender address, e.g. Alerts <alerts@example.com>"), "alerts@localhost"),
    deliveryRetrySeconds: read("DELIVERY_RETRY_SECONDS", secondsList, [5, 300, 1_800, 7_200, 18_000, 36_000]),
    deliveryTimeoutMs: read("DELIVERY_TIMEOUT_MS", integer(100, 60_000, "milliseconds from 100 to 60000"), 5_000),
    deliveryConcurrency: read("DELIVERY_CONCURRENCY", integer(0, 1_000, "a count from 0 (no dispatching here) to 1000"), 16),
    deliveryLeaseSeconds: read("DELIVERY_LEASE_SECONDS", integer(1, 3_600, "seconds from 1 to 3600"), 60),
    channelDisableAfterSeconds: read("CHANNEL_DISABLE_AFTER_SECONDS", integer(1, 30 * 86_400, "seconds from 1 to 2592000"), 86_400),
    publicUrl: read<string | undefined>("PUBLIC_URL", httpUrl, undefined),
  };
  if (config.deliveryLeaseSeconds * 1000 <= config.deliveryTimeoutMs) {
    problems.push(`DELIVERY_LEASE_SECONDS=${config.deliveryLeaseSeconds}: must be longer than DELIVERY_TIMEOUT_MS (${config.deliveryTimeoutMs} ms), or a slow send would be claimed twice`);
  }
  if (problems.length > 0) {
    throw new ConfigError(`Invalid configuration:\n  ${problems.join("\n  ")}`);
  }
  return Object.freeze(config);
}

function integer(min: number, max: number, accepts: string) {
  return (raw: string): number | string => {
    const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
    return Number.isSafeInteger(n) && n >= min && n <= max ? n : `!expected ${accepts}`;
  };
}

function oneOf<T extends string>(values: readonly T[]) {
  return (raw: string): T | string =>
    (values as readonly string[]).includes(raw.toLowerCase()) ? (raw.toLowerCase() as T) : `!expected one of ${values.join(", ")}`;
}

function brokerList(raw: string): readonly string[] | string {
  const brokers = raw.split(",").map((b) => b.trim()).filter(Boolean);
  return brokers.length > 0 && brokers.every((b) => /^[A-Za-z0-9.-]+:\d{1,5}$/.test(b))
    ? Object.freeze(brokers)
    : "!expected host:port[,host:port…], e.g. 127.0.0.1:19092";
}

function flag(raw: string): boolean | string {
  if (raw === "1" || raw.toLowerCase() === "true") return true;
  if (raw === "0" || raw.toLowerCase() === "false") return false;
  return "!expected 1 or 0";
}

function secondsList(raw: string): readonly number[] | string {
  const list = raw.split(",").map((s) => Number(s.trim()));
  return list.length >= 1 && list.length <= 20 && list.every((n) => Number.isFinite(n) && n >= 0 && n <= 7 * 86_400)
    ? Object.freeze(list)
    : "!expected up to 20 comma-separated waits in seconds (0 to 604800), e.g. 5,300,1800,7200,18000,36000";
}

function smtpUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if ((url.protocol === "smtp:" || url.protocol === "smtps:") && url.hostname) return raw;
  } catch {
    // fall through to the message below
  }
  return "!expected a URL like smtp://user:password@mail.example.com:587 or smtps://…:465";
}

function httpUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.protocol === "http:" || url.protocol === "https:") return raw;
  } catch {
    // fall through to the message below
  }
  return "!expected an http(s) URL, e.g. https://alerts.example.com";
}

function postgresUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.protocol === "postgres:" || url.protocol === "postgresql:") return raw;
  } catch {
    // fall through to the message below
  }
  return "!expected a URL like postgres://user:password@host:5432/database";
}
