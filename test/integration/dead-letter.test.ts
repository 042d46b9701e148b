// Malformed records never stop the engine: they go to the dead letters with their reason and bytes.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import { Pool } from "pg";
import { decodeEventRecord } from "../../src/engine/event";
import { createLogger } from "../../src/logger";
import type { ControlReader, EventBatch, EventReader, LogEvent } from "../../src/log/log";
import { PostgresControlReader } from "../../src/log/postgres-log";
import { AlertService } from "../../src/services/alert-service";
import { EngineCounters } from "../../src/services/engine-counters";
import { EngineRunner } from "../../src/services/engine-runner";
import { openDatabase } from "../../src/store/data-source";
import { EngineStore } from "../../src/store/engine-store";
import { HistoryStore } from "../../src/store/history-store";
import { createTestDatabase } from "../support/database";
import { waitFor } from "../support/wait";

/** A log of raw records, as a Kafka topic would hand them over. */
class RawRecordLog implements EventReader {
  constructor(private readonly records: Uint8Array[]) {}

  assignment(): readonly number[] {
    return [0];
  }

  seek(): void {}

  async poll(from: ReadonlyMap<number, bigint>, maxRecords: number): Promise<EventBatch> {
    const start = Number(from.get(0) ?? 0n);
    const records: LogEvent[] = this.records.slice(start, start + maxRecords).map((bytes, i) => {
      const position = BigInt(start + i);
      const decoded = decodeEventRecord(bytes, Date.now(), randomUUID);
      return "event" in decoded ? { partition: 0, position, event: decoded.event } : { partition: 0, position, reason: decoded.reason, raw: bytes };
    });
    return { records, positions: records.length ? [{ partition: 0, next: BigInt(start + records.length) }] : [] };
  }

  waitForMore(maxWaitMs: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, Math.min(maxWaitMs, 20)));
  }

  async close(): Promise<void> {}
}

test("malformed records go to dead_letters with reason and raw bytes; good ones around them still count", async () => {
  const db = await createTestDatabase();
  const dataSource = await openDatabase(db.url);
  const pool = new Pool({ connectionString: db.url });
  const good = (i: number) => new TextEncoder().encode(JSON.stringify({ id: `g${i}`, customerId: "acme", application: "a", eventType: "e", payload: { i } }));
  const records = [
    good(1),
    new Uint8Array([0xff, 0xfe, 0x00]),
    new TextEncoder().encode("{not json"),
    new TextEncoder().encode(JSON.stringify({ application: "a", eventType: "e", payload: {} })),
    new TextEncoder().encode(JSON.stringify({ customerId: "acme", application: "a", eventType: "e", payload: [1, 2] })),
    good(2),
  ];
  const counters = new EngineCounters();
  const alerts = new AlertService(dataSource);
  const principal = { keyId: randomUUID(), customerId: null, role: "ADMIN" as const };
  const alert = await alerts.create(principal, { customerId: "acme", name: "all", threshold: { operator: "GREATER_THAN", value: 100 } });
  const controls: ControlReader = new PostgresControlReader(pool);
  const engine = new EngineRunner(new EngineStore(pool), new HistoryStore(pool), new RawRecordLog(records), controls, counters, createLogger("silent"), { lateGraceSeconds: 60, statusIdleDays: 7 });
  engine.start();
  try {
    const letters = await waitFor(async () => {
      const { rows } = await pool.query(`SELECT position, reason, raw FROM dead_letters ORDER BY id`);
      return rows.length === 4 ? rows : null;
    }, "four dead letters");
    assert.deepEqual(letters.map((l) => l.position), ["0:1", "0:2", "0:3", "0:4"]);
    assert.match(letters[0].reason, /UTF-8/i);
    assert.match(letters[1].reason, /JSON/);
    assert.match(letters[2].reason, /customerId/);
    assert.match(letters[3].reason, /payload/);
    assert.deepEqual([...letters[0].raw], [0xff, 0xfe, 0x00]);
    const status = await waitFor(async () => {
      const { rows } = await pool.query(`SELECT count FROM alert_statuses WHERE alert_id = $1`, [alert.id]);
      return rows[0]?.count === "2" ? rows[0] : null;
    }, "both good events counted");
    assert.equal(status.count, "2");
    assert.equal(counters.deadLetters, 4);
    assert.ok(engine.isReady);
  } finally {
    await engine.stop();
    await pool.end();
    await dataSource.destroy();
    await db.drop();
  }
});
