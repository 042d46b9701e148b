import type { Pool } from "pg";
import { reportedAggregate } from "../engine/aggregate";
import type { TriggeredEntity } from "../engine/status";

export interface StatusRecord {
  readonly seq: bigint;
  readonly alertId: string;
  readonly customerId: string;
  readonly groupKey: string | null;
  readonly state: "OK" | "FIRING";
  /** Finite: saturated at ±Number.MAX_VALUE when the stored aggregate is past the double range. */
  readonly value: number;
  readonly saturated: boolean;
  readonly count: number;
  readonly windowStart: Date | null;
  readonly windowEnd: Date | null;
  readonly lastEventAt: Date | null;
  readonly lastCrossingAt: Date | null;
  readonly entities: TriggeredEntity[];
}

export interface CrossingRecord {
  readonly seq: bigint;
  readonly id: string;
  readonly customerId: string;
  readonly cursor: bigint;
  readonly alertId: string;
  readonly alertVersion: number;
  readonly groupKey: string | null;
  readonly direction: "RAISED" | "CLEARED";
  /** As StatusRecord.value. */
  readonly value: number;
  readonly saturated: boolean;
  readonly count: number;
  readonly thresholdOperator: string;
  readonly thresholdValue: number;
  readonly severity: string;
  readonly windowStart: Date | null;
  readonly windowEnd: Date | null;
  readonly occurredAt: Date;
  readonly detectedAt: Date;
  readonly historical: boolean;
  readonly entities: TriggeredEntity[];
}

export interface StatusQuery {
  /** Only this customer's statuses (a customer key's own, or a platform key's filter). */
  readonly customerId?: string;
  readonly alertId?: string;
  readonly state?: "OK" | "FIRING";
  readonly afterSeq?: bigint;
  readonly limit: number;
}

export interface CrossingQuery {
  readonly customerId?: string;
  readonly alertId?: string;
  readonly since?: Date;
  readonly afterSeq?: bigint;
  /** Per-customer cursor (with customerId): crossings stored after it, for subscriptions that resume. */
  readonly afterCursor?: bigint;
  readonly liveOnly?: boolean;
  readonly ids?: readonly string[];
  readonly limit: number;
}

const STATUS_COLUMNS = `seq, alert_id, customer_id, group_key, state, value, count, window_start, window_end, last_event_at, last_crossing_at, entities`;
const CROSSING_COLUMNS = `seq, id, customer_id, cursor, alert_id, alert_version, group_key, direction, value, count, threshold_operator,
  threshold_value, severity, window_start, window_end, occurred_at, detected_at, historical, entities`;

/** Reads of statuses and crossings for the API: keyset pages, filters as parameters. */
export class MonitoringStore {
  constructor(private readonly pool: Pool) {}

  async statuses(query: StatusQuery): Promise<{ rows: StatusRecord[]; total: number }> {
    const { where, params } = build([
      ["customer_id = $", query.customerId],
      ["alert_id = $", query.alertId],
      ["state = $", query.state],
    ]);
    const total = await this.pool.query<{ n: string }>(`SELECT count(*) AS n FROM alert_statuses ${where}`, params);
    const page = build([
      ["customer_id = $", query.customerId],
      ["alert_id = $", query.alertId],
      ["state = $", query.state],
      ["seq > $", query.afterSeq?.toString()],
    ]);
    const { rows } = await this.pool.query(`SELECT ${STATUS_COLUMNS} FROM alert_statuses ${page.where} ORDER BY seq LIMIT ${query.limit}`, page.params);
    return { rows: rows.map(toStatus), total: Number(total.rows[0].n) };
  }

  async status(alertId: string, customerId: string, groupKey: string | null): Promise<StatusRecord | null> {
    const { rows } = await this.pool.query(
      `SELECT ${STATUS_COLUMNS} FROM alert_statuses WHERE alert_id = $1 AND customer_id = $2 AND group_key = $3`,
      [alertId, customerId, groupKey ?? ""],
    );
    return rows[0] ? toStatus(rows[0]) : null;
  }

  async crossings(query: CrossingQuery, withTotal = true): Promise<{ rows: CrossingRecord[]; total: number }> {
    const filters: [string, unknown][] = [
      ["customer_id = $", query.customerId],
      ["alert_id = $", query.alertId],
      ["occurred_at >= $", query.since],
      ["id = ANY($)", query.ids],
    ];
    if (query.liveOnly) filters.push(["historical = $", false]);
    const { where, params } = build(filters);
    const total = withTotal ? Number((await this.pool.query<{ n: string }>(`SELECT count(*) AS n FROM threshold_crossings ${where}`, params)).rows[0].n) : 0;
    const page = build([...filters, ["seq > $", query.afterSeq?.toString()], ["cursor > $", query.afterCursor?.toString()]]);
    const order = query.afterCursor !== undefined ? "cursor" : "seq";
    const { rows } = await this.pool.query(`SELECT ${CROSSING_COLUMNS} FROM threshold_crossings ${page.where} ORDER BY ${order} LIMIT ${query.limit}`, page.params);
    return { rows: rows.map(toCrossing), total };
  }

  /** Crossings of one customer with cursors in [from, to], in cursor order. */
  async crossingRange(customerId: string, from: bigint, to: bigint): Promise<CrossingRecord[]> {
    const { rows } = await this.pool.query(
      `SELECT ${CROSSING_COLUMNS} FROM threshold_crossings WHERE customer_id = $1 AND cursor BETWEEN $2 AND $3 ORDER BY cursor`,
      [customerId, from.toString(), to.toString()],
    );
    return rows.map(toCrossing);
  }
}

function build(filters: readonly (readonly [string, unknown])[]): { where: string; params: unknown[] } {
  const params: unknown[] = [];
  const clauses: string[] = [];
  for (const [clause, value] of filters) {
    if (value === undefined || value === null) continue;
    params.push(value);
    clauses.push(clause.replace("$", `$${params.length}`));
  }
  return { where: clauses.length ? `WHERE ${clauses.join(" AND ")}` : "", params };
}

/* eslint-disable @typescript-eslint/no-explicit-any -- rows straight from pg */
function toStatus(r: any): StatusRecord {
  return {
    seq: BigInt(r.seq),
    alertId: r.alert_id,
    customerId: r.customer_id,
    groupKey: r.group_key === "" ? null : r.group_key,
    state: r.state,
    ...reportedAggregate(r.value),
    count: Number(r.count),
    windowStart: r.window_start,
    windowEnd: r.window_end,
    lastEventAt: r.last_event_at,
    lastCrossingAt: r.last_crossing_at,
    entities: r.entities,
  };
}

function toCrossing(r: any): CrossingRecord {
  return {
    seq: BigInt(r.seq),
    id: r.id,
    customerId: r.customer_id,
    cursor: BigInt(r.cursor),
    alertId: r.alert_id,
    alertVersion: r.alert_version,
    groupKey: r.group_key,
    direction: r.direction,
    ...reportedAggregate(r.value),
    count: Number(r.count),
    thresholdOperator: r.threshold_operator,
    thresholdValue: r.threshold_value,
    severity: r.severity,
    windowStart: r.window_start,
    windowEnd: r.window_end,
    occurredAt: r.occurred_at,
    detectedAt: r.detected_at,
    historical: r.historical,
    entities: r.entities,
  };
}
