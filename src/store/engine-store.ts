import type { Pool, PoolClient } from "pg";
import type { AlertDefinition } from "../engine/alert-definition";
import type { AlertVersion } from "../engine/compile-alert";
import { eventPayloadJson, type EngineEvent } from "../engine/event";
import type { TriggeredEntity } from "../engine/status";

export const CROSSINGS_CHANNEL = "alerts_crossings";
export const STATUS_CHANNEL = "alerts_status";
/** pg_notify payloads must stay under 8000 bytes. */
const NOTIFY_CHUNK_CHARS = 7_000;

/** An alert's row as the engine applies it: the definition, plus how its history is to be counted. */
export interface AlertRevision extends AlertVersion {
  /** Count the stored history when the alert is created. */
  readonly backfill: boolean;
  /** Grows with each replayAlert; the engine recounts when it sees a newer one. */
  readonly replayGeneration: number;
  readonly replaySinceMs: number | null;
}

export interface StatusKey {
  readonly alertId: string;
  readonly customerId: string;
  /** JSON array text, or null when the alert has no groupBy. */
  readonly groupKey: string | null;
}

export interface StatusRow extends StatusKey {
  /** The log partition the status's customer's events arrive on. */
  readonly partition: number;
  readonly alertVersion: number;
  readonly firing: boolean;
  readonly value: number;
  readonly count: number;
  readonly windowStartMs: number | null;
  readonly windowEndMs: number | null;
  readonly lastEventAtMs: number | null;
  readonly lastCrossingAtMs: number | null;
  readonly entities: readonly TriggeredEntity[];
  /** The engine's own serialized state. */
  readonly data: unknown;
  /** Log position of the event that created the status; part of its crossings' ids. */
  readonly origin: string;
}

export interface CrossingRow extends StatusKey {
  readonly id: string;
  readonly alertVersion: number;
  readonly direction: "RAISED" | "CLEARED";
  readonly value: number;
  readonly count: number;
  readonly threshold: AlertDefinition["threshold"];
  readonly severity: string;
  readonly windowStartMs: number | null;
  readonly windowEndMs: number | null;
  readonly occurredAtMs: number;
  readonly detectedAtMs: number;
  readonly historical: boolean;
  readonly entities: readonly TriggeredEntity[];
}

export interface DeadLetter {
  readonly source: string;
  readonly position: string;
  readonly reason: string;
  readonly raw: Uint8Array;
}

export interface PositionUpdate {
  readonly consumer: string;
  readonly partition: number;
  readonly next: bigint;
  /**
   * The position this engine loaded or last committed (null: none stored). The commit fails with
   * PositionConflictError when the stored one differs: another engine took the partition over.
   */
  readonly expected: bigint | null;
}

/** Another engine committed this partition since we loaded it: our in-memory state is stale. */
export class PositionConflictError extends Error {
  override readonly name = "PositionConflictError";
}

/** Everything one engine batch changes, committed in one transaction with the positions it read up to. */
export interface EngineCommit {
  readonly positions: readonly PositionUpdate[];
  readonly upserts: readonly StatusRow[];
  readonly deletes: readonly StatusKey[];
  /** Statuses of these alerts on these partitions are removed (alert deleted or rebuilt). */
  readonly deleteAlerts: readonly { partition: number; alertId: string }[];
  /** The definitions now applied on each partition. */
  readonly engineAlerts: readonly { partition: number; alert: AlertRevision }[];
  readonly forgetAlerts: readonly { partition: number; alertId: string }[];
  /**
   * Events to archive (Kafka mode: the engine is the archive's writer); already deduplicated, and their
   * keys claimed in the same transaction (EngineBatch.claimEventKeys).
   */
  readonly archive: readonly EngineEvent[];
  readonly crossings: readonly CrossingRow[];
  readonly deadLetters: readonly DeadLetter[];
  /** Statuses whose change subscribers should hear of (already throttled by the caller). */
  readonly notifyStatuses: readonly StatusKey[];
}

const groupKeyColumn = (groupKey: string | null) => groupKey ?? "";
const groupKeyValue = (column: string) => (column === "" ? null : column);
const time = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const ms = (date: Date | null) => (date === null ? null : date.getTime());

/** The engine's persistent state: positions, the definitions it applied, statuses and crossings. */
export class EngineStore {
  constructor(private readonly pool: Pool) {}

