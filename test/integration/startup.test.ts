// `npm start` as a newcomer runs it: the real entry point, embedded PostgreSQL in a fresh directory.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { CREATE_ALERT, GET_ALERT, minimalAlert } from "../support/queries";
import { startServerProcess } from "../support/server-process";
import { waitFor } from "../support/wait";

const MAIN = join(__dirname, "..", "..", "src", "main.js");
const dataDir = mkdtempSync(join(tmpdir(), "alerts-startup-"));
after(() => rmSync(dataDir, { recursive: true, force: true }));

const start = (env: Record<string, string> = {}) => startServerProcess({ DATA_DIR: dataDir, ...env });

/** PostgreSQL removes its pid file just before its last process exits: wait (bounded) for the exit. */
async function gone(pid: number | undefined): Promise<boolean> {
  for (let waitedMs = 0; waitedMs < 10_000; waitedMs += 50) {
    if (!alive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

async function gql(url: string, key: string, query: string, variables?: unknown) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: Record<string, { id: string; name: string }>; errors?: unknown[] };
}

const postmasterPid = () => {
  try {
    return Number(readFileSync(join(dataDir, "pg", "postmaster.pid"), "utf8").split("\n")[0]);
  } catch {
    return undefined;
  }
};

const alive = (pid: number | undefined) => {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test("first start in an empty DATA_DIR, a restart, and a restart after SIGKILL keep every key and alert", async (t) => {
  // First start: initialises PostgreSQL, migrates, generates and prints an ADMIN key once.
  const first = await start();
  const origin = new URL(first.url).origin;
  await waitFor(async () => (await fetch(`${origin}/readyz`)).status === 200, "ready");
  const printed = /^\s+(ak_[A-Za-z0-9_-]{20,})$/m.exec(first.stdout());
  assert.ok(printed, `the generated key is printed:\n${first.stdout()}`);
  const adminKey = printed[1];
  const created = await gql(first.url, adminKey, CREATE_ALERT, { input: minimalAlert({ customerId: "acme", name: "kept" }) });
  assert.equal(created.errors, undefined);
  const alertId = created.data!.createAlert.id;
  t.diagnostic(`cold start (initdb + migrations) to listening: ${Math.round(first.listeningMs)} ms`);

  // SIGTERM: a clean stop, PostgreSQL included.
  const pid = postmasterPid();
  assert.ok(alive(pid));
  first.child.kill("SIGTERM");
  assert.equal(await first.exited(), 0);
  assert.ok(await gone(pid), "embedded PostgreSQL stopped with the server");

  // Second start: nothing printed, the key and the alert are still there.
  const second = await start();
  t.diagnostic(`warm start to listening: ${Math.round(second.listeningMs)} ms`);
  assert.doesNotMatch(second.stdout(), /ak_[A-Za-z0-9_-]{20,}/, "the key is printed only on the first start");
  const read = await gql(second.url, adminKey, GET_ALERT, { id: alertId });
  assert.equal(read.data?.alert.name, "kept");

  // SIGKILL leaves PostgreSQL running; the next start stops it cleanly and takes over.
  const orphan = postmasterPid();
  second.child.kill("SIGKILL");
  await second.exited();
  assert.ok(alive(orphan), "PostgreSQL outlived the killed server");
  const third = await start();
  const readAgain = await gql(third.url, adminKey, GET_ALERT, { id: alertId });
  assert.equal(readAgain.data?.alert.name, "kept");
  assert.notEqual(postmasterPid(), orphan);
  // A second live process on the same DATA_DIR is refused, and leaves the first one's server alone.
  await assert.rejects(start(), /DATA_DIR .* is in use by process \d+/);
  assert.equal((await gql(third.url, adminKey, GET_ALERT, { id: alertId })).data?.alert.name, "kept");
  third.child.kill("SIGINT");
  assert.equal(await third.exited(), 0);
});

test("ADMIN_API_KEY becomes the first platform ADMIN key; a bad setting stops the start with a message", async () => {
  const dir = mkdtempSync(join(tmpdir(), "alerts-startup-env-"));
  try {
    const key = "my-admin-key-0123456789abcdef";
    const started = await start({ DATA_DIR: dir, ADMIN_API_KEY: key });
    assert.doesNotMatch(started.stdout(), /generated/);
    const viewer = await gql(started.url, key, "{ viewer { role customerId } }");
    assert.deepEqual(viewer.data, { viewer: { role: "ADMIN", customerId: null } });
    started.child.kill("SIGTERM");
    await started.exited();

    const bad = spawn(process.execPath, [MAIN], { env: { ...process.env, DATA_DIR: dir, PORT: "nope", ROLE: "boss" }, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    bad.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    assert.equal(await new Promise((resolve) => bad.once("exit", resolve)), 2);
    assert.match(stderr, /PORT="nope": expected a TCP port/);
    assert.match(stderr, /ROLE="boss": expected one of all, api, engine/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
