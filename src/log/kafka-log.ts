import { Kafka, Partitioners, logLevel, type Admin, type Consumer, type Producer } from "kafkajs";
import type { Logger } from "pino";
import { randomUUID } from "node:crypto";
import { decodeEventRecord, type EngineEvent } from "../engine/event";
import type { AlertControl, AppendResult, ControlReader, EventAppender, EventBatch, EventReader, LogEvent, PartitionPosition } from "./log";

export interface KafkaSettings {
  readonly brokers: readonly string[];
  readonly topicPrefix: string;
  readonly eventPartitions: number;
  readonly replicationFactor: number;
  readonly clientId: string;
}

export const topicNames = (prefix: string) => ({
  events: `${prefix}events`,
  controls: `${prefix}alert-controls`,
  crossings: `${prefix}alert-crossings`,
});

/** The connection to the cluster and the topics this platform uses, created when absent. */
export class KafkaCluster {
  readonly kafka: Kafka;
  readonly topics: ReturnType<typeof topicNames>;
  private admin: Admin | undefined;

  constructor(
    readonly settings: KafkaSettings,
    private readonly logger: Logger,
  ) {
    this.kafka = new Kafka({
      clientId: settings.clientId,
      brokers: [...settings.brokers],
      connectionTimeout: 3_000,
      requestTimeout: 10_000,
      retry: { initialRetryTime: 200, maxRetryTime: 5_000, retries: 10 },
      logLevel: logLevel.WARN,
      logCreator: () => ({ namespace, log }) => {
        logger.warn({ component: "kafka", namespace, message: log.message, broker: log.broker }, "kafka client");
      },
    });
    this.topics = topicNames(settings.topicPrefix);
  }

  /**
   * The events partition a customer's events go to: the producer's own partitioner (murmur2 of the
   * key, as Java clients compute it), so backfills scan exactly what a partition's owner counts.
   */
  partitionOf(customerId: string): number {
    const partitionMetadata = Array.from({ length: this.settings.eventPartitions }, (_, partitionId) => ({ partitionId, leader: 0, partitionErrorCode: 0, replicas: [0], isr: [0] }));
    return this.partitioner({ topic: this.topics.events, partitionMetadata, message: { key: customerId, value: null } });
  }

  private readonly partitioner = Partitioners.DefaultPartitioner();

  async ensureTopics(): Promise<void> {
    const admin = await this.getAdmin();
    const replicationFactor = this.settings.replicationFactor;
    const created = await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic: this.topics.events, numPartitions: this.settings.eventPartitions, replicationFactor },
        // Notices keyed by alert id: compaction keeps the latest per alert, enough to catch up.
        { topic: this.topics.controls, numPartitions: 1, replicationFactor, configEntries: [{ name: "cleanup.policy", value: "compact" }] },
        { topic: this.topics.crossings, numPartitions: 1, replicationFactor },
      ],
    });
    if (created) this.logger.info({ topics: this.topics }, "created Kafka topics");
  }

  /** Whether a broker answers (for /readyz), bounded by timeoutMs. */
  async reachable(timeoutMs = 2_000): Promise<boolean> {
    try {
      const admin = await this.getAdmin();
      const probe = admin.describeCluster().then(() => true, () => false);
      return await Promise.race([probe, new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref())]);
    } catch {
      return false;
    }
  }

  /** The end (next offset to be written) of each partition of a topic. */
  async endOffsets(topic: string): Promise<bigint[]> {
    const admin = await this.getAdmin();
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.sort((a, b) => a.partition - b.partition).map((o) => BigInt(o.high));
  }

  /** One idempotent producer (acks from all in-sync replicas) for everything this process sends. */
  producer(): Promise<Producer> {
    this.sharedProducer ??= (async () => {
      const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      return producer;
    })().catch((err: unknown) => {
      this.sharedProducer = undefined;
      throw err;
    });
    return this.sharedProducer;
  }

  private sharedProducer: Promise<Producer> | undefined;

  async close(): Promise<void> {
    const producer = this.sharedProducer;
    this.sharedProducer = undefined;
    await producer?.then((p) => p.disconnect()).catch(() => undefined);
    await this.admin?.disconnect().catch(() => undefined);
    this.admin = undefined;
  }

  private async getAdmin(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      await admin.connect();
      this.admin = admin;
    }
    return this.admin;
  }
}