  async loadPositions(consumer: string): Promise<Map<number, bigint>> {
    const { rows } = await this.pool.query<{ partition: number; position: string }>(
      `SELECT partition, position FROM engine_positions WHERE consumer = $1`,
      [consumer],
    );
    return new Map(rows.map((r) => [r.partition, BigInt(r.position)]));
  }

  /** The definitions applied to a partition's statuses, as of its last commit. */
  async loadEngineAlerts(partition: number): Promise<AlertRevision[]> {
    const { rows } = await this.pool.query<{ definition: AlertVersion & Partial<AlertRevision> }>(`SELECT definition FROM engine_alerts WHERE log_partition = $1`, [partition]);
    return rows.map((r) => ({ backfill: true, replayGeneration: 0, replaySinceMs: null, ...r.definition }));
  }

  /** Every alert as it stands now (PostgreSQL is the source of truth for definitions). */
  async loadAllAlerts(): Promise<AlertRevision[]> {
    const { rows } = await this.pool.query<{ id: string }>(`SELECT id FROM alerts`);
    const alerts: AlertRevision[] = [];
    for (const { id } of rows) {
      const alert = await this.loadAlert(id);
      if (alert) alerts.push(alert);
    }
    return alerts;
  }

  /**
   * Records (customer, id) pairs the broker acknowledged; returns how many were not recorded before
   * (Kafka mode's `accepted`).
   */
  async recordPublished(events: readonly { customerId: string; id: string }[]): Promise<number> {
    if (events.length === 0) return 0;
    const { rowCount } = await this.pool.query(
      `INSERT INTO published_event_keys (customer_id, event_id) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING`,
      [events.map((e) => e.customerId), events.map((e) => e.id)],
    );
    return rowCount ?? 0;
  }

  /**
   * One batch's transaction, opened on first use: its event keys are claimed before evaluation and
   * everything it changed commits after, so the dedupe and the archive are one atomic step.
   */
  batch(): EngineBatch {
    return new EngineBatch(this.pool);
  }

  /** The alert's current row as a versioned definition, or null when it no longer exists. */
  async loadAlert(alertId: string): Promise<AlertRevision | null> {
    const { rows } = await this.pool.query(
      `SELECT id, version, backfill, replay_generation, replay_since, scope, customer_id, name, description, severity, enabled, application, object_type, event_type,
              conditions, json_path, aggregation_function, aggregation_path, group_by, entity_path, window_type,
              window_seconds, threshold_operator, threshold_value
       FROM alerts WHERE id = $1`,
      [alertId],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      id: r.id,
      version: r.version,
      backfill: r.backfill,
      replayGeneration: r.replay_generation,
      replaySinceMs: r.replay_since ? r.replay_since.getTime() : null,
      scope: r.scope,
      customerId: r.customer_id,
      name: r.name,
      description: r.description,
      severity: r.severity,
      enabled: r.enabled,
      application: r.application,
      objectType: r.object_type,
      eventType: r.event_type,
      conditions: r.conditions,
      jsonPath: r.json_path,
      aggregation: { function: r.aggregation_function, path: r.aggregation_path },
      groupBy: r.group_by,
      entityPath: r.entity_path,
      window: { type: r.window_type, seconds: r.window_seconds },
      threshold: { operator: r.threshold_operator, value: r.threshold_value },
    };
  }

  async loadStatuses(partitions: readonly number[]): Promise<{ key: StatusKey; partition: number; alertVersion: number; data: unknown; origin: string }[]> {
    const { rows } = await this.pool.query<{ alert_id: string; customer_id: string; group_key: string; log_partition: number; alert_version: number; data: unknown; origin: string }>(
      `SELECT alert_id, customer_id, group_key, log_partition, alert_version, data, origin FROM alert_statuses WHERE log_partition = ANY($1::int[])`,
      [partitions],
    );
    return rows.map((r) => ({
      key: { alertId: r.alert_id, customerId: r.customer_id, groupKey: groupKeyValue(r.group_key) },
      partition: r.log_partition,
      alertVersion: r.alert_version,
      data: r.data,
      origin: r.origin,
    }));
  }
}

/** An event key to claim, by the index of its record in the batch. */
export interface EventKey {
  readonly index: number;
  readonly customerId: string;
  readonly id: string;
}

/**
 * A batch's transaction on one connection. Claiming inserts the keys into event_keys (row locks held until
 * the commit): an engine that took the partition over waits on them, then finds them claimed or, when we
 * roll back (fenced), free.
 */
