import { randomUUID } from "node:crypto";
import type { Consumer } from "kafkajs";
import type { Pool } from "pg";
import type { Logger } from "pino";
import type { KafkaCluster } from "./kafka-log";
import type { PgListener } from "./pg-listener";
import { CONTROLS_CHANNEL } from "./postgres-log";

const RELAY_CONSUMER = "control-relay";

/**
 * Relays the alert_changes outbox to the alert-controls topic. Its ids follow commit order, so tailing
 * them misses nothing; the relayed position is stored with a compare-and-set, and a notice relayed twice
 * (two relays, or a crash between send and store) is harmless: engines load the alert's current row.
 */
export class ControlRelay {
  private timer: NodeJS.Timeout | undefined;
  private pending = false;
  private unlisten: (() => void) | undefined;

  constructor(
    private readonly cluster: KafkaCluster,
    private readonly pool: Pool,
    private readonly listener: PgListener,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.unlisten = await this.listener.listen(CONTROLS_CHANNEL, () => void this.relay());
    this.timer = setInterval(() => void this.relay(), 1_000);
    this.timer.unref();
    void this.relay();
  }

  /** Relays what is in the outbox now; resolves when it is on the topic (the API calls it after a write). */
  async relayNow(): Promise<void> {
    await this.relay();
  }

  async stop(): Promise<void> {
    this.unlisten?.();
    if (this.timer) clearInterval(this.timer);
    await this.current;
  }

  private current: Promise<void> | undefined;

  /** One relay at a time; a call during a run waits for a fresh run, so what it asked for is covered. */
  private relay(): Promise<void> {
    if (this.current) {
      this.pending = true;
      return this.current;
    }
    this.current = (async () => {
      try {
        do {
          this.pending = false;
          await this.relayOnce();
        } while (this.pending);
      } catch (err) {
        this.logger.warn({ err: (err as Error).message }, "control relay paused; retrying");
      } finally {
        this.current = undefined;
      }
    })();
    return this.current;
  }

  private async relayOnce(): Promise<void> {
    for (;;) {
      const stored = await this.pool.query<{ position: string }>(`SELECT position FROM engine_positions WHERE consumer = $1 AND partition = 0`, [RELAY_CONSUMER]);
      const after = stored.rows[0]?.position ?? "0";
      const { rows } = await this.pool.query<{ id: string; alert_id: string; version: number; action: string }>(
        `SELECT id, alert_id, version, action FROM alert_changes WHERE id > $1 ORDER BY id LIMIT 500`,
        [after],
      );
      if (rows.length === 0) return;
      const producer = await this.cluster.producer();
      await producer.send({
        topic: this.cluster.topics.controls,
        acks: -1,
        messages: rows.map((r) => ({ key: r.alert_id, value: JSON.stringify({ alertId: r.alert_id, version: r.version, action: r.action }) })),
      });
      const last = rows.at(-1)!.id;
      await this.pool.query(
        stored.rows.length === 0
          ? `INSERT INTO engine_positions (consumer, partition, position) VALUES ($1, 0, $2) ON CONFLICT DO NOTHING`
          : `UPDATE engine_positions SET position = $2, updated_at = now() WHERE consumer = $1 AND partition = 0 AND position = $3`,
        stored.rows.length === 0 ? [RELAY_CONSUMER, last] : [RELAY_CONSUMER, last, after],
      );
    }
  }

}

/** The engine's side of the crossings topic: each stored crossing announced after its commit. */
export class CrossingAnnouncer {
  constructor(
    private readonly cluster: KafkaCluster,
    private readonly logger: Logger,
  ) {}

  async announce(crossings: readonly { customerId: string; cursor: bigint; id: string }[]): Promise<void> {
    if (crossings.length === 0) return;
    try {
      const producer = await this.cluster.producer();
      await producer.send({
        topic: this.cluster.topics.crossings,
        acks: -1,
        messages: crossings.map((c) => ({ key: c.customerId, value: JSON.stringify({ customerId: c.customerId, cursor: c.cursor.toString(), id: c.id }) })),
      });
    } catch (err) {
      // The crossings are stored: API servers fill the gap from the table at the customer's next crossing,
      // and a subscriber resuming with `after` reads them there.
      this.logger.warn({ err: (err as Error).message, count: crossings.length }, "could not announce crossings on Kafka");
    }
  }
}

/** An API server's side: every instance reads the crossings topic with a group of its own, from now on. */
export class CrossingTopicReader {
  private readonly consumer: Consumer;

  constructor(
    private readonly cluster: KafkaCluster,
    private readonly logger: Logger,
  ) {
    this.consumer = cluster.kafka.consumer({ groupId: `${cluster.settings.topicPrefix}api-${randomUUID()}`, maxWaitTimeInMs: 50 });
  }

  async start(onCrossing: (customerId: string, cursor: bigint) => void): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.cluster.topics.crossings, fromBeginning: false });
    await this.consumer.run({
      autoCommit: false,
      eachMessage: async ({ message }) => {
        try {
          const notice = JSON.parse(message.value?.toString("utf8") ?? "") as { customerId: string; cursor: string };
          onCrossing(notice.customerId, BigInt(notice.cursor));
        } catch (err) {
          this.logger.warn({ err: (err as Error).message }, "skipped a malformed crossing notice");
        }
      },
    });
  }

  async close(): Promise<void> {
    await this.consumer.disconnect().catch(() => undefined);
  }
}
