// A key revoked through one API server stops at once on every server, its open subscriptions included.
import assert from "node:assert/strict";
import { test } from "node:test";
import { startApp } from "../../src/app";
import { loadConfig } from "../../src/config/config";
import { createLogger } from "../../src/logger";
import { startTestApp } from "../support/app";
import { makeKey } from "../support/keys";
import { REVOKE_KEY, VIEWER } from "../support/queries";
import { subscribe } from "../support/subscriber";
import { waitFor } from "../support/wait";

test("revoking on server A closes the key's subscription on server B, and B refuses the key", async () => {
  const a = await startTestApp();
  const b = await startApp(loadConfig({ DATABASE_URL: a.databaseUrl, PORT: "0", ROLE: "api" }), createLogger("silent"));
  try {
    const victim = await makeKey(a, "VIEWER", "acme");
    const sub = subscribe(b.url!, victim.secret, `subscription { thresholdCrossed { id } }`);
    let closedWith: number | undefined;
    const closed = new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (sub.errors.length > 0) {
          closedWith = (sub.errors[0] as { code?: number }).code;
          clearInterval(poll);
          resolve();
        }
      }, 20);
    });
    await sub.connected;
    await waitFor(() => b.activeSubscriptions() === 1, "the subscription registered on B");
    await a.ok(REVOKE_KEY, { id: victim.id });
    await closed;
    assert.equal(closedWith, 4403);
    const onB = await fetch(b.url!, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${victim.secret}` },
      body: JSON.stringify({ query: VIEWER }),
    });
    assert.equal(onB.status, 401);
    await sub.close();
  } finally {
    await b.stop();
    await a.stop();
  }
});
