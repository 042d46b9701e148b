import type { Pool } from "pg";
import { reportedAggregate } from "../engine/aggregate";
import type { ChannelConfig, ChannelKind } from "../notify/channel-sender";
import type { NotifiedCrossing } from "../notify/messages";

export type { ChannelConfig, ChannelKind };
export type DeliveryState = "PENDING" | "DELIVERED" | "FAILED";
export type DeliveryReason = "CROSSING" | "REPEAT" | "REDELIVERY";

export interface ChannelRecord {
  readonly id: string;
  readonly seq: bigint;
  readonly customerId: string | null;
  readonly name: string;
  readonly kind: ChannelKind;
  readonly config: ChannelConfig;
  readonly secret: string | null;
  readonly previousSecret: string | null;
  readonly previousSecretUntil: Date | null;
  readonly enabled: boolean;
  readonly disabledReason: string | null;
  readonly failingSince: Date | null;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface DeliveryRecord {
  readonly id: string;
  readonly seq: bigint;
  readonly messageId: string;
  readonly channelId: string;
  readonly customerId: string;
  readonly alertId: string;
  readonly alertName: string;
  readonly groupKey: string | null;
  readonly crossingIds: string[];
  readonly reason: DeliveryReason;
  readonly state: DeliveryState;
  readonly attempts: number;
  readonly nextAttemptAt: Date;
  readonly lastAttemptAt: Date | null;
  readonly lastStatus: number | null;
  readonly lastLatencyMs: number | null;
  readonly lastError: string | null;
  readonly createdAt: Date;
  readonly deliveredAt: Date | null;
}

export interface DeliveryQuery {
  /** Only deliveries to this customer's channels (a customer key's view). */
  readonly channelCustomerId?: string;
  readonly channelId?: string;
  readonly alertId?: string;
  readonly state?: DeliveryState;
  readonly beforeSeq?: bigint;
  readonly limit: number;
}

export interface AttemptResult {
  readonly status: number | null;
  readonly latencyMs: number;
  readonly error: string | null;
}

const CHANNEL_COLUMNS = `id, seq, customer_id, name, kind, config, secret, previous_secret, previous_secret_until, enabled, disabled_reason,
  failing_since, version, created_at, updated_at`;
const DELIVERY_COLUMNS = `d.id, d.seq, d.message_id, d.channel_id, d.customer_id, d.alert_id, d.alert_name, d.group_key, d.crossing_ids, d.reason,
  d.state, d.attempts, d.next_attempt_at, d.last_attempt_at, d.last_status, d.last_latency_ms, d.last_error, d.created_at, d.delivered_at`;

/* eslint-disable @typescript-eslint/no-explicit-any */
const toChannel = (r: any): ChannelRecord => ({
  id: r.id,
  seq: BigInt(r.seq),
  customerId: r.customer_id,
  name: r.name,
  kind: r.kind,
  config: r.config,
  secret: r.secret,
  previousSecret: r.previous_secret,
  previousSecretUntil: r.previous_secret_until,
  enabled: r.enabled,
  disabledReason: r.disabled_reason,
  failingSince: r.failing_since,
  version: r.version,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toDelivery = (r: any): DeliveryRecord => ({
  id: r.id,
  seq: BigInt(r.seq),
  messageId: r.message_id,
  channelId: r.channel_id,
  customerId: r.customer_id,
  alertId: r.alert_id,
  alertName: r.alert_name,
  groupKey: r.group_key,
  crossingIds: r.crossing_ids,
  reason: r.reason,
  state: r.state,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lastAttemptAt: r.last_attempt_at,
  lastStatus: r.last_status,
  lastLatencyMs: r.last_latency_ms,
  lastError: r.last_error,
  createdAt: r.created_at,
  deliveredAt: r.delivered_at,
});
/* eslint-enable @typescript-eslint/no-explicit-any */

/** Channels and the delivery outbox (the rows for new crossings are written by EngineBatch). */
export class NotificationStore {
  constructor(private readonly pool: Pool) {}

  async insertChannel(c: { id: string; customerId: string | null; name: string; kind: ChannelKind; config: ChannelConfig; secret: string | null }): Promise<ChannelRecord> {
    const { rows } = await this.pool.query(
      `INSERT INTO notification_channels (id, customer_id, name, kind, config, secret) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${CHANNEL_COLUMNS}`,
      [c.id, c.customerId, c.name, c.kind, JSON.stringify(c.config), c.secret],
    );
    return toChannel(rows[0]);
  }

  async getChannel(id: string): Promise<ChannelRecord | null> {
    const { rows } = await this.pool.query(`SELECT ${CHANNEL_COLUMNS} FROM notification_channels WHERE id = $1`, [id]);
    return rows[0] ? toChannel(rows[0]) : null;
  }

  async getChannels(ids: readonly string[]): Promise<ChannelRecord[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.pool.query(`SELECT ${CHANNEL_COLUMNS} FROM notification_channels WHERE id = ANY($1::uuid[])`, [ids]);
    return rows.map(toChannel);
  }

  /** A channel page in creation order; customerId limits it to one customer's (undefined: all). */
  async listChannels(q: { customerId?: string; kind?: ChannelKind; afterSeq?: bigint; limit: number }): Promise<{ rows: ChannelRecord[]; totalCount: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.customerId !== undefined) where.push(`customer_id = $${params.push(q.customerId)}`);
    if (q.kind !== undefined) where.push(`kind = $${params.push(q.kind)}`);
    const filter = where.length ? `WHERE ${where.join(" AND ")}` : "";
    const { rows: counted } = await this.pool.query<{ n: string }>(`SELECT count(*) AS n FROM notification_channels ${filter}`, params);
    if (q.afterSeq !== undefined) where.push(`seq > $${params.push(q.afterSeq.toString())}`);
    const { rows } = await this.pool.query(
      `SELECT ${CHANNEL_COLUMNS} FROM notification_channels ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY seq LIMIT $${params.push(q.limit + 1)}`,
      params,
    );
    return { rows: rows.map(toChannel), totalCount: Number(counted[0].n) };
  }

  /** Writes the changed fields when the channel is still at `version`; null when it is not (or is gone). */
  async updateChannel(
    id: string,
    version: number,
    changes: Partial<Pick<ChannelRecord, "name" | "config" | "secret" | "previousSecret" | "previousSecretUntil" | "enabled" | "disabledReason" | "failingSince">>,
  ): Promise<ChannelRecord | null> {
    const columns: Record<string, string> = {
      name: "name", config: "config", secret: "secret", previousSecret: "previous_secret", previousSecretUntil: "previous_secret_until",
      enabled: "enabled", disabledReason: "disabled_reason", failingSince: "failing_since",
    };
    const sets: string[] = [];
    const params: unknown[] = [id, version];
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined) continue;
      sets.push(`${columns[key]} = $${params.push(key === "config" ? JSON.stringify(value) : value)}`);
    }
    const { rows } = await this.pool.query(
      `UPDATE notification_channels SET ${[...sets, "version = version + 1", "updated_at = now()"].join(", ")} WHERE id = $1 AND version = $2 RETURNING ${CHANNEL_COLUMNS}`,
      params,
    );
    return rows[0] ? toChannel(rows[0]) : null;
  }

