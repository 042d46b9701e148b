// Every line the server prints is JSON (issue 13, item 7): also what libraries print with console, such
// as graphql-ws reporting a WebSocket frame larger than MAX_REQUEST_BYTES.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import WebSocket from "ws";
import { createTestDatabase } from "../support/database";
import { startServerProcess } from "../support/server-process";
import { waitFor } from "../support/wait";

test("an oversized WebSocket frame is logged as JSON, like every other line", async () => {
  const db = await createTestDatabase();
  const server = await startServerProcess({ DATABASE_URL: db.url, ADMIN_API_KEY: `logs-${randomBytes(16).toString("hex")}`, MAX_REQUEST_BYTES: "2048" });
  try {
    const socket = new WebSocket(server.url.replace(/^http/, "ws"), "graphql-transport-ws");
    await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
    const closed = new Promise<number>((resolve) => socket.once("close", (code) => resolve(code)));
    socket.send(JSON.stringify({ type: "connection_init", payload: { pad: "x".repeat(10_000) } }));
    assert.equal(await closed, 1009, "closed as too big");
    const line = await waitFor(() => server.stdout().split("\n").find((l) => l.includes("RangeError")), "the socket error in the log");
    const entry = JSON.parse(line) as { level: number; component: string; msg: string };
    assert.equal(entry.component, "console");
    assert.equal(entry.level, 50);
    assert.match(entry.msg, /WebSocket socket.*RangeError: Max payload size exceeded/);
    for (const out of [server.stdout(), server.stderr()]) {
      for (const l of out.split("\n").filter(Boolean)) assert.doesNotThrow(() => JSON.parse(l), `not JSON: ${l}`);
    }
  } finally {
    server.child.kill("SIGTERM");
    await server.exited();
    await db.drop();
  }
});
