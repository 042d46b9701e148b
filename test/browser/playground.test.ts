// The GraphiQL playground at /graphql in a real browser (Debian's chromium driven by playwright-core): a
// subscription run from the page receives a threshold crossing, and nothing is fetched from elsewhere.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { startTestApp } from "../support/app";
import { makeKey } from "../support/keys";
import { waitFor } from "../support/wait";

const CHROMIUM = "/usr/bin/chromium";
const ARTIFACTS = join(__dirname, "..", "..", "..", "test-artifacts");
const UI_TIMEOUT_MS = 15_000;
const SUBSCRIPTION = "subscription { thresholdCrossed { id direction } }";

/** Skipped (with the reason) without chromium, unless REQUIRE_BROWSER=1: then the test runs and fails. */
const skip = existsSync(CHROMIUM) || process.env.REQUIRE_BROWSER === "1" ? false : `${CHROMIUM} is not installed (apt-get install -y chromium)`;

async function launch(): Promise<Browser> {
  assert.ok(existsSync(CHROMIUM), `REQUIRE_BROWSER=1 but ${CHROMIUM} is not installed (apt-get install -y chromium)`);
  // launch() runs the browser on a fresh temporary user-data-dir of its own, removed on close.
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run", "--disable-component-update", "--disable-sync", "--disable-quic"],
  });
}

/** Every URL the page asks for: documents, scripts, styles, fetches and WebSockets. */
function recordUrls(context: BrowserContext, page: Page): string[] {
  const urls: string[] = [];
  context.on("request", (request) => urls.push(request.url()));
  page.on("websocket", (ws) => urls.push(ws.url()));
  return urls;
}

function assertLocalOnly(urls: readonly string[]): void {
  assert.ok(urls.length > 0, "no request recorded");
  const outside = urls.filter((raw) => {
    const url = new URL(raw);
    if (url.protocol === "data:" || url.protocol === "blob:" || url.protocol === "about:") return false;
    return !["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
  });
  assert.deepEqual(outside, [], "requests that left this machine");
}

async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, name), fullPage: true });
}

test("playground: a subscription run in GraphiQL receives a threshold crossing", { skip, timeout: 120_000 }, async (ctx) => {
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
