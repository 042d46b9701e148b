import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The event log (also the archive: partitioned by ingestion day), idempotency keys, the engine's
 * positions and applied definitions, statuses, crossings and dead letters.
 */
export class EngineState1764100000000 implements MigrationInterface {
  name = "EngineState1764100000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SEQUENCE event_log_seq AS bigint`);
    await q.query(`
      CREATE TABLE events (
        seq bigint NOT NULL,
        customer_id text NOT NULL,
        event_id text NOT NULL,
        application text NOT NULL,
        object_type text,
        event_type text NOT NULL,
        occurred_at timestamptz NOT NULL,
        ingested_at timestamptz NOT NULL,
        payload jsonb NOT NULL,
        PRIMARY KEY (ingested_at, seq)
      ) PARTITION BY RANGE (ingested_at)`);
    await q.query(`CREATE INDEX events_seq_idx ON events (seq)`);
    await q.query(`CREATE INDEX events_customer_time_idx ON events (customer_id, occurred_at)`);

    // Idempotency within retention: (customer, id) seen once. Not partitioned, so it can be unique.
    await q.query(`
      CREATE TABLE event_keys (
        customer_id text NOT NULL,
        event_id text NOT NULL,
        ingested_at timestamptz NOT NULL,
        PRIMARY KEY (customer_id, event_id)
      )`);
    await q.query(`CREATE INDEX event_keys_ingested_idx ON event_keys (ingested_at)`);

    await q.query(`
      CREATE TABLE engine_positions (
        consumer text NOT NULL,
        partition integer NOT NULL,
        position bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, partition)
      )`);

    // The definitions the stored statuses reflect: what the engine has applied, committed with them.
    await q.query(`
      CREATE TABLE engine_alerts (
        alert_id uuid PRIMARY KEY,
        version integer NOT NULL,
        definition jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE alert_statuses (
        alert_id uuid NOT NULL,
        customer_id text NOT NULL,
        group_key text NOT NULL,
        alert_version integer NOT NULL,
        state text NOT NULL CHECK (state IN ('OK', 'FIRING')),
        value double precision NOT NULL,
        count bigint NOT NULL,
        window_start timestamptz,
        window_end timestamptz,
        last_event_at timestamptz,
        last_crossing_at timestamptz,
        entities jsonb NOT NULL,
        data jsonb NOT NULL,
        origin text NOT NULL,
        updated_at timestamptz NOT NULL,
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        PRIMARY KEY (alert_id, customer_id, group_key)
      )`);
    await q.query(`CREATE INDEX alert_statuses_customer_idx ON alert_statuses (customer_id, alert_id)`);

    await q.query(`
      CREATE TABLE threshold_crossings (
        id uuid PRIMARY KEY,
        customer_id text NOT NULL,
        cursor bigint NOT NULL,
        alert_id uuid NOT NULL,
        alert_version integer NOT NULL,
        group_key text,
        direction text NOT NULL CHECK (direction IN ('RAISED', 'CLEARED')),
        value double precision NOT NULL,
        count bigint NOT NULL,
        threshold_operator text NOT NULL,
        threshold_value double precision NOT NULL,
        severity text NOT NULL,
        window_start timestamptz,
        window_end timestamptz,
        occurred_at timestamptz NOT NULL,
        detected_at timestamptz NOT NULL,
        historical boolean NOT NULL DEFAULT false,
        entities jsonb NOT NULL,
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        UNIQUE (customer_id, cursor)
      )`);
    await q.query(`CREATE INDEX threshold_crossings_alert_idx ON threshold_crossings (alert_id, customer_id, cursor)`);
    await q.query(`CREATE INDEX threshold_crossings_time_idx ON threshold_crossings (customer_id, occurred_at)`);

    // Per-customer crossing counter: its row lock orders cursors by commit, so resuming misses nothing.
    await q.query(`CREATE TABLE crossing_cursors (customer_id text PRIMARY KEY, last bigint NOT NULL)`);

    await q.query(`
      CREATE TABLE dead_letters (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        source text NOT NULL,
        position text NOT NULL,
        reason text NOT NULL,
        raw bytea NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (source, position)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ["dead_letters", "crossing_cursors", "threshold_crossings", "alert_statuses", "engine_alerts", "engine_positions", "event_keys", "events"]) {
      await q.query(`DROP TABLE ${table}`);
    }
    await q.query(`DROP SEQUENCE event_log_seq`);
  }
}
