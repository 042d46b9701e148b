// The README's curl tour, run as written (only the API address differs), so the docs can't rot.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { test } from "node:test";
import { startTestApp } from "../support/app";

test("the README tour works as written", async () => {
  const readme = readFileSync(join(__dirname, "..", "..", "..", "README.md"), "utf8");
  const adminKey = /ADMIN_API_KEY=(\S+) npm start/.exec(readme)?.[1];
  assert.ok(adminKey, "the tour starts the server with ADMIN_API_KEY");
  const script = /In another shell:\n\n```sh\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(script, "the tour's shell block");
  assert.match(script, /^API=http:\/\/127\.0\.0\.1:4000\/graphql$/m);

  const t = await startTestApp({ ADMIN_API_KEY: adminKey });
  try {
    const runnable = script.replace(/^API=.*$/m, `API=${t.url}`);
    // Run from the project root, as a reader would.
    const { stdout } = await promisify(execFile)("bash", ["-euo", "pipefail", "-c", runnable], { timeout: 60_000, cwd: join(__dirname, "..", "..", "..") });
    const responses = stdout.split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line));
    const errors = responses.filter((r) => r.errors).map((r) => r.errors[0].extensions.code);
    assert.deepEqual(errors, ["CONFLICT"], "only the deliberately stale update fails");
    assert.equal(responses.length, 10);
    assert.equal(responses[0].data.viewer.role, "ADMIN");
    assert.equal(responses[1].data.createAlert.scope, "GLOBAL");
    assert.equal(responses[2].data.updateAlert.version, 2);
    assert.deepEqual(responses[4].data.alerts.nodes.map((n: { scope: string }) => n.scope), ["CUSTOMER", "GLOBAL"]);
    assert.deepEqual(responses[5].data.alertChanges.map((c: { action: string }) => c.action), ["UPDATED", "CREATED"]);
    assert.equal(responses[6].data.publishEvents.accepted, 5);
    const crossing = responses[7];
    assert.deepEqual([crossing.direction, crossing.value, crossing.groupKey], ["RAISED", 5, '["mallory@acme.com"]']);
    assert.deepEqual(crossing.entities.map((e: { key: string }) => e.key).sort(), ["u1@acme.com", "u2@acme.com", "u3@acme.com", "u4@acme.com", "u5@acme.com"]);
    assert.deepEqual(responses[8].data.alertStatuses.nodes.map((n: { state: string; count: number }) => [n.state, n.count]), [["FIRING", 5]]);
    assert.equal(responses[9].data.deleteAlert.deleted, true);
  } finally {
    await t.stop();
  }
});