/** The JSON of an event on the events topic: the same shape as EventInput (DESIGN "The event"). */
export function eventMessage(event: EngineEvent): { key: string; value: string } {
  return {
    key: event.customerId,
    value: JSON.stringify({
      id: event.id,
      customerId: event.customerId,
      application: event.application,
      objectType: event.objectType,
      eventType: event.eventType,
      occurredAt: new Date(event.occurredAtMs).toISOString(),
      payload: event.payload,
    }),
  };
}

/** publishEvents in Kafka mode: an idempotent producer, acknowledged by all in-sync replicas. */
export class KafkaEventAppender implements EventAppender {
  constructor(
    private readonly cluster: KafkaCluster,
    /** Records the acknowledged (customer, id) pairs; returns how many were new (`accepted`). */
    private readonly recordPublished: (events: readonly EngineEvent[]) => Promise<number>,
  ) {}

  async append(events: readonly EngineEvent[]): Promise<AppendResult> {
    // Bounded: with the broker away, the caller hears UNAVAILABLE instead of waiting on kafkajs's retries.
    // A send that still lands later is harmless: a retry with the same ids is counted once.
    await withTimeout(
      this.cluster.producer().then((producer) => producer.send({ topic: this.cluster.topics.events, acks: -1, messages: events.map(eventMessage) })),
      PUBLISH_TIMEOUT_MS,
    );
    // Acknowledged first, recorded after: a crash in between only makes a retry look new, and the
    // engine still counts the event once (it deduplicates by customer and id).
    return { accepted: await this.recordPublished(events) };
  }
}

/** Read ahead of the engine: a full engine batch (app.ts) plus the next one arriving meanwhile. */
const MAX_BUFFERED = 5_000;
const EVENT_FETCH_MIN_BYTES = 16 * 1024;
const EVENT_FETCH_MAX_WAIT_MS = 25;
const OFFSET_COMMIT_INTERVAL_MS = 1_000;
const PUBLISH_TIMEOUT_MS = 10_000;

/** A broker that did not acknowledge in time; the API answers UNAVAILABLE (retriable). */
export class BrokerTimeoutError extends Error {
  override readonly name = "BrokerTimeoutError";
  readonly code = "ETIMEDOUT";
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BrokerTimeoutError(`the Kafka broker did not acknowledge within ${ms} ms`)), ms);
  });
  work.catch(() => undefined); // a late failure after the timeout is not an unhandled rejection
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The engines' consumer group on the events topic, as a poll()-able reader. kafkajs has no blocking
 * rebalance hooks and no manual assignment: the assignment comes from its group-join event, the
 * engine seeks to its stored positions, and eachBatch waits while the engine is behind (backpressure).
 */
export class KafkaEventReader implements EventReader {
  private readonly consumer: Consumer;
  private assigned: readonly number[] = [];
  private buffer: LogEvent[] = [];
  private readonly drained = new Set<() => void>();
  private readonly arrived = new Set<() => void>();
  private closed = false;

