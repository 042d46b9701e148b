import type { Pool } from "pg";
import type { EngineEvent } from "../engine/event";
import type { AlertControl, AppendResult, ControlReader, EventAppender, EventBatch, EventReader, LogEvent } from "./log";
import type { PgListener } from "./pg-listener";

/** Serializes appends, so that sequence order is commit order and a reader never skips a late commit. */
const APPEND_LOCK = 7242101;
export const EVENTS_CHANNEL = "alerts_events";
export const CONTROLS_CHANNEL = "alerts_controls";
const SINGLE_PARTITION: readonly number[] = Object.freeze([0]);

/**
 * The embedded log: the partitioned `events` table with a bigint sequence (one partition, 0), tailed
 * with LISTEN/NOTIFY plus polling. The same table is the archive that history scans.
 */
export class PostgresEventLog implements EventAppender, EventReader {
  private wakeups = new Set<() => void>();
  private unlisten: (() => void) | undefined;

  constructor(
    private readonly pool: Pool,
    private readonly listener?: PgListener,
  ) {}

  async start(): Promise<void> {
    this.unlisten = await this.listener?.listen(EVENTS_CHANNEL, () => this.wake());
  }

  assignment(): readonly number[] {
    return SINGLE_PARTITION;
  }

  seek(): void {
    // Positions are passed to poll(); nothing to move.
  }

  async append(events: readonly EngineEvent[]): Promise<AppendResult> {
    if (events.length === 0) return { accepted: 0 };
    const columns = {
      customer: [] as string[],
      id: [] as string[],
      application: [] as string[],
      objectType: [] as (string | null)[],
      eventType: [] as string[],
      occurredAt: [] as string[],
      payload: [] as string[],
    };
    for (const e of events) {
      columns.customer.push(e.customerId);
      columns.id.push(e.id);
      columns.application.push(e.application);
      columns.objectType.push(e.objectType);
      columns.eventType.push(e.eventType);
      columns.occurredAt.push(new Date(e.occurredAtMs).toISOString());
      columns.payload.push(JSON.stringify(e.payload));
    }
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      await client.query("SELECT pg_advisory_xact_lock($1)", [APPEND_LOCK]);
      const result = await client.query(
        `WITH input AS (
           SELECT DISTINCT ON (customer_id, event_id) *
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::text[])
             WITH ORDINALITY AS i(customer_id, event_id, application, object_type, event_type, occurred_at, payload, ord)
           ORDER BY customer_id, event_id, ord
         ), fresh AS (
           INSERT INTO event_keys (customer_id, event_id, ingested_at)
           SELECT customer_id, event_id, now() FROM input
           ON CONFLICT DO NOTHING
           RETURNING customer_id, event_id
         )
         INSERT INTO events (seq, customer_id, event_id, application, object_type, event_type, occurred_at, ingested_at, payload)
         SELECT nextval('event_log_seq'), s.customer_id, s.event_id, s.application, s.object_type, s.event_type, s.occurred_at, now(), s.payload::jsonb
         FROM (SELECT input.* FROM input JOIN fresh USING (customer_id, event_id) ORDER BY ord) s`,
        [columns.customer, columns.id, columns.application, columns.objectType, columns.eventType, columns.occurredAt, columns.payload],
      );
      if ((result.rowCount ?? 0) > 0) await client.query(`SELECT pg_notify($1, '')`, [EVENTS_CHANNEL]);
      await client.query("COMMIT");
      return { accepted: result.rowCount ?? 0 };
    } catch (err) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async poll(from: ReadonlyMap<number, bigint>, maxRecords: number): Promise<EventBatch> {
    const next = from.get(0) ?? 1n;
    const { rows } = await this.pool.query<{
      seq: string;
      customer_id: string;
      event_id: string;
      application: string;
      object_type: string | null;
      event_type: string;
      occurred_at: Date;
      payload: Record<string, unknown>;
    }>(
      `SELECT seq, customer_id, event_id, application, object_type, event_type, occurred_at, payload
       FROM events WHERE seq >= $1 ORDER BY seq LIMIT $2`,
      [next.toString(), maxRecords],
    );
    const records: LogEvent[] = rows.map((row) => ({
      partition: 0,
      position: BigInt(row.seq),
      event: {
        id: row.event_id,
        customerId: row.customer_id,
        application: row.application,
        objectType: row.object_type,
        eventType: row.event_type,
        occurredAtMs: row.occurred_at.getTime(),
        payload: row.payload,
      },
    }));
    const last = records.at(-1);
    return { records, positions: last ? [{ partition: 0, next: last.position + 1n }] : [] };
  }

  waitForMore(maxWaitMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeups.delete(done);
        resolve();
      };
      const timer = setTimeout(done, maxWaitMs);
      this.wakeups.add(done);
    });
  }

  async close(): Promise<void> {
    this.unlisten?.();
    this.wake();
  }

  private wake(): void {
    for (const wakeup of [...this.wakeups]) wakeup();
  }
}

/** The control stream of the embedded mode: alert_changes, read in id order (ids are commit-ordered). */
export class PostgresControlReader implements ControlReader {
  readonly durable = true;

  constructor(private readonly pool: Pool) {}

  async poll(after: bigint, maxRecords: number): Promise<readonly AlertControl[]> {
    const { rows } = await this.pool.query<{ id: string; alert_id: string; version: number }>(
      `SELECT id, alert_id, version FROM alert_changes WHERE id > $1 ORDER BY id LIMIT $2`,
      [after.toString(), maxRecords],
    );
    return rows.map((r) => ({ position: BigInt(r.id), alertId: r.alert_id, version: r.version }));
  }
}
