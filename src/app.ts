import "reflect-metadata";
import { Pool } from "pg";
import type { DataSource } from "typeorm";
import type { Config } from "./config/config";
import type { Logger } from "./logger";
import { startHealthServer } from "./http/health-server";
import { Metrics } from "./http/metrics";
import { startHttpServer, type RunningHttpServer } from "./http/server";
import { PgListener } from "./log/pg-listener";
import { KafkaCluster, KafkaControlReader, KafkaEventAppender, KafkaEventReader } from "./log/kafka-log";
import { ControlRelay, CrossingAnnouncer, CrossingTopicReader } from "./log/kafka-relays";
import type { ControlReader, EventAppender, EventReader } from "./log/log";
import { PostgresControlReader, PostgresEventLog } from "./log/postgres-log";
import { AlertResolver } from "./resolvers/alert.resolver";
import { ApiKeyResolver } from "./resolvers/api-key.resolver";
import { buildGraphQLSchema, type ResolverClass } from "./resolvers/build-schema";
import { EventResolver } from "./resolvers/event.resolver";
import { AlertHistoryResolver, HistoryResolver } from "./resolvers/history.resolver";
import { AlertMonitoringResolver, AlertStatusResolver, MonitoringResolver, ThresholdCrossingResolver } from "./resolvers/monitoring.resolver";
import { rateLimitMiddleware } from "./resolvers/rate-limit-middleware";
import { AlertService } from "./services/alert-service";
import { ApiKeyService, KEY_REVOKED_CHANNEL } from "./services/api-key-service";
import { CrossingFeed } from "./services/crossing-feed";
import { EngineCounters } from "./services/engine-counters";
import { EngineRunner } from "./services/engine-runner";
import { EventService } from "./services/event-service";
import { HistoryService } from "./services/history-service";
import { MonitoringService } from "./services/monitoring-service";
import { RateLimiter } from "./services/rate-limiter";
import { StatusFeed } from "./services/status-feed";
import { openDatabase } from "./store/data-source";
import { startEmbeddedPostgres } from "./store/embedded-postgres";
import { EngineStore } from "./store/engine-store";
import { maintainEventArchive } from "./store/event-archive";
import { HistoryStore } from "./store/history-store";
import { MonitoringStore } from "./store/monitoring-store";
import { NotificationStore } from "./store/notification-store";
import { ChannelSender } from "./notify/channel-sender";
import { EmailSender } from "./notify/email-sender";
import { NotificationResolver } from "./resolvers/notification.resolver";
import { DeliveryDispatcher } from "./services/delivery-dispatcher";
import { NotificationService } from "./services/notification-service";

export interface RunningApp {
  /** The GraphQL endpoint, when this process serves the API. */
  readonly url: string | undefined;
  readonly databaseUrl: string;
  /** Set on a first start without ADMIN_API_KEY: the generated platform ADMIN secret. */
  readonly generatedAdminKey: string | undefined;
  readonly counters: EngineCounters;
  /** The engine, when this process runs one. */
  readonly engine: EngineRunner | undefined;
  /** Open GraphQL subscriptions served by this process. */
  activeSubscriptions(): number;
  stop(): Promise<void>;
}

const ARCHIVE_MAINTENANCE_MS = 3_600_000;

