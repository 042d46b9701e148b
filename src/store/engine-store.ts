import type { Pool, PoolClient } from "pg";
import type { AlertDefinition } from "../engine/alert-definition";
import type { AlertVersion } from "../engine/compile-alert";
import type { TriggeredEntity } from "../engine/status";

export const CROSSINGS_CHANNEL = "alerts_crossings";
export const STATUS_CHANNEL = "alerts_status";
/** pg_notify payloads must stay under 8000 bytes. */
const NOTIFY_CHUNK_CHARS = 7_000;

export interface StatusKey {
  readonly alertId: string;
  readonly customerId: string;
  /** JSON array text, or null when the alert has no groupBy. */
  readonly groupKey: string | null;
}

export interface StatusRow extends StatusKey {
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

/** Everything one engine batch changes, committed in one transaction with the positions it read up to. */
export interface EngineCommit {
  readonly positions: readonly { consumer: string; partition: number; next: bigint }[];
  readonly upserts: readonly StatusRow[];
  readonly deletes: readonly StatusKey[];
  readonly deleteAlerts: readonly string[];
  readonly engineAlerts: readonly AlertVersion[];
  readonly forgetAlerts: readonly string[];
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

  async loadEngineAlerts(): Promise<AlertVersion[]> {
    const { rows } = await this.pool.query<{ definition: AlertVersion }>(`SELECT definition FROM engine_alerts`);
    return rows.map((r) => r.definition);
  }

  /** The alert's current row as a versioned definition, or null when it no longer exists. */
  async loadAlert(alertId: string): Promise<AlertVersion | null> {
    const { rows } = await this.pool.query(
      `SELECT id, version, scope, customer_id, name, description, severity, enabled, application, object_type, event_type,
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

  async loadStatuses(): Promise<{ key: StatusKey; alertVersion: number; data: unknown; origin: string }[]> {
    const { rows } = await this.pool.query<{ alert_id: string; customer_id: string; group_key: string; alert_version: number; data: unknown; origin: string }>(
      `SELECT alert_id, customer_id, group_key, alert_version, data, origin FROM alert_statuses`,
    );
    return rows.map((r) => ({
      key: { alertId: r.alert_id, customerId: r.customer_id, groupKey: groupKeyValue(r.group_key) },
      alertVersion: r.alert_version,
      data: r.data,
      origin: r.origin,
    }));
  }

  /** Commits one batch atomically; returns the crossings stored, with their per-customer cursors. */
  async commit(batch: EngineCommit): Promise<(CrossingRow & { cursor: bigint })[]> {
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      const stored = await this.write(client, batch);
      await client.query("COMMIT");
      return stored;
    } catch (err) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  private async write(client: PoolClient, batch: EngineCommit): Promise<(CrossingRow & { cursor: bigint })[]> {
    for (const alertId of batch.deleteAlerts) await client.query(`DELETE FROM alert_statuses WHERE alert_id = $1`, [alertId]);
    if (batch.forgetAlerts.length > 0) await client.query(`DELETE FROM engine_alerts WHERE alert_id = ANY($1::uuid[])`, [batch.forgetAlerts]);
    for (const alert of batch.engineAlerts) {
      await client.query(
        `INSERT INTO engine_alerts (alert_id, version, definition, updated_at) VALUES ($1, $2, $3, now())
         ON CONFLICT (alert_id) DO UPDATE SET version = EXCLUDED.version, definition = EXCLUDED.definition, updated_at = now()`,
        [alert.id, alert.version, JSON.stringify(alert)],
      );
    }
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
    for (const p of batch.positions) {
      await client.query(
        `INSERT INTO engine_positions (consumer, partition, position, updated_at) VALUES ($1, $2, $3, now())
         ON CONFLICT (consumer, partition) DO UPDATE SET position = EXCLUDED.position, updated_at = now()`,
        [p.consumer, p.partition, p.next.toString()],
      );
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

  private async upsertStatuses(client: PoolClient, rows: readonly StatusRow[]): Promise<void> {
    // Sorted, so that concurrent engines lock rows in one order and cannot deadlock.
    const sorted = [...rows].sort((a, b) => compareKeys(a, b));
    await client.query(
      `INSERT INTO alert_statuses (alert_id, customer_id, group_key, alert_version, state, value, count, window_start, window_end,
                                   last_event_at, last_crossing_at, entities, data, origin, updated_at)
       SELECT *, now() FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::text[], $6::float8[], $7::bigint[],
                                    $8::timestamptz[], $9::timestamptz[], $10::timestamptz[], $11::timestamptz[], $12::jsonb[], $13::jsonb[], $14::text[])
       ON CONFLICT (alert_id, customer_id, group_key) DO UPDATE SET
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
        sorted.map((r) => JSON.stringify(r.entities)),
        sorted.map((r) => JSON.stringify(r.data)),
        sorted.map((r) => r.origin),
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
    const inserted = await client.query<{ id: string }>(
      `INSERT INTO threshold_crossings (id, customer_id, cursor, alert_id, alert_version, group_key, direction, value, count,
                                        threshold_operator, threshold_value, severity, window_start, window_end, occurred_at,
                                        detected_at, historical, entities)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::uuid[], $5::int[], $6::text[], $7::text[], $8::float8[],
                            $9::bigint[], $10::text[], $11::float8[], $12::text[], $13::timestamptz[], $14::timestamptz[],
                            $15::timestamptz[], $16::timestamptz[], $17::bool[], $18::jsonb[])
       ON CONFLICT (id) DO NOTHING RETURNING id`,
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
