import type { MigrationInterface, QueryRunner } from "typeorm";

/** Alerts, their audit trail (also the control outbox) and API keys. */
export class InitialSchema1764000000000 implements MigrationInterface {
  name = "InitialSchema1764000000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        customer_id text,
        role text NOT NULL CHECK (role IN ('ADMIN', 'EDITOR', 'VIEWER')),
        secret_hash bytea NOT NULL UNIQUE,
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      )`);
    await q.query(`CREATE INDEX api_keys_customer_idx ON api_keys (customer_id, created_at)`);

    await q.query(`
      CREATE TABLE alerts (
        id uuid PRIMARY KEY,
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        scope text NOT NULL CHECK (scope IN ('GLOBAL', 'CUSTOMER')),
        customer_id text,
        name text NOT NULL,
        description text NOT NULL DEFAULT '',
        severity text NOT NULL CHECK (severity IN ('INFO', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL')),
        enabled boolean NOT NULL,
        application text,
        object_type text,
        event_type text,
        conditions jsonb NOT NULL DEFAULT '[]',
        json_path text,
        aggregation_function text NOT NULL,
        aggregation_path text,
        group_by jsonb NOT NULL DEFAULT '[]',
        entity_path text,
        window_type text NOT NULL CHECK (window_type IN ('ALL_TIME', 'TUMBLING', 'SLIDING')),
        window_seconds integer,
        threshold_operator text NOT NULL,
        threshold_value double precision NOT NULL,
        backfill boolean NOT NULL,
        version integer NOT NULL CHECK (version >= 1),
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT alerts_scope_customer CHECK ((scope = 'GLOBAL') = (customer_id IS NULL))
      )`);
    await q.query(`CREATE INDEX alerts_customer_seq_idx ON alerts (customer_id, seq)`);

    await q.query(`
      CREATE TABLE alert_changes (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        alert_id uuid NOT NULL,
        customer_id text,
        action text NOT NULL CHECK (action IN ('CREATED', 'UPDATED', 'DELETED')),
        version integer NOT NULL,
        definition jsonb,
        key_id uuid,
        at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT alert_changes_alert_version UNIQUE (alert_id, version)
      )`);
    await q.query(`CREATE INDEX alert_changes_alert_idx ON alert_changes (alert_id, id DESC)`);
    await q.query(`CREATE INDEX alert_changes_customer_idx ON alert_changes (customer_id, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE alert_changes`);
    await q.query(`DROP TABLE alerts`);
    await q.query(`DROP TABLE api_keys`);
  }
}
