// The event archive: daily partitions made ahead of need, dropped after the retention.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Pool } from "pg";
import { openDatabase } from "../../src/store/data-source";
import { maintainEventArchive } from "../../src/store/event-archive";
import { createTestDatabase } from "../support/database";

const DAY = 86_400_000;

test("partitions are created ahead of need and dropped after EVENT_RETENTION_DAYS, with their idempotency keys", async () => {
  const db = await createTestDatabase();
  const dataSource = await openDatabase(db.url);
  const pool = new Pool({ connectionString: db.url });
  try {
    const old = Date.UTC(2026, 0, 10, 12);
    const first = await maintainEventArchive(pool, old, 30);
    assert.deepEqual(first.created, ["events_20260109", "events_20260110", "events_20260111", "events_20260112"]);
    await pool.query(
      `INSERT INTO events (seq, customer_id, event_id, application, event_type, occurred_at, ingested_at, payload)
       VALUES (1, 'acme', 'e1', 'a', 't', $1, $1, '{}')`,
      [new Date(old)],
    );
    await pool.query(`INSERT INTO event_keys (customer_id, event_id, ingested_at) VALUES ('acme', 'e1', $1)`, [new Date(old)]);

    const again = await maintainEventArchive(pool, old, 30);
    assert.deepEqual(again, { created: [], dropped: [] }, "idempotent");

    const later = await maintainEventArchive(pool, old + 40 * DAY, 30);
    assert.deepEqual(later.dropped.sort(), ["events_20260109", "events_20260110", "events_20260111", "events_20260112"]);
    assert.equal(later.created.length, 4);
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM event_keys`);
    assert.equal(rows[0].n, 0);
    const events = await pool.query(`SELECT count(*)::int AS n FROM events`);
    assert.equal(events.rows[0].n, 0);
  } finally {
    await pool.end();
    await dataSource.destroy();
    await db.drop();
  }
});
