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
      const batches = value(body, 'alerts_batch_duration_seconds_bucket{le="+Inf"}') ?? 0;
      return (value(body, "alerts_events_qualified_total") ?? 0) >= 3 && batches >= 1 ? body : null;
    }, "the events counted in the metrics, and their batch committed");
    assert.equal(value(text, "alerts_events_in_total"), 3);
    assert.match(text, /alerts_crossings_total\{direction="RAISED"\} 1/);
    assert.match(text, /alerts_consumer_lag_events\{partition="0"\} 0/);
    assert.match(text, /alerts_graphql_requests_total\{operation="anonymous",status="200"\} \d+/);
    assert.match(text, /alerts_graphql_request_duration_seconds_bucket/);
    assert.equal(value(text, "alerts_subscriptions_active"), 0);
    assert.match(text, /alerts_batch_duration_seconds_bucket\{le="\+Inf"\} [1-9]/);
    assert.match(text, /alerts_process_resident_memory_bytes/);
    assert.deepEqual(conventionProblems(text), []);
  } finally {
    await t.stop();
  }
});

/**
 * Prometheus naming conventions, checked on a whole exposition: every family has HELP and TYPE, names
 * are snake_case under alerts_, a counter's name ends in _total and only a counter's does, durations and
 * sizes are in base units (seconds, bytes; never _ms), and each sample belongs to a declared family.
 */
function conventionProblems(text: string): string[] {
  const problems: string[] = [];
  const help = new Map<string, string>();
  const type = new Map<string, string>();
  for (const line of text.split("\n")) {
    const declared = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
    if (declared) (declared[1] === "HELP" ? help : type).set(declared[2], declared[3]);
  }
  for (const [name, kind] of type) {
    if (!/^alerts_[a-z][a-z0-9_]*$/.test(name)) problems.push(`${name}: not snake_case under alerts_`);
    if (!help.get(name)) problems.push(`${name}: no HELP`);
    if (!["counter", "gauge", "histogram", "summary"].includes(kind)) problems.push(`${name}: TYPE ${kind}`);
    if ((kind === "counter") !== name.endsWith("_total")) problems.push(`${name}: a ${kind}${kind === "counter" ? " not named *_total" : " named *_total"}`);
    if (/_ms(_|$)|_millis|_milliseconds|_kb(_|$)|_mb(_|$)/.test(name)) problems.push(`${name}: not in base units`);
    if (kind === "histogram" && !/_(seconds|bytes)$/.test(name)) problems.push(`${name}: a histogram without its unit`);
  }
  for (const name of help.keys()) if (!type.has(name)) problems.push(`${name}: HELP without TYPE`);
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!sample) {
      problems.push(`unparsable sample: ${line}`);
      continue;
    }
    const family = [...type.keys()].find((n) => sample[1] === n || (/^(histogram|summary)$/.test(type.get(n)!) && /^(_bucket|_sum|_count)$/.test(sample[1].slice(n.length)) && sample[1].startsWith(n)));
    if (!family) problems.push(`${sample[1]}: a sample of no declared family`);
    if (Number.isNaN(Number(sample[3])) && !/^[+-]Inf$|^NaN$/.test(sample[3])) problems.push(`${sample[1]}: value ${sample[3]}`);
  }
  return problems;
}