export class EngineBatch {
  private client: PoolClient | undefined;
  private claimed = false;
  /**
   * A checked-out client has no pool listener: a connection that dies between queries (PostgreSQL
   * restarting while the batch evaluates) would emit an unhandled 'error' and end the process.
   */
  private broken: Error | undefined;
  private readonly onError = (err: Error) => {
    this.broken = err;
  };

  constructor(private readonly pool: Pool) {}

  /** The indexes of the keys not seen before (the first occurrence of a key repeated in the batch). */
  async claimEventKeys(keys: readonly EventKey[]): Promise<Set<number>> {
    this.claimed = true;
    if (keys.length === 0) return new Set();
    const client = await this.open();
    // Sorted, so that two engines claiming overlapping keys (a handover) lock them in one order.
    const { rows } = await client.query<{ customer_id: string; event_id: string }>(
      `INSERT INTO event_keys (customer_id, event_id, ingested_at)
       SELECT k.customer_id, k.event_id, now() FROM unnest($1::text[], $2::text[]) AS k(customer_id, event_id) ORDER BY 1, 2
       ON CONFLICT DO NOTHING RETURNING customer_id, event_id`,
      [keys.map((k) => k.customerId), keys.map((k) => k.id)],
    );
    const fresh = new Set(rows.map((r) => `${r.customer_id}\u0000${r.event_id}`));
    const taken = new Set<number>();
    for (const key of keys) {
      const text = `${key.customerId}\u0000${key.id}`;
      if (!fresh.delete(text)) continue; // known, or a repeat within the batch
      taken.add(key.index);
    }
    return taken;
  }

  /** Writes the batch and commits; on failure rolls back. Returns the crossings stored, with their cursors. */
  async commit(batch: EngineCommit): Promise<(CrossingRow & { cursor: bigint })[]> {
    try {
      const client = await this.open();
      if (batch.archive.length > 0 && !this.claimed) {
        const keys = batch.archive.map((e, index) => ({ index, customerId: e.customerId, id: e.id }));
        const fresh = await this.claimEventKeys(keys);
        batch = { ...batch, archive: batch.archive.filter((_, i) => fresh.has(i)) };
      }
      const stored = await this.write(client, batch);
      await client.query("COMMIT");
      return stored;
    } catch (err) {
      await this.rollback();
      throw err;
    } finally {
      this.release();
    }
  }

  /** Abandons the batch (nothing is written); safe to call when it never opened. */
  async rollback(): Promise<void> {
    const client = this.client;
    if (!client) return;
    await client.query("ROLLBACK").catch(() => undefined);
    this.release();
  }

  private async open(): Promise<PoolClient> {
    if (this.client) return this.client;
    const client = await this.pool.connect();
    client.on("error", this.onError);
    this.client = client;
    try {
      await client.query("BEGIN");
    } catch (err) {
      this.broken ??= err as Error;
      this.release();
      throw err;
    }
    return client;
  }

  /** Back to the pool; a broken connection is discarded instead. */
  private release(): void {
    const client = this.client;
    if (!client) return;
    this.client = undefined;
    client.off("error", this.onError);
    client.release(this.broken);
  }

