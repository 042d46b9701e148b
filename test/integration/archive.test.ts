// The event archive: daily partitions made ahead of need, dropped after the retention.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Pool } from "pg";
import { openDatabase } from "../../src/store/data-source";
import { maintainEventArchive } from "../../src/store/event-archive";
import { createTestDatabase } from "../support/database";

const DAY = 86_400_000;

test("partitions are created ahead of need and dropped after EVENT_RETENTION_DAYS, with their idempotency keys and settled deliveries", async () => {
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
    await pool.query(`INSERT INTO notification_channels (id, name, kind, config) VALUES ('00000000-0000-4000-8000-000000000001', 'c', 'EMAIL', '{"to":["a@b.test"]}')`);
    for (const [n, state] of [[1, "DELIVERED"], [2, "FAILED"], [3, "PENDING"]] as const) {
      await pool.query(
        `INSERT INTO notification_deliveries (id, message_id, channel_id, customer_id, alert_id, alert_name, crossing_ids, reason, state, next_attempt_at, created_at)
         VALUES ($1, $1, '00000000-0000-4000-8000-000000000001', 'acme', $1, 'a', '{}', 'CROSSING', $2, $3, $3)`,
        [`00000000-0000-4000-8000-00000000000${n}`, state, new Date(old)],
      );
    }

    const again = await maintainEventArchive(pool, old, 30);
    assert.deepEqual(again, { created: [], dropped: [] }, "idempotent");

    const later = await maintainEventArchive(pool, old + 40 * DAY, 30);
    assert.deepEqual(later.dropped.sort(), ["events_20260109", "events_20260110", "events_20260111", "events_20260112"]);
    assert.equal(later.created.length, 4);
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM event_keys`);
    assert.equal(rows[0].n, 0);
    const events = await pool.query(`SELECT count(*)::int AS n FROM events`);
    assert.equal(events.rows[0].n, 0);
    const deliveries = await pool.query(`SELECT state FROM notification_deliveries`);
    assert.deepEqual(deliveries.rows, [{ state: "PENDING" }], "settled deliveries leave with the archive; one still owed stays");
  } finally {
    await pool.end();
    await dataSource.destroy();
    await db.drop();
  }
});
