import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Engines own log partitions (Kafka: a consumer group shares them). Each status, and the set of
 * definitions applied to it, belongs to the partition its customer's events arrive on; the embedded
 * log has one partition, 0.
 */
export class LogPartitions1764200000000 implements MigrationInterface {
  name = "LogPartitions1764200000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE alert_statuses ADD COLUMN log_partition integer NOT NULL DEFAULT 0`);
    await q.query(`CREATE INDEX alert_statuses_partition_idx ON alert_statuses (log_partition)`);
    await q.query(`ALTER TABLE engine_alerts ADD COLUMN log_partition integer NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE engine_alerts DROP CONSTRAINT engine_alerts_pkey`);
    await q.query(`ALTER TABLE engine_alerts ADD PRIMARY KEY (log_partition, alert_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE engine_alerts DROP CONSTRAINT engine_alerts_pkey`);
    await q.query(`DELETE FROM engine_alerts WHERE log_partition <> 0`);
    await q.query(`ALTER TABLE engine_alerts DROP COLUMN log_partition`);
    await q.query(`ALTER TABLE engine_alerts ADD PRIMARY KEY (alert_id)`);
    await q.query(`ALTER TABLE alert_statuses DROP COLUMN log_partition`);
  }
}
