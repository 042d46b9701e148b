import type { Pool } from "pg";

const DAY_MS = 86_400_000;

const partitionName = (dayStartMs: number) => `events_${new Date(dayStartMs).toISOString().slice(0, 10).replace(/-/g, "")}`;

/**
 * Keeps the event archive's daily partitions (by ingestion time, UTC): creates today's and the next
 * two ahead of need, drops those older than the retention, and forgets idempotency keys as old.
 */
export async function maintainEventArchive(pool: Pool, nowMs: number, retentionDays: number): Promise<{ created: string[]; dropped: string[] }> {
  const today = Math.floor(nowMs / DAY_MS) * DAY_MS;
  const created: string[] = [];
  for (let day = today - DAY_MS; day <= today + 2 * DAY_MS; day += DAY_MS) {
    const name = partitionName(day);
    const { rowCount } = await pool.query(`SELECT 1 FROM pg_class WHERE relname = $1`, [name]);
    if (rowCount) continue;
    await pool.query(
      `CREATE TABLE IF NOT EXISTS ${name} PARTITION OF events FOR VALUES FROM ('${new Date(day).toISOString()}') TO ('${new Date(day + DAY_MS).toISOString()}')`,
    );
    created.push(name);
  }
  const cutoff = today - retentionDays * DAY_MS;
  const { rows } = await pool.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
     WHERE p.relname = 'events' AND c.relname ~ '^events_[0-9]{8}$'`,
  );
  const dropped: string[] = [];
  for (const { name } of rows) {
    const day = Date.UTC(Number(name.slice(7, 11)), Number(name.slice(11, 13)) - 1, Number(name.slice(13, 15)));
    if (day + DAY_MS <= cutoff) {
      await pool.query(`DROP TABLE IF EXISTS ${name}`);
      dropped.push(name);
    }
  }
  await pool.query(`DELETE FROM event_keys WHERE ingested_at < $1`, [new Date(cutoff)]);
  await pool.query(`DELETE FROM published_event_keys WHERE published_at < $1`, [new Date(cutoff)]);
  // The delivery log keeps as long as the archive; what is still owed stays until it is sent or FAILED.
  await pool.query(`DELETE FROM notification_deliveries WHERE state <> 'PENDING' AND created_at < $1`, [new Date(cutoff)]);
  return { created, dropped };
}
