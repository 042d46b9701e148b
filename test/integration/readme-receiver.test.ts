// The README's webhook receiver, run as written: it accepts what the platform signs and refuses the rest.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { freePort } from "../../src/store/embedded-postgres";
import { startTestApp } from "../support/app";
import { waitFor } from "../support/wait";

test("the README's receiver verifies the platform's signatures", async () => {
  const readme = readFileSync(join(__dirname, "..", "..", "..", "README.md"), "utf8");
  const code = /A receiver that checks the signature[^\n]*\n\n```js\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(code, "the receiver's js block");
  assert.ok(code.split("\n").filter(Boolean).length <= 12, "it stays short");
  const dir = mkdtempSync(join(tmpdir(), "readme-receiver-"));
  const t = await startTestApp({ WEBHOOK_ALLOW_PRIVATE: "1" });
  const port = await freePort();
  const created = (await t.ok<{ createNotificationChannel: { secret: string; channel: { id: string } } }>(
    `mutation ($url: String!) { createNotificationChannel(input: {name: "readme", kind: WEBHOOK, url: $url}) { secret channel { id } } }`,
    { url: `http://127.0.0.1:${port}/` },
  )).createNotificationChannel;
  writeFileSync(join(dir, "receiver.js"), code);
  const receiver = spawn(process.execPath, [join(dir, "receiver.js")], { env: { ...process.env, WEBHOOK_SECRET: created.secret, PORT: String(port) }, stdio: "ignore" });
  const send = async () =>
    (await t.ok<{ testNotificationChannel: { ok: boolean; status: number | null } }>(`mutation ($id: ID!) { testNotificationChannel(id: $id) { ok status } }`, { id: created.channel.id }))
      .testNotificationChannel;
  try {
    const first = await waitFor(async () => {
      const r = await send();
      return r.status === null ? null : r;
    }, "the receiver to listen");
    assert.deepEqual(first, { ok: true, status: 204 });
    // A new secret with no overlap: the receiver still holds the old one, so the signature no longer verifies.
    await t.ok(`mutation ($id: ID!) { rotateNotificationChannelSecret(id: $id, overlapSeconds: 0) { secret } }`, { id: created.channel.id });
    assert.deepEqual(await send(), { ok: false, status: 401 });
  } finally {
    receiver.kill();
    await t.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
