import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * History: backfill progress per alert and log partition, replay requests on the alert (a generation
 * that grows with each replayAlert, with its `since`), replays in the audit trail, and the index that
 * lets scans walk the archive by event time.
 */
export class History1764400000000 implements MigrationInterface {
  name = "History1764400000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE alerts ADD COLUMN replay_generation integer NOT NULL DEFAULT 0, ADD COLUMN replay_since timestamptz`);
    await q.query(`ALTER TABLE alert_changes ADD COLUMN generation integer NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE alert_changes DROP CONSTRAINT alert_changes_alert_version`);
    await q.query(`ALTER TABLE alert_changes ADD CONSTRAINT alert_changes_alert_version UNIQUE (alert_id, version, generation)`);
    await q.query(`ALTER TABLE alert_changes DROP CONSTRAINT alert_changes_action_check`);
    await q.query(`ALTER TABLE alert_changes ADD CONSTRAINT alert_changes_action_check CHECK (action IN ('CREATED', 'UPDATED', 'DELETED', 'REPLAYED'))`);
    await q.query(`ALTER TABLE engine_alerts ADD COLUMN generation integer NOT NULL DEFAULT 0`);
    await q.query(`CREATE INDEX events_time_idx ON events (occurred_at, seq)`);
    await q.query(`
      CREATE TABLE alert_backfills (
        alert_id uuid NOT NULL,
        log_partition integer NOT NULL,
        generation integer NOT NULL,
        state text NOT NULL CHECK (state IN ('PENDING', 'RUNNING', 'DONE', 'FAILED')),
        processed bigint NOT NULL DEFAULT 0,
        total bigint,
        started_at timestamptz,
        finished_at timestamptz,
        error text,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (alert_id, log_partition)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE alert_backfills`);
    await q.query(`DROP INDEX events_time_idx`);
    await q.query(`ALTER TABLE engine_alerts DROP COLUMN generation`);
    await q.query(`DELETE FROM alert_changes WHERE action = 'REPLAYED'`);
    await q.query(`ALTER TABLE alert_changes DROP CONSTRAINT alert_changes_action_check`);
    await q.query(`ALTER TABLE alert_changes ADD CONSTRAINT alert_changes_action_check CHECK (action IN ('CREATED', 'UPDATED', 'DELETED'))`);
    await q.query(`ALTER TABLE alert_changes DROP CONSTRAINT alert_changes_alert_version`);
    await q.query(`ALTER TABLE alert_changes ADD CONSTRAINT alert_changes_alert_version UNIQUE (alert_id, version)`);
    await q.query(`ALTER TABLE alert_changes DROP COLUMN generation`);
    await q.query(`ALTER TABLE alerts DROP COLUMN replay_generation, DROP COLUMN replay_since`);
  }
}
