// npm run demo, briefly, against a real app: alerts appear, events flow, crossings arrive.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { test } from "node:test";
import { startTestApp } from "../support/app";

test("the demo creates its sample alerts once, streams events, and crossings follow", async () => {
  const t = await startTestApp();
  try {
    const demo = join(__dirname, "..", "..", "scripts", "demo.js");
    const run = () => promisify(execFile)(process.execPath, [demo, "--url", t.url, "--key", t.adminKey, "--rate", "400", "--seconds", "4"], { timeout: 60_000 });
    const first = await run();
    assert.match(first.stderr, /created the global alert "Users without two-factor authentication"/);
    const second = await run();
    assert.doesNotMatch(second.stderr, /created the global alert/, "a second run reuses the alerts");
    const data = await t.ok<{ alerts: { totalCount: number }; thresholdCrossings: { totalCount: number } }>(`{ alerts { totalCount } thresholdCrossings { totalCount } }`);
    assert.equal(data.alerts.totalCount, 5);
    assert.ok(data.thresholdCrossings.totalCount > 0, "crossings arrived");
    assert.match(second.stderr, /done: \d{3,} events/);
  } finally {
    await t.stop();
  }
});