/** The composition root: builds every part once, starts them, and stops them in reverse order. */
export async function startApp(config: Config, logger: Logger): Promise<RunningApp> {
  const stops: { part: string; stop: () => Promise<void> }[] = [];
  const stop = async () => {
    for (const { part, stop: stopPart } of stops.reverse()) {
      const startedAt = performance.now();
      await stopPart().catch((err: unknown) => logger.error({ err, part }, "error while shutting down"));
      logger.info({ part, ms: Math.round(performance.now() - startedAt) }, "stopped");
    }
  };
  try {
    let databaseUrl = config.databaseUrl;
    if (databaseUrl === undefined) {
      const embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort, logger });
      stops.push({ part: "embedded PostgreSQL", stop: () => embedded.stop() });
      databaseUrl = embedded.url;
    }
    const dataSource = await openDatabase(databaseUrl, { applicationName: `alerts-${config.role}` });
    stops.push({ part: "database pool", stop: () => dataSource.destroy() });
    const pool = new Pool({ connectionString: databaseUrl, max: 10, connectionTimeoutMillis: 5_000, application_name: `alerts-${config.role}-log` });
    pool.on("error", (err) => logger.warn({ err: err.message }, "idle database connection failed"));
    stops.push({ part: "log pool", stop: () => pool.end() });
    const listener = new PgListener(databaseUrl, logger);
    stops.push({ part: "notification listener", stop: () => listener.close() });

    await maintainEventArchive(pool, Date.now(), config.eventRetentionDays);
    const maintenance = setInterval(() => {
      maintainEventArchive(pool, Date.now(), config.eventRetentionDays).catch((err: unknown) =>
        logger.warn({ err: (err as Error).message }, "event archive maintenance failed; will retry"),
      );
    }, ARCHIVE_MAINTENANCE_MS);
    maintenance.unref();
    stops.push({ part: "archive maintenance", stop: async () => clearInterval(maintenance) });

    const engineStore = new EngineStore(pool);
    const historyStore = new HistoryStore(pool);
    const pgLog = new PostgresEventLog(pool, listener);
    await pgLog.start();
    let appender: EventAppender = pgLog;
    let reader: EventReader = pgLog;
    let controls: ControlReader = new PostgresControlReader(pool);
    let kafka: KafkaCluster | undefined;
    let announcer: CrossingAnnouncer | undefined;
    if (config.kafkaBrokers) {
      kafka = new KafkaCluster(
        {
          brokers: config.kafkaBrokers,
          topicPrefix: config.kafkaTopicPrefix,
          eventPartitions: config.kafkaEventPartitions,
          replicationFactor: config.kafkaReplicationFactor,
          clientId: `alerts-${config.role}`,
        },
        logger,
      );
      stops.push({ part: "Kafka producer and admin", stop: () => kafka!.close() });
      await kafka.ensureTopics();
      appender = new KafkaEventAppender(kafka, (events) => engineStore.recordPublished(events));
      if (config.role !== "api") {
        const kafkaReader = new KafkaEventReader(kafka, logger.child({ component: "engine" }));
        const kafkaControls = new KafkaControlReader(kafka);
        stops.push({ part: "Kafka consumers", stop: async () => {
          await kafkaControls.close();
          await kafkaReader.close();
        } });
        await kafkaControls.start();
        await kafkaReader.start();
        reader = kafkaReader;
        controls = kafkaControls;
        announcer = new CrossingAnnouncer(kafka, logger);
      }
    }
    let relay: ControlRelay | undefined;
    if (kafka && config.role !== "engine") {
      // Alert writes happen here: relay the outbox to the control topic, at once after each write.
      relay = new ControlRelay(kafka, pool, listener, logger);
      await relay.start();
      stops.push({ part: "control relay", stop: () => relay!.stop() });
    }
    const counters = new EngineCounters();
    const apiKeys = new ApiKeyService(dataSource);
    const alerts = new AlertService(dataSource, relay ? () => relay!.relayNow() : undefined);
    const stopHearingRevocations = await listener.listen(KEY_REVOKED_CHANNEL, (keyId) => {
      if (keyId) apiKeys.revoked(keyId);
    });
    stops.push({ part: "revocation listener", stop: async () => stopHearingRevocations() });
    const bootstrap = await apiKeys.bootstrapAdmin(config.adminApiKey);
    if (bootstrap.revoked) logger.warn("ADMIN_API_KEY names a key that has been revoked; it stays revoked");

    let engine: EngineRunner | undefined;
    if (config.role !== "api") {
      engine = new EngineRunner(engineStore, historyStore, reader, controls, counters, logger.child({ component: "engine" }), {
        lateGraceSeconds: config.lateGraceSeconds,
        statusIdleDays: config.statusIdleDays,
        retentionDays: config.eventRetentionDays,
        archive: kafka !== undefined,
        batchSize: kafka ? KAFKA_ENGINE_BATCH_EVENTS : undefined,
        partitionOf: kafka ? (customerId) => kafka!.partitionOf(customerId) : undefined,
        onCommitted: announcer ? (stored) => announcer!.announce(stored) : undefined,
      });
      engine.start();
      stops.push({ part: "engine", stop: () => engine!.stop() });
    }

    let http: RunningHttpServer | undefined;
    let activeSubscriptions = () => 0;
    const notificationStore = new NotificationStore(pool);
    const metrics = new Metrics({
      counters,
      activeSubscriptions: () => activeSubscriptions(),
      consumerLag: engine ? () => consumerLag(engine!, kafka, historyStore) : undefined,
      backfills: engine ? () => engine!.backfillProgress() : undefined,
      deliveryBacklog: config.deliveryConcurrency > 0 ? () => notificationStore.backlog() : undefined,
    });
    // Links in notifications point at PUBLIC_URL, or at this API server once it listens.
    let publicUrl = config.publicUrl ?? `http://${config.host}:${config.port}`;
    const emailSender = new EmailSender({ url: config.smtpUrl, from: config.smtpFrom, timeoutMs: config.deliveryTimeoutMs });
    stops.push({ part: "SMTP connections", stop: async () => emailSender.close() });
    const channelSender = new ChannelSender(
      { timeoutMs: config.deliveryTimeoutMs, allowPrivate: config.webhookAllowPrivate, maxResponseBytes: DELIVERY_RESPONSE_BYTES },
      emailSender,
    );
    if (config.deliveryConcurrency > 0) {
      const dispatcher = new DeliveryDispatcher(
        notificationStore,
        channelSender,
        {
          concurrency: config.deliveryConcurrency,
          leaseSeconds: config.deliveryLeaseSeconds,
          retrySeconds: config.deliveryRetrySeconds,
          disableAfterSeconds: config.channelDisableAfterSeconds,
          pollMs: DELIVERY_POLL_MS,
          repeatCheckMs: REPEAT_CHECK_MS,
          publicUrl: () => publicUrl,
        },
        logger.child({ component: "notifications" }),
        (kind, result, latencyMs) => metrics.observeDelivery(kind, result, latencyMs),
      );
      dispatcher.start();
      stops.push({ part: "delivery dispatcher", stop: () => dispatcher.stop() });
    }
    if (config.role !== "engine") {
      const monitoringStore = new MonitoringStore(pool);
      const monitoring = new MonitoringService(monitoringStore);
      const historyService = new HistoryService(historyStore, alerts, config);
      const crossingFeed = new CrossingFeed(monitoringStore, listener, logger);
      const statusFeed = new StatusFeed(monitoringStore, listener, logger);
      await crossingFeed.start();
      await statusFeed.start();
      if (kafka) {
        const crossingTopic = new CrossingTopicReader(kafka, logger);
        await crossingTopic.start((customerId, cursor) => crossingFeed.announce(customerId, cursor, cursor));
        stops.push({ part: "crossing topic reader", stop: () => crossingTopic.close() });
      }
      activeSubscriptions = () => crossingFeed.subscriberCount + statusFeed.subscriberCount;
      stops.push({
        part: "subscription feeds",
        stop: async () => {
          crossingFeed.stop();
          statusFeed.stop();
        },
      });
      const schema = await buildGraphQLSchema(
        new Map<ResolverClass, object>([
          [AlertResolver, new AlertResolver(alerts)],
          [ApiKeyResolver, new ApiKeyResolver(apiKeys)],
          [EventResolver, new EventResolver(new EventService(appender))],
          [MonitoringResolver, new MonitoringResolver(monitoring, alerts)],
          [AlertStatusResolver, new AlertStatusResolver()],
          [ThresholdCrossingResolver, new ThresholdCrossingResolver(alerts)],
          [AlertMonitoringResolver, new AlertMonitoringResolver(monitoring)],
          [HistoryResolver, new HistoryResolver(historyService)],
          [AlertHistoryResolver, new AlertHistoryResolver(historyService)],
          [
            NotificationResolver,
            new NotificationResolver(new NotificationService(notificationStore, channelSender, { allowPrivate: config.webhookAllowPrivate, publicUrl: () => publicUrl })),
          ],
        ]),
        [
          rateLimitMiddleware({
            mutations: new RateLimiter("mutations", config.rateLimitMutationsPerSecond, config.rateLimitMutationsPerSecond * 10),
            events: new RateLimiter("published events", config.rateLimitEventsPerSecond, config.rateLimitEventsPerSecond * 10),
          }),
        ],
      );
      http = await startHttpServer({
        config,
        logger,
        schema,
        apiKeys,
        feeds: { crossings: crossingFeed, statuses: statusFeed, backfills: historyService },
        metrics,
        ready: async () =>
          (await databaseReachable(dataSource)) && (engine === undefined || engine.isReady) && (kafka === undefined || (await kafka.reachable())),
      });
      stops.push({ part: "HTTP server", stop: () => http!.close() });
      if (config.publicUrl === undefined) publicUrl = new URL(http.url).origin;
      logger.info({ url: http.url }, "API listening");
    }
    if (config.role === "engine") {
      const health = await startHealthServer({
        port: config.port,
        host: config.host,
        ready: async () => (await databaseReachable(dataSource)) && engine!.isReady && (kafka === undefined || (await kafka.reachable())),
        metrics,
      });
      stops.push({ part: "health server", stop: () => health.close() });
      logger.info({ port: health.port }, "engine health endpoints listening");
    }
    return { url: http?.url, databaseUrl, generatedAdminKey: bootstrap.generated, counters, engine, activeSubscriptions: () => activeSubscriptions(), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * Kafka mode: the most events one engine batch takes when it is behind. A status that several events of a
 * batch change is written once, so a larger batch writes fewer rows per event (issue 7); when the engine
 * keeps up its batches stay small, and so does the latency.
 */
const KAFKA_ENGINE_BATCH_EVENTS = 2_000;

/** How often a dispatcher looks for due deliveries when it found none; how often for repeats. */
const DELIVERY_POLL_MS = 250;
const REPEAT_CHECK_MS = 5_000;
/** The most of a receiver's answer kept (for the delivery log's error text). */
const DELIVERY_RESPONSE_BYTES = 16_384;

/** Events not yet consumed per owned partition: the log's end minus the engine's next position. */
async function consumerLag(engine: EngineRunner, kafka: KafkaCluster | undefined, history: HistoryStore): Promise<Map<number, number>> {
  const positions = engine.positionsSnapshot();
  const lag = new Map<number, number>();
  if (kafka) {
    const ends = await kafka.endOffsets(kafka.topics.events);
    for (const [partition, next] of positions) lag.set(partition, Math.max(0, Number((ends[partition] ?? next) - next)));
  } else {
    const end = await history.nextSeq();
    lag.set(0, Math.max(0, Number(end - (positions.get(0) ?? 1n))));
  }
  return lag;
}

async function databaseReachable(dataSource: DataSource): Promise<boolean> {
  const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 2_000).unref());
  const probe = dataSource.query("SELECT 1").then(() => true, () => false);
  return Promise.race([probe, timeout]);
}
