import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Kafka mode: publishEvents answers how many events were new before the engine has archived them, so
 * the API keeps its own record of the (customer, id) pairs it has had acknowledged by the broker.
 */
export class PublishedKeys1764300000000 implements MigrationInterface {
  name = "PublishedKeys1764300000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE published_event_keys (
        customer_id text NOT NULL,
        event_id text NOT NULL,
        published_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (customer_id, event_id)
      )`);
    await q.query(`CREATE INDEX published_event_keys_time_idx ON published_event_keys (published_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE published_event_keys`);
  }
}