  /** Removes the channel, its deliveries, and its id from every alert's notify list, in one transaction. */
  async deleteChannel(id: string): Promise<boolean> {
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      const { rowCount } = await client.query(`DELETE FROM notification_channels WHERE id = $1`, [id]);
      await client.query(`UPDATE alerts SET notify = array_remove(notify, $1::uuid) WHERE $1::uuid = ANY (notify)`, [id]);
      await client.query("COMMIT");
      return rowCount === 1;
    } catch (err) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async getDelivery(id: string): Promise<DeliveryRecord | null> {
    const { rows } = await this.pool.query(`SELECT ${DELIVERY_COLUMNS} FROM notification_deliveries d WHERE d.id = $1`, [id]);
    return rows[0] ? toDelivery(rows[0]) : null;
  }

  /** The delivery log, newest first. */
  async listDeliveries(q: DeliveryQuery): Promise<{ rows: DeliveryRecord[]; totalCount: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.channelCustomerId !== undefined) where.push(`ch.customer_id = $${params.push(q.channelCustomerId)}`);
    if (q.channelId !== undefined) where.push(`d.channel_id = $${params.push(q.channelId)}`);
    if (q.alertId !== undefined) where.push(`d.alert_id = $${params.push(q.alertId)}`);
    if (q.state !== undefined) where.push(`d.state = $${params.push(q.state)}`);
    const from = `FROM notification_deliveries d JOIN notification_channels ch ON ch.id = d.channel_id`;
    const { rows: counted } = await this.pool.query<{ n: string }>(`SELECT count(*) AS n ${from} ${where.length ? `WHERE ${where.join(" AND ")}` : ""}`, params);
    if (q.beforeSeq !== undefined) where.push(`d.seq < $${params.push(q.beforeSeq.toString())}`);
    const { rows } = await this.pool.query(
      `SELECT ${DELIVERY_COLUMNS} ${from} ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY d.seq DESC LIMIT $${params.push(q.limit + 1)}`,
      params,
    );
    return { rows: rows.map(toDelivery), totalCount: Number(counted[0].n) };
  }

  /** redeliver: the same message again (same webhook-id, so receivers that have it can drop it), due now. */
  async redeliver(original: DeliveryRecord, id: string): Promise<DeliveryRecord> {
    const { rows } = await this.pool.query(
      `INSERT INTO notification_deliveries AS d (id, message_id, channel_id, customer_id, alert_id, alert_name, group_key, crossing_ids, reason, state, next_attempt_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'REDELIVERY', 'PENDING', now()) RETURNING ${DELIVERY_COLUMNS}`,
      [id, original.messageId, original.channelId, original.customerId, original.alertId, original.alertName, original.groupKey, original.crossingIds],
    );
    return toDelivery(rows[0]);
  }

  /**
   * Claims up to `limit` due deliveries: each attempt is counted and its next_attempt_at moved a lease
   * ahead in one statement, so another dispatcher skips them, and takes them once the lease runs out
   * when this one dies before recording the result.
   */
  async claimDue(limit: number, leaseSeconds: number): Promise<DeliveryRecord[]> {
    const { rows } = await this.pool.query(
      `WITH due AS (
         SELECT id FROM notification_deliveries WHERE state = 'PENDING' AND next_attempt_at <= now()
         ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED
       )
       UPDATE notification_deliveries d SET attempts = d.attempts + 1, open_for_grouping = false, last_attempt_at = now(),
         next_attempt_at = now() + make_interval(secs => $2)
       FROM due WHERE d.id = due.id
       RETURNING ${DELIVERY_COLUMNS}`,
      [limit, leaseSeconds],
    );
    return rows.map(toDelivery);
  }

  /** The attempt's outcome; ignored when the delivery was claimed again since (our lease ran out). */
  async recordAttempt(d: Pick<DeliveryRecord, "id" | "attempts">, result: AttemptResult, outcome: { delivered: true } | { delivered: false; nextAttemptAt: Date | null }): Promise<void> {
    const state = outcome.delivered ? "DELIVERED" : outcome.nextAttemptAt === null ? "FAILED" : "PENDING";
    await this.pool.query(
      `UPDATE notification_deliveries SET state = $3, last_status = $4, last_latency_ms = $5, last_error = $6,
         delivered_at = CASE WHEN $3 = 'DELIVERED' THEN now() END, next_attempt_at = COALESCE($7, next_attempt_at)
       WHERE id = $1 AND attempts = $2 AND state = 'PENDING'`,
      [d.id, d.attempts, state, result.status, result.latencyMs, result.error, outcome.delivered ? null : outcome.nextAttemptAt],
    );
  }

  /**
   * A channel's health after an attempt: a success ends a failing streak; a failure starts one, or disables
   * the channel (with the reason) when the streak has lasted disableAfterSeconds. Returns whether it did.
   */
  async channelAttempted(channelId: string, ok: boolean, disableAfterSeconds: number, lastError: string | null): Promise<boolean> {
    if (ok) {
      await this.pool.query(`UPDATE notification_channels SET failing_since = NULL WHERE id = $1 AND failing_since IS NOT NULL`, [channelId]);
      return false;
    }
    const { rows } = await this.pool.query<{ disabled: boolean }>(
      `UPDATE notification_channels SET failing_since = COALESCE(failing_since, now()),
         enabled = CASE WHEN failing_since <= now() - make_interval(secs => $2) THEN false ELSE enabled END,
         disabled_reason = CASE WHEN enabled AND failing_since <= now() - make_interval(secs => $2)
           THEN 'every delivery failed since ' || to_char(failing_since AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') || '; last error: ' || $3
           ELSE disabled_reason END
       WHERE id = $1
       RETURNING (NOT enabled AND failing_since <= now() - make_interval(secs => $2)) AS disabled`,
      [channelId, disableAfterSeconds, lastError ?? "unknown"],
    );
    return rows[0]?.disabled ?? false;
  }

  /** The crossings a delivery carries, in their order. */
  async crossings(ids: readonly string[]): Promise<NotifiedCrossing[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.pool.query(
      `SELECT id, customer_id, alert_id, group_key, direction, value, count, threshold_operator, threshold_value, severity,
              window_start, window_end, occurred_at, detected_at, entities
       FROM threshold_crossings WHERE id = ANY($1::uuid[]) ORDER BY cursor`,
      [ids],
    );
    const iso = (d: Date | null) => (d === null ? null : d.toISOString());
    return rows.map((r) => ({
      id: r.id,
      customerId: r.customer_id,
      alertId: r.alert_id,
      groupKey: r.group_key,
      direction: r.direction,
      // A sum past the double range is stored as ±Infinity; JSON has no such number (issue 13).
      ...reportedAggregate(r.value),
      count: Number(r.count),
      threshold: { operator: r.threshold_operator, value: r.threshold_value },
      severity: r.severity,
      windowStart: iso(r.window_start),
      windowEnd: iso(r.window_end),
      occurredAt: r.occurred_at.toISOString(),
      detectedAt: r.detected_at.toISOString(),
      entities: r.entities,
    }));
  }

  /**
   * repeatIntervalSeconds: a REPEAT delivery for each FIRING status, channel and interval that has had
   * no notification for that long (the crossing that raised it, or the last repeat). One dispatcher at a
   * time (a transaction-scoped advisory lock), so two never owe the same repeat twice.
   */
  async scheduleRepeats(): Promise<number> {
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      const { rows } = await client.query<{ locked: boolean }>(`SELECT pg_try_advisory_xact_lock(7242114) AS locked`);
      if (!rows[0].locked) {
        await client.query("ROLLBACK");
        return 0;
      }
      const { rowCount } = await client.query(`
        INSERT INTO notification_deliveries (id, message_id, channel_id, customer_id, alert_id, alert_name, group_key, crossing_ids, reason, state, next_attempt_at)
        SELECT r.id, r.id, r.channel_id, r.customer_id, r.alert_id, r.alert_name, r.group_key, ARRAY[r.crossing_id], 'REPEAT', 'PENDING', now()
        FROM (
          SELECT gen_random_uuid() AS id, ch.id AS channel_id, s.customer_id, s.alert_id, a.name AS alert_name, NULLIF(s.group_key, '') AS group_key,
                 last.id AS crossing_id
          FROM alert_statuses s
          JOIN alerts a ON a.id = s.alert_id AND a.enabled AND a.repeat_interval_seconds IS NOT NULL
          JOIN notification_channels ch ON ch.id = ANY (a.notify) AND ch.enabled AND (ch.customer_id IS NULL OR ch.customer_id = s.customer_id)
          CROSS JOIN LATERAL (
            SELECT c.id FROM threshold_crossings c
            WHERE c.alert_id = s.alert_id AND c.customer_id = s.customer_id AND c.group_key IS NOT DISTINCT FROM NULLIF(s.group_key, '')
              AND c.direction = 'RAISED' AND NOT c.historical
            ORDER BY c.cursor DESC LIMIT 1
          ) last
          WHERE s.state = 'FIRING' AND s.last_crossing_at <= now() - make_interval(secs => a.repeat_interval_seconds)
            AND NOT EXISTS (
              SELECT 1 FROM notification_deliveries d
              WHERE d.alert_id = s.alert_id AND d.customer_id = s.customer_id AND d.group_key IS NOT DISTINCT FROM NULLIF(s.group_key, '')
                AND d.channel_id = ch.id AND d.reason = 'REPEAT' AND d.created_at > now() - make_interval(secs => a.repeat_interval_seconds)
            )
        ) r`);
      await client.query("COMMIT");
      return rowCount ?? 0;
    } catch (err) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /** Deliveries still owed (PENDING), for the backlog gauge. */
  async backlog(): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>(`SELECT count(*) AS n FROM notification_deliveries WHERE state = 'PENDING'`);
    return Number(rows[0].n);
  }
}
