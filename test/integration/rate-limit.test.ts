import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startTestApp, type TestApp } from "../support/app";
import { makeKey } from "../support/keys";
import { CREATE_ALERT, VIEWER, minimalAlert } from "../support/queries";

let t: TestApp;
before(async () => {
  t = await startTestApp({ RATE_LIMIT_MUTATIONS_PER_SECOND: "1", RATE_LIMIT_EVENTS_PER_SECOND: "5" });
});
after(() => t?.stop());

test("mutations beyond a key's rate answer 429 RATE_LIMITED; reads and other keys go on", async () => {
  const key = (await makeKey(t, "EDITOR", "acme")).secret;
  const codes: string[] = [];
  for (let i = 0; i < 12; i++) {
    const result = await t.gql(CREATE_ALERT, { input: minimalAlert() }, key);
    codes.push(result.errors?.[0]?.extensions?.code ?? "OK");
    if (result.errors) assert.equal(result.status, 429);
  }
  assert.deepEqual(codes.slice(0, 10), Array(10).fill("OK"), "a burst of 10");
  assert.deepEqual(codes.slice(10), ["RATE_LIMITED", "RATE_LIMITED"]);
  assert.equal((await t.gql(VIEWER, {}, key)).errors, undefined, "reads are not limited");
  const other = (await makeKey(t, "EDITOR", "globex")).secret;
  assert.equal((await t.gql(CREATE_ALERT, { input: minimalAlert() }, other)).errors, undefined);
});

test("publishEvents spends one token per event", async () => {
  const key = (await makeKey(t, "EDITOR", "initech")).secret;
  const events = (n: number) => Array.from({ length: n }, () => ({ customerId: "initech", application: "a", eventType: "e", payload: {} }));
  const PUBLISH = `mutation ($events: [EventInput!]!) { publishEvents(events: $events) { accepted } }`;
  assert.equal((await t.gql(PUBLISH, { events: events(40) }, key)).errors, undefined);
  const over = await t.gql(PUBLISH, { events: events(20) }, key);
  assert.equal(over.errors?.[0]?.extensions?.code, "RATE_LIMITED");
  assert.match(over.errors![0].message, /published events/);
});
