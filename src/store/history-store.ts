import type { Pool } from "pg";
import type { EngineEvent } from "../engine/event";

/** What a scan of the archive reads: by event time, in (occurred_at, seq) order, before a cutover. */
export interface ArchiveQuery {
  /** Only this customer's events (a CUSTOMER alert, or a customer key's preview). */
  readonly customerId?: string | null;
  readonly application?: string | null;
  readonly objectType?: string | null;
  readonly eventType?: string | null;
  /** Event time from (inclusive) and until (exclusive), ms. */
  readonly fromMs?: number | null;
  readonly untilMs?: number | null;
  /** Only rows archived before this sequence number (the cutover; undefined: all). */
  readonly beforeSeq?: bigint;
}

export type BackfillStateName = "PENDING" | "RUNNING" | "DONE" | "FAILED";

export interface BackfillRow {
  readonly alertId: string;
  readonly partition: number;
  readonly generation: number;
  readonly state: BackfillStateName;
  readonly processed: number;
  readonly total: number | null;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
  readonly error: string | null;
}

const PAGE_ROWS = 2_000;

/** The event archive as history: counts and streaming keyset scans, and backfill progress. */
export class HistoryStore {
  constructor(private readonly pool: Pool) {}

  async count(query: ArchiveQuery, limit?: number): Promise<number> {
    const { where, params } = archiveWhere(query);
    // With a limit, stop counting past it: a preview over too large a range is refused anyway.
    const sql = limit === undefined ? `SELECT count(*) AS n FROM events ${where}` : `SELECT count(*) AS n FROM (SELECT 1 FROM events ${where} LIMIT ${limit + 1}) s`;
    const { rows } = await this.pool.query<{ n: string }>(sql, params);
    return Number(rows[0].n);
  }

  /**
   * Every matching event, a page at a time: memory stays flat whatever the size of the history. The
   * next page is read while the caller evaluates this one, so PostgreSQL and the evaluation overlap.
   */
  async *scan(query: ArchiveQuery): AsyncGenerator<{ seq: bigint; event: EngineEvent }[]> {
    let next = this.page(query, undefined);
    for (;;) {
      const page = await next;
      if (page.length === 0) return;
      const more = page.length === PAGE_ROWS;
      if (more) {
        const last = page[page.length - 1];
        next = this.page(query, { timeMs: last.event.occurredAtMs, seq: last.seq });
        // a caller that stops early never awaits it; its failure is the next await's to report
        next.catch(() => undefined);
      }
      yield page;
      if (!more) return;
    }
  }

  private async page(query: ArchiveQuery, after: { timeMs: number; seq: bigint } | undefined): Promise<{ seq: bigint; event: EngineEvent }[]> {
    const { where, params } = archiveWhere(query, after);
    // The time as epoch milliseconds: the driver's timestamptz parser was a large part of a scan.
    const { rows } = await this.pool.query<{
      seq: string;
      customer_id: string;
      event_id: string;
      application: string;
      object_type: string | null;
      event_type: string;
      occurred_ms: number;
      payload: Record<string, unknown>;
    }>(
      `SELECT seq, customer_id, event_id, application, object_type, event_type,
              floor(extract(epoch FROM occurred_at) * 1000)::float8 AS occurred_ms, payload
       FROM events ${where} ORDER BY occurred_at, seq LIMIT ${PAGE_ROWS}`,
      params,
    );
    return rows.map((r) => ({
      seq: BigInt(r.seq),
      event: {
        id: r.event_id,
        customerId: r.customer_id,
        application: r.application,
        objectType: r.object_type,
        eventType: r.event_type,
        occurredAtMs: r.occurred_ms,
        payload: r.payload,
      },
    }));
  }

  /** The next sequence number the archive will hand out: rows below it are history at a cutover. */
  async nextSeq(): Promise<bigint> {
    const { rows } = await this.pool.query<{ last_value: string; is_called: boolean }>(`SELECT last_value, is_called FROM event_log_seq`);
    return BigInt(rows[0].last_value) + (rows[0].is_called ? 1n : 0n);
  }

  async saveProgress(row: Omit<BackfillRow, "startedAt" | "finishedAt"> & { started?: boolean; finished?: boolean }): Promise<void> {
    await this.pool.query(
      `INSERT INTO alert_backfills (alert_id, log_partition, generation, state, processed, total, started_at, finished_at, error, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $7 THEN now() END, CASE WHEN $8 THEN now() END, $9, now())
       ON CONFLICT (alert_id, log_partition) DO UPDATE SET generation = EXCLUDED.generation, state = EXCLUDED.state,
         processed = EXCLUDED.processed, total = EXCLUDED.total,
         started_at = CASE WHEN $7 THEN now() ELSE alert_backfills.started_at END,
         finished_at = CASE WHEN $8 THEN now() WHEN EXCLUDED.state IN ('PENDING', 'RUNNING') THEN NULL ELSE alert_backfills.finished_at END,
         error = EXCLUDED.error, updated_at = now()`,
      [row.alertId, row.partition, row.generation, row.state, row.processed, row.total, row.started ?? false, row.finished ?? false, row.error],
    );
  }

  async progress(alertId: string): Promise<BackfillRow[]> {
    const { rows } = await this.pool.query(
      `SELECT alert_id, log_partition, generation, state, processed, total, started_at, finished_at, error FROM alert_backfills WHERE alert_id = $1 ORDER BY log_partition`,
      [alertId],
    );
    return rows.map((r) => ({
      alertId: r.alert_id,
      partition: r.log_partition,
      generation: r.generation,
      state: r.state,
      processed: Number(r.processed),
      total: r.total === null ? null : Number(r.total),
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      error: r.error,
    }));
  }
}

function archiveWhere(query: ArchiveQuery, after?: { timeMs: number; seq: bigint }): { where: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, ...values: unknown[]) => {
    let text = clause;
    for (const value of values) {
      params.push(value);
      text = text.replace("?", `$${params.length}`);
    }
    clauses.push(text);
  };
  if (query.customerId != null) add("customer_id = ?", query.customerId);
  if (query.application != null) add("application = ?", query.application);
  if (query.objectType != null) add("object_type = ?", query.objectType);
  if (query.eventType != null) add("event_type = ?", query.eventType);
  if (query.fromMs != null) add("occurred_at >= ?", new Date(query.fromMs));
  if (query.untilMs != null) add("occurred_at < ?", new Date(query.untilMs));
  if (query.beforeSeq !== undefined) add("seq < ?", query.beforeSeq.toString());
  if (after) add("(occurred_at, seq) > (?, ?)", new Date(after.timeMs), after.seq.toString());
  return { where: clauses.length ? `WHERE ${clauses.join(" AND ")}` : "", params };
}
