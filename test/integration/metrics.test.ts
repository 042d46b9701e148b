import assert from "node:assert/strict";
import { test } from "node:test";
import { startTestApp } from "../support/app";
import { CREATE_ALERT, minimalAlert } from "../support/queries";
import { waitFor } from "../support/wait";

const value = (text: string, metric: string): number | undefined => {
  const line = text.split("\n").find((l) => l.startsWith(metric + " ") || l.startsWith(metric + "{"));
  return line === undefined ? undefined : Number(line.split(" ").at(-1));
};

test("/metrics reports the engine's counters, crossings, lag, GraphQL traffic and subscriptions", async () => {
  const t = await startTestApp();
  try {
    await t.ok(CREATE_ALERT, { input: minimalAlert({ customerId: "acme", threshold: { operator: "GREATER_THAN_OR_EQUAL", value: 2 } }) });
    await t.ok(`mutation ($e: [EventInput!]!) { publishEvents(events: $e) { accepted } }`, {
      e: [1, 2, 3].map(() => ({ customerId: "acme", application: "a", eventType: "e", payload: {} })),
    });
    const origin = new URL(t.url).origin;
    const text = await waitFor(async () => {
      const body = await (await fetch(`${origin}/metrics`)).text();
      // a batch's duration is observed once its commit is done, after its events were counted
      const batches = value(body, 'alerts_batch_duration_ms_bucket{le="+Inf"}') ?? 0;
      return (value(body, "alerts_events_qualified_total") ?? 0) >= 3 && batches >= 1 ? body : null;
    }, "the events counted in the metrics, and their batch committed");
    assert.equal(value(text, "alerts_events_in_total"), 3);
    assert.match(text, /alerts_crossings_total\{direction="RAISED"\} 1/);
    assert.match(text, /alerts_consumer_lag_events\{partition="0"\} 0/);
    assert.match(text, /alerts_graphql_requests_total\{operation="anonymous",status="200"\} \d+/);
    assert.match(text, /alerts_graphql_request_duration_seconds_bucket/);
    assert.equal(value(text, "alerts_subscriptions_active"), 0);
    assert.match(text, /alerts_batch_duration_ms_bucket\{le="\+Inf"\} [1-9]/);
    assert.match(text, /alerts_process_resident_memory_bytes/);
  } finally {
    await t.stop();
  }
});
