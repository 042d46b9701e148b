// The GraphiQL playground at /graphql in a real browser (Debian's chromium driven by playwright-core): a
// subscription run from the page receives a threshold crossing, and nothing is fetched from elsewhere.
import { test } from "node:test";
import assert from "node:assert/strict";
import { startTestApp } from "../support/app";
import { UI_TIMEOUT_MS, assertLocalOnly, launch, recordUrls, screenshot, skipWithoutBrowser } from "../support/browser";
import { makeKey } from "../support/keys";
import { waitFor } from "../support/wait";

const SUBSCRIPTION = "subscription { thresholdCrossed { id direction } }";

test("playground: a subscription run in GraphiQL receives a threshold crossing", { skip: skipWithoutBrowser, timeout: 120_000 }, async (ctx) => {
  const t = await startTestApp();
  ctx.after(() => t.stop());
  const acme = await makeKey(t, "EDITOR", "acme", "acme playground");
  await t.ok(
    `mutation ($input: CreateAlertInput!) { createAlert(input: $input) { id } }`,
    { input: { name: "Any login", eventType: "user.login", threshold: { operator: "GREATER_THAN_OR_EQUAL", value: 1 } } },
    acme.secret,
  );

  const browser = await launch();
  ctx.after(() => browser.close());
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(UI_TIMEOUT_MS);
  const urls = recordUrls(context, page);
  const pageErrors: string[] = [];
  page.on("pageerror", (err) => pageErrors.push(err.message));

  try {
    // A normal navigation (Accept: text/html) gets the page rather than a GraphQL answer.
    const response = await page.goto(t.url);
    assert.match(response?.headers()["content-type"] ?? "", /^text\/html/);
    await page.locator("#pg-api-key").fill(acme.secret);
    await page.getByRole("button", { name: "Use key" }).click();
    await page.getByText("Key set for this tab only").waitFor();

    // Put the subscription into the query editor (CodeMirror 5 keeps its API on its element) and run it.
    const editor = page.locator(".graphiql-query-editor .CodeMirror").first();
    await editor.waitFor();
    await editor.evaluate((el, query) => (el as unknown as { CodeMirror: { setValue(v: string): void } }).CodeMirror.setValue(query), SUBSCRIPTION);
    await page.locator(".graphiql-execute-button").click();
    await waitFor(() => t.app.activeSubscriptions() >= 1, "the playground's subscription");

    await t.ok(
      `mutation ($events: [EventInput!]!) { publishEvents(events: $events) { accepted } }`,
      { events: [{ customerId: "acme", application: "okta", eventType: "user.login", payload: { user: "ann" } }] },
      acme.secret,
    );
    await page.locator(".result-window", { hasText: "RAISED" }).waitFor();
    const result = (await page.locator(".result-window").textContent()) ?? "";
    assert.match(result, /"thresholdCrossed"/);
    assert.match(result, /"direction": "RAISED"/);
    await screenshot(page, "playground.png");
  } catch (err) {
    await screenshot(page, "playground-failure.png").catch(() => undefined);
    if (pageErrors.length > 0) ctx.diagnostic(`script errors on the page: ${pageErrors.join(" | ")}`);
    throw err;
  }
  assert.deepEqual(pageErrors, [], "no script errors");
  assertLocalOnly(urls);
});
