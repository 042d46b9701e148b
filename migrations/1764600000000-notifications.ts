import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Notifications (issue 14): channels, an alert's routing to them, and the delivery outbox. A delivery row
 * is written in the transaction that stores its crossing; dispatchers claim due rows with SKIP LOCKED,
 * moving next_attempt_at ahead by a lease, so a dispatcher that dies mid-send leaves its rows to another.
 */
export class Notifications1764600000000 implements MigrationInterface {
  name = "Notifications1764600000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE notification_channels (
        id uuid PRIMARY KEY,
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        customer_id text,
        name text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('WEBHOOK', 'SLACK', 'EMAIL', 'PAGERDUTY')),
        config jsonb NOT NULL,
        secret text,
        previous_secret text,
        previous_secret_until timestamptz,
        enabled boolean NOT NULL DEFAULT true,
        disabled_reason text,
        failing_since timestamptz,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX notification_channels_customer_idx ON notification_channels (customer_id, seq)`);
    await q.query(`
      ALTER TABLE alerts ADD COLUMN notify uuid[] NOT NULL DEFAULT '{}',
        ADD COLUMN notify_on_clear boolean NOT NULL DEFAULT true,
        ADD COLUMN repeat_interval_seconds integer,
        ADD COLUMN group_wait_seconds integer NOT NULL DEFAULT 0`);
    await q.query(`
      CREATE TABLE notification_deliveries (
        id uuid PRIMARY KEY,
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        message_id uuid NOT NULL,
        channel_id uuid NOT NULL REFERENCES notification_channels (id) ON DELETE CASCADE,
        customer_id text NOT NULL,
        alert_id uuid NOT NULL,
        alert_name text NOT NULL,
        group_key text,
        crossing_ids uuid[] NOT NULL,
        reason text NOT NULL CHECK (reason IN ('CROSSING', 'REPEAT', 'REDELIVERY')),
        state text NOT NULL CHECK (state IN ('PENDING', 'DELIVERED', 'FAILED')),
        open_for_grouping boolean NOT NULL DEFAULT false,
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL,
        last_attempt_at timestamptz,
        last_status integer,
        last_latency_ms integer,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        delivered_at timestamptz
      )`);
    // The dispatchers' claim: due rows only.
    await q.query(`CREATE INDEX notification_deliveries_due_idx ON notification_deliveries (next_attempt_at) WHERE state = 'PENDING'`);
    // groupWaitSeconds: crossings of one alert for one customer join the row still open on that channel.
    await q.query(`
      CREATE UNIQUE INDEX notification_deliveries_open_idx ON notification_deliveries (channel_id, alert_id, customer_id)
      WHERE open_for_grouping`);
    await q.query(`CREATE INDEX notification_deliveries_channel_idx ON notification_deliveries (channel_id, seq)`);
    // Retention (store/event-archive.ts) removes settled deliveries by age.
    await q.query(`CREATE INDEX notification_deliveries_settled_idx ON notification_deliveries (created_at) WHERE state <> 'PENDING'`);
    await q.query(`CREATE INDEX notification_deliveries_alert_idx ON notification_deliveries (alert_id, customer_id, group_key, created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE notification_deliveries`);
    await q.query(`ALTER TABLE alerts DROP COLUMN notify, DROP COLUMN notify_on_clear, DROP COLUMN repeat_interval_seconds, DROP COLUMN group_wait_seconds`);
    await q.query(`DROP TABLE notification_channels`);
  }
}