  constructor(
    private readonly cluster: KafkaCluster,
    private readonly logger: Logger,
  ) {
    this.consumer = cluster.kafka.consumer({
      groupId: `${cluster.settings.topicPrefix}engine`,
      sessionTimeout: 10_000,
      rebalanceTimeout: 10_000,
      heartbeatInterval: 1_000,
      // Under load, a fetch per few records costs the broker more than the engine's work on them: wait for
      // a few hundred records, never longer than a small share of the latency budget (issue 7).
      minBytes: EVENT_FETCH_MIN_BYTES,
      maxWaitTimeInMs: EVENT_FETCH_MAX_WAIT_MS,
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
      this.assigned = [...(payload.memberAssignment[cluster.topics.events] ?? [])].sort((a, b) => a - b);
      // Whatever was fetched under the old assignment is stale: the engine seeks and reads again.
      this.buffer = [];
      this.wake(this.drained);
      this.wake(this.arrived);
      this.logger.info({ partitions: this.assigned }, "engine group assignment");
    });
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      this.logger.warn({ err: payload.error.message, restart: payload.restart }, "event consumer crashed; kafkajs restarts it");
      if (!payload.restart) this.assigned = [];
    });
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.cluster.topics.events, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        const nowMs = Date.now();
        for (const message of batch.messages) {
          if (!isRunning() || isStale()) return;
          const position = BigInt(message.offset);
          const bytes = message.value ?? new Uint8Array();
          const decoded = decodeEventRecord(bytes, nowMs, randomUUID);
          this.buffer.push(
            "event" in decoded
              ? { partition: batch.partition, position, event: decoded.event }
              : { partition: batch.partition, position, reason: decoded.reason, raw: bytes },
          );
          resolveOffset(message.offset);
        }
        this.wake(this.arrived);
        while (this.buffer.length > MAX_BUFFERED && isRunning() && !isStale() && !this.closed) {
          await new Promise<void>((resolve) => {
            this.drained.add(resolve);
            setTimeout(resolve, 1_000);
          });
          await heartbeat();
        }
      },
    });
  }

  assignment(): readonly number[] {
    return this.assigned;
  }

  seek(partition: number, next: bigint): void {
    this.buffer = this.buffer.filter((r) => r.partition !== partition);
    try {
      this.consumer.seek({ topic: this.cluster.topics.events, partition, offset: next.toString() });
    } catch (err) {
      this.logger.warn({ partition, err: (err as Error).message }, "seek failed; records before the stored position are skipped instead");
    }
  }

  async poll(_from: ReadonlyMap<number, bigint>, maxRecords: number): Promise<EventBatch> {
    const records = this.buffer.splice(0, maxRecords);
    if (this.buffer.length <= MAX_BUFFERED) this.wake(this.drained);
    const last = new Map<number, bigint>();
    for (const r of records) last.set(r.partition, r.position + 1n);
    return { records, positions: [...last].map(([partition, next]) => ({ partition, next })) };
  }

  waitForMore(maxWaitMs: number): Promise<void> {
    if (this.buffer.length > 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, maxWaitMs);
      const arrived = this.arrived;
      function done() {
        clearTimeout(timer);
        arrived.delete(done);
        resolve();
      }
      arrived.add(done);
    });
  }

  committed(positions: readonly PartitionPosition[]): void {
    // Informational: PostgreSQL holds the positions that count. This lets tools show the group's lag,
    // so once a second is enough (an offset commit per batch was a broker write per batch).
    for (const p of positions) this.uncommitted.set(p.partition, p.next);
    this.offsetTimer ??= setTimeout(() => this.commitOffsets(), OFFSET_COMMIT_INTERVAL_MS);
  }

  private readonly uncommitted = new Map<number, bigint>();
  private offsetTimer: NodeJS.Timeout | undefined;

  private commitOffsets(): void {
    this.offsetTimer = undefined;
    const owned = new Set(this.assigned);
    const offsets = [...this.uncommitted]
      .filter(([partition]) => owned.has(partition))
      .map(([partition, next]) => ({ topic: this.cluster.topics.events, partition, offset: next.toString() }));
    this.uncommitted.clear();
    if (offsets.length > 0 && !this.closed) this.consumer.commitOffsets(offsets).catch(() => undefined);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.offsetTimer);
    this.wake(this.drained);
    this.wake(this.arrived);
    await this.consumer.disconnect().catch(() => undefined);
  }

  private wake(set: Set<() => void>): void {
    for (const fn of [...set]) fn();
    set.clear();
  }
}

/** Every engine reads every control, with a group of its own, from the start of the compacted topic. */
export class KafkaControlReader implements ControlReader {
  readonly durable = false;
  private readonly consumer: Consumer;
  private buffer: AlertControl[] = [];
  /** The offset after the last control read. */
  private consumedNext = 0n;

  constructor(private readonly cluster: KafkaCluster) {
    this.consumer = cluster.kafka.consumer({ groupId: `${cluster.settings.topicPrefix}engine-controls-${randomUUID()}`, maxWaitTimeInMs: 100 });
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.cluster.topics.controls, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachMessage: async ({ message }) => {
        this.consumedNext = BigInt(message.offset) + 1n;
        try {
          const notice = JSON.parse(message.value?.toString("utf8") ?? "") as { alertId?: unknown; version?: unknown };
          if (typeof notice.alertId === "string" && typeof notice.version === "number") {
            this.buffer.push({ position: BigInt(message.offset), alertId: notice.alertId, version: notice.version });
          }
        } catch {
          // Not a notice of ours; PostgreSQL stays the truth, so nothing is lost by skipping it.
        }
      },
    });
  }

  async poll(_after: bigint, maxRecords: number): Promise<readonly AlertControl[]> {
    return this.buffer.splice(0, maxRecords);
  }

  async sync(timeoutMs: number): Promise<void> {
    const [end] = await this.cluster.endOffsets(this.cluster.topics.controls);
    const deadline = Date.now() + timeoutMs;
    while (this.consumedNext < end && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  }

  async close(): Promise<void> {
    await this.consumer.disconnect().catch(() => undefined);
  }
}
