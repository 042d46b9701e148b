import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Issue 7: every archived event and every published key paid for a B-tree entry on its ingestion time,
 * which only the retention DELETE reads. Keys arrive in time order, so a BRIN index finds the expired
 * range as well and costs almost nothing per insert.
 */
export class RetentionBrin1764500000000 implements MigrationInterface {
  name = "RetentionBrin1764500000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX event_keys_ingested_idx`);
    await q.query(`CREATE INDEX event_keys_ingested_idx ON event_keys USING brin (ingested_at)`);
    await q.query(`DROP INDEX published_event_keys_time_idx`);
    await q.query(`CREATE INDEX published_event_keys_time_idx ON published_event_keys USING brin (published_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX published_event_keys_time_idx`);
    await q.query(`CREATE INDEX published_event_keys_time_idx ON published_event_keys (published_at)`);
    await q.query(`DROP INDEX event_keys_ingested_idx`);
    await q.query(`CREATE INDEX event_keys_ingested_idx ON event_keys (ingested_at)`);
  }
}