  private async write(client: PoolClient, batch: EngineCommit): Promise<(CrossingRow & { cursor: bigint })[]> {
    await this.movePositions(client, batch.positions);
    for (const d of batch.deleteAlerts) {
      await client.query(`DELETE FROM alert_statuses WHERE alert_id = $1 AND log_partition = $2`, [d.alertId, d.partition]);
    }
    for (const f of batch.forgetAlerts) {
      await client.query(`DELETE FROM engine_alerts WHERE alert_id = $1 AND log_partition = $2`, [f.alertId, f.partition]);
    }
    for (const { partition, alert } of batch.engineAlerts) {
      await client.query(
        `INSERT INTO engine_alerts (log_partition, alert_id, version, generation, definition, updated_at) VALUES ($1, $2, $3, $4, $5, now())
         ON CONFLICT (log_partition, alert_id) DO UPDATE SET version = EXCLUDED.version, generation = EXCLUDED.generation,
           definition = EXCLUDED.definition, updated_at = now()`,
        [partition, alert.id, alert.version, alert.replayGeneration, JSON.stringify(alert)],
      );
    }
    if (batch.archive.length > 0) await this.archiveEvents(client, batch.archive);
    if (batch.deletes.length > 0) {
      await client.query(
        `DELETE FROM alert_statuses s USING unnest($1::uuid[], $2::text[], $3::text[]) AS d(alert_id, customer_id, group_key)
         WHERE s.alert_id = d.alert_id AND s.customer_id = d.customer_id AND s.group_key = d.group_key`,
        [batch.deletes.map((d) => d.alertId), batch.deletes.map((d) => d.customerId), batch.deletes.map((d) => groupKeyColumn(d.groupKey))],
      );
    }
    if (batch.upserts.length > 0) await this.upsertStatuses(client, batch.upserts);
    const stored = await this.insertCrossings(client, batch.crossings);
    for (const letter of batch.deadLetters) {
      await client.query(`INSERT INTO dead_letters (source, position, reason, raw) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, [
        letter.source,
        letter.position,
        letter.reason,
        Buffer.from(letter.raw),
      ]);
    }
    // Delivered at commit, in commit order: subscribers hear of crossings only once they are stored.
    const byCustomer = new Map<string, [bigint, bigint]>();
    for (const c of stored) {
      const range = byCustomer.get(c.customerId);
      byCustomer.set(c.customerId, range ? [range[0], c.cursor] : [c.cursor, c.cursor]);
    }
    await notifyChunks(client, CROSSINGS_CHANNEL, [...byCustomer].map(([customer, [from, to]]) => [customer, from.toString(), to.toString()]));
    await notifyChunks(client, STATUS_CHANNEL, batch.notifyStatuses.map((k) => [k.alertId, k.customerId, k.groupKey]));
    return stored;
  }

  /**
   * A conflict means another engine owns the partition now, and nothing is written. The stored ones move
   * in one statement (a round trip per partition was most of a small batch's commit).
   */
  private async movePositions(client: PoolClient, positions: readonly PositionUpdate[]): Promise<void> {
    const conflict = (p: { consumer: string; partition: number }) =>
      new PositionConflictError(`${p.consumer} partition ${p.partition} was committed by another engine`);
    for (const p of positions) {
      if (p.expected !== null) continue;
      const result = await client.query(
        `INSERT INTO engine_positions (consumer, partition, position, updated_at) VALUES ($1, $2, $3, now()) ON CONFLICT DO NOTHING`,
        [p.consumer, p.partition, p.next.toString()],
      );
      if (result.rowCount !== 1) throw conflict(p);
    }
    const updates = positions.filter((p) => p.expected !== null);
    if (updates.length === 0) return;
    const { rows } = await client.query<{ consumer: string; partition: number }>(
      `UPDATE engine_positions p SET position = u.next, updated_at = now()
       FROM unnest($1::text[], $2::int[], $3::bigint[], $4::bigint[]) AS u(consumer, partition, next, expected)
       WHERE p.consumer = u.consumer AND p.partition = u.partition AND p.position = u.expected
       RETURNING p.consumer, p.partition`,
      [updates.map((p) => p.consumer), updates.map((p) => p.partition), updates.map((p) => p.next.toString()), updates.map((p) => p.expected!.toString())],
    );
    if (rows.length === updates.length) return;
    const moved = new Set(rows.map((r) => `${r.consumer}:${r.partition}`));
    throw conflict(updates.find((p) => !moved.has(`${p.consumer}:${p.partition}`)) ?? updates[0]);
  }

  private async upsertStatuses(client: PoolClient, rows: readonly StatusRow[]): Promise<void> {
    // Sorted, so that concurrent engines lock rows in one order and cannot deadlock.
    const sorted = [...rows].sort((a, b) => compareKeys(a, b));
    // entities and data travel as one JSON array each: a jsonb[] parameter escapes every quote in them.
    await client.query(
      `INSERT INTO alert_statuses (alert_id, customer_id, group_key, alert_version, state, value, count, window_start, window_end,
                                   last_event_at, last_crossing_at, entities, data, origin, log_partition, updated_at)
       SELECT u.alert_id, u.customer_id, u.group_key, u.alert_version, u.state, u.value, u.count, u.window_start, u.window_end,
              u.last_event_at, u.last_crossing_at, $12::jsonb -> (u.ord::int - 1), $13::jsonb -> (u.ord::int - 1), u.origin, u.log_partition, now()
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::text[], $6::float8[], $7::bigint[],
                   $8::timestamptz[], $9::timestamptz[], $10::timestamptz[], $11::timestamptz[], $14::text[], $15::int[])
         WITH ORDINALITY AS u(alert_id, customer_id, group_key, alert_version, state, value, count, window_start, window_end,
                              last_event_at, last_crossing_at, origin, log_partition, ord)
       ORDER BY u.ord
       ON CONFLICT (alert_id, customer_id, group_key) DO UPDATE SET log_partition = EXCLUDED.log_partition,
         alert_version = EXCLUDED.alert_version, state = EXCLUDED.state, value = EXCLUDED.value, count = EXCLUDED.count,
         window_start = EXCLUDED.window_start, window_end = EXCLUDED.window_end, last_event_at = EXCLUDED.last_event_at,
         last_crossing_at = EXCLUDED.last_crossing_at, entities = EXCLUDED.entities, data = EXCLUDED.data,
         origin = EXCLUDED.origin, updated_at = now()`,
      [
        sorted.map((r) => r.alertId),
        sorted.map((r) => r.customerId),
        sorted.map((r) => groupKeyColumn(r.groupKey)),
        sorted.map((r) => r.alertVersion),
        sorted.map((r) => (r.firing ? "FIRING" : "OK")),
        sorted.map((r) => r.value),
        sorted.map((r) => r.count),
        sorted.map((r) => time(r.windowStartMs)),
        sorted.map((r) => time(r.windowEndMs)),
        sorted.map((r) => time(r.lastEventAtMs)),
        sorted.map((r) => time(r.lastCrossingAtMs)),
        JSON.stringify(sorted.map((r) => r.entities)),
        JSON.stringify(sorted.map((r) => r.data)),
        sorted.map((r) => r.origin),
        sorted.map((r) => r.partition),
      ],
    );
  }

  /** The events' keys were claimed in this transaction: each is new, and goes in as it is, in order. */
  private async archiveEvents(client: PoolClient, events: readonly EngineEvent[]): Promise<void> {
    // The payloads travel as one JSON array of the records' own text (no re-encoding, no array escaping).
    await client.query(
      `INSERT INTO events (seq, customer_id, event_id, application, object_type, event_type, occurred_at, ingested_at, payload)
       SELECT nextval('event_log_seq'), i.customer_id, i.event_id, i.application, i.object_type, i.event_type, i.occurred_at, now(),
              $7::jsonb -> (i.ord::int - 1)
       FROM (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[])
               WITH ORDINALITY AS u(customer_id, event_id, application, object_type, event_type, occurred_at, ord)
             ORDER BY u.ord) i`,
      [
        events.map((e) => e.customerId),
        events.map((e) => e.id),
        events.map((e) => e.application),
        events.map((e) => e.objectType),
        events.map((e) => e.eventType),
        events.map((e) => new Date(e.occurredAtMs).toISOString()),
        `[${events.map(eventPayloadJson).join(",")}]`,
      ],
    );
  }

  private async insertCrossings(client: PoolClient, crossings: readonly CrossingRow[]): Promise<(CrossingRow & { cursor: bigint })[]> {
    if (crossings.length === 0) return [];
    const perCustomer = new Map<string, CrossingRow[]>();
    for (const c of crossings) {
      const list = perCustomer.get(c.customerId) ?? [];
      list.push(c);
      perCustomer.set(c.customerId, list);
    }
    const stored: (CrossingRow & { cursor: bigint })[] = [];
    for (const customerId of [...perCustomer.keys()].sort()) {
      const list = perCustomer.get(customerId)!;
      // The row lock on the customer's counter orders its cursors by commit.
      const { rows } = await client.query<{ last: string }>(
        `INSERT INTO crossing_cursors (customer_id, last) VALUES ($1, $2)
         ON CONFLICT (customer_id) DO UPDATE SET last = crossing_cursors.last + EXCLUDED.last RETURNING last`,
        [customerId, list.length],
      );
      let cursor = BigInt(rows[0].last) - BigInt(list.length);
      for (const c of list) stored.push({ ...c, cursor: ++cursor });
    }
    // The notification outbox is written by the same statement (issue 14): a crossing stored is a delivery
    // owed to each channel its alert notifies, and a crossing not stored (a retried batch) owes none.
    const inserted = await client.query<{ id: string }>(
      `WITH stored AS (
         INSERT INTO threshold_crossings (id, customer_id, cursor, alert_id, alert_version, group_key, direction, value, count,
                                          threshold_operator, threshold_value, severity, window_start, window_end, occurred_at,
                                          detected_at, historical, entities)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::uuid[], $5::int[], $6::text[], $7::text[], $8::float8[],
                              $9::bigint[], $10::text[], $11::float8[], $12::text[], $13::timestamptz[], $14::timestamptz[],
                              $15::timestamptz[], $16::timestamptz[], $17::bool[], $18::jsonb[])
         ON CONFLICT (id) DO NOTHING RETURNING id, customer_id, cursor, alert_id, group_key, direction, historical
       ), owed AS (${OWED_DELIVERIES_SQL})
       SELECT id FROM stored`,
      [
        stored.map((c) => c.id),
        stored.map((c) => c.customerId),
        stored.map((c) => c.cursor.toString()),
        stored.map((c) => c.alertId),
        stored.map((c) => c.alertVersion),
        stored.map((c) => c.groupKey),
        stored.map((c) => c.direction),
        stored.map((c) => c.value),
        stored.map((c) => c.count),
        stored.map((c) => c.threshold.operator),
        stored.map((c) => c.threshold.value),
        stored.map((c) => c.severity),
        stored.map((c) => time(c.windowStartMs)),
        stored.map((c) => time(c.windowEndMs)),
        stored.map((c) => time(c.occurredAtMs)),
        stored.map((c) => time(c.detectedAtMs)),
        stored.map((c) => c.historical),
        stored.map((c) => JSON.stringify(c.entities)),
      ],
    );
    const fresh = new Set(inserted.rows.map((r) => r.id));
    return stored.filter((c) => fresh.has(c.id));
  }
}

/**
 * The deliveries owed for the rows of `stored` (fresh, live crossings): one per crossing and channel, or,
 * for an alert with groupWaitSeconds, one per alert, customer and channel that later crossings join until
 * a dispatcher claims it. A customer's channel only ever hears of its own customer's crossings, also when
 * it is on a global alert.
 */
const OWED_DELIVERIES_SQL = `
  INSERT INTO notification_deliveries AS d (id, message_id, channel_id, customer_id, alert_id, alert_name, group_key, crossing_ids,
                                            reason, state, open_for_grouping, next_attempt_at)
  SELECT o.id, o.id, o.channel_id, o.customer_id, o.alert_id, o.alert_name, o.group_key, o.crossing_ids, 'CROSSING', 'PENDING',
         o.grouped, now() + make_interval(secs => o.group_wait_seconds)
  FROM (
    SELECT gen_random_uuid() AS id, ch.id AS channel_id, s.customer_id, s.alert_id, min(a.name) AS alert_name,
           CASE WHEN count(*) = 1 THEN min(s.group_key) END AS group_key, array_agg(s.id ORDER BY s.cursor) AS crossing_ids,
           a.group_wait_seconds > 0 AS grouped, min(a.group_wait_seconds) AS group_wait_seconds
    FROM stored s
    JOIN alerts a ON a.id = s.alert_id
    JOIN notification_channels ch ON ch.id = ANY (a.notify) AND ch.enabled AND (ch.customer_id IS NULL OR ch.customer_id = s.customer_id)
    WHERE NOT s.historical AND (s.direction = 'RAISED' OR a.notify_on_clear)
    GROUP BY ch.id, s.customer_id, s.alert_id, a.group_wait_seconds > 0, CASE WHEN a.group_wait_seconds > 0 THEN NULL ELSE s.id END
  ) o
  ON CONFLICT (channel_id, alert_id, customer_id) WHERE open_for_grouping
  DO UPDATE SET crossing_ids = d.crossing_ids || EXCLUDED.crossing_ids, group_key = NULL`;

export const compareKeys = (a: StatusKey, b: StatusKey): number =>
  a.alertId < b.alertId ? -1 : a.alertId > b.alertId ? 1 :
  a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 :
  groupKeyColumn(a.groupKey) < groupKeyColumn(b.groupKey) ? -1 : groupKeyColumn(a.groupKey) > groupKeyColumn(b.groupKey) ? 1 : 0;

async function notifyChunks(client: PoolClient, channel: string, items: readonly unknown[]): Promise<void> {
  let chunk: unknown[] = [];
  let size = 2;
  for (const item of items) {
    const length = JSON.stringify(item).length + 1;
    if (chunk.length > 0 && size + length > NOTIFY_CHUNK_CHARS) {
      await client.query(`SELECT pg_notify($1, $2)`, [channel, JSON.stringify(chunk)]);
      chunk = [];
      size = 2;
    }
    chunk.push(item);
    size += length;
  }
  if (chunk.length > 0) await client.query(`SELECT pg_notify($1, $2)`, [channel, JSON.stringify(chunk)]);
}

export { ms as dateToMs };
