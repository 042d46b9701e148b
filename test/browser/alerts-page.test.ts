// The live alerts page at "/" in a real browser (Debian's chromium driven by playwright-core): sign in,
// create an alert through the form, see its crossing arrive without a reload, test and backtest it, edit
// it, and resume the live feed after a dropped connection without missing a crossing.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { WebSocketRoute } from "playwright-core";
import { startTestApp } from "../support/app";
import { UI_TIMEOUT_MS, assertLocalOnly, launch, openPage, screenshot, skipWithoutBrowser } from "../support/browser";
import { makeKey } from "../support/keys";
import { waitFor } from "../support/wait";

const PUBLISH = `mutation ($events: [EventInput!]!) { publishEvents(events: $events) { accepted } }`;
const CROSSINGS = `{ thresholdCrossings(first: 100) { nodes { id cursor direction alert { name } } } }`;

const adminEvent = (actor: string, user: string) => ({
  customerId: "acme",
  application: "gsuite",
  eventType: "user.admin_granted",
  payload: { actor: { email: actor }, user: { email: user, isAdmin: true } },
});

test("alerts page: sign in, create an alert, see crossings live, test, backtest, edit, and resume after a drop", { skip: skipWithoutBrowser, timeout: 120_000 }, async (ctx) => {
  const t = await startTestApp();
  ctx.after(() => t.stop());
  const base = t.url.replace(/\/graphql$/, "");
  const acme = await makeKey(t, "EDITOR", "acme", "acme browser");

  const browser = await launch();
  ctx.after(() => browser.close());
  // A 400 answer (the field error the test provokes) is logged by the browser itself, not counted as a script error.
  const { page, urls, pageErrors } = await openPage(browser);

  // The page's WebSocket goes through a route the test controls, so the test can drop it like a network would.
  const sockets: WebSocketRoute[] = [];
  const sentToServer: string[] = [];
  let refuseSockets = false;
  await page.routeWebSocket(/\/graphql$/, (ws) => {
    urls.push(ws.url());
    if (refuseSockets) {
      ws.close({ code: 1013, reason: "test: server unreachable" });
      return;
    }
    const server = ws.connectToServer();
    ws.onMessage((message) => {
      sentToServer.push(String(message));
      server.send(message);
    });
    server.onMessage((message) => ws.send(message));
    sockets.push(ws);
  });

  page.setDefaultTimeout(UI_TIMEOUT_MS);
  try {
    // Sign in.
    await page.goto(`${base}/`);
    await page.getByLabel("API key").fill(acme.secret);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.locator("#viewer-scope", { hasText: "Customer acme" }).waitFor({ timeout: UI_TIMEOUT_MS });
    assert.equal(await page.locator(".who .role").textContent(), "EDITOR");
    await page.locator("#conn.conn-live").waitFor({ timeout: UI_TIMEOUT_MS });
    assert.deepEqual(await page.evaluate("[sessionStorage.length, localStorage.length]"), [1, 0], "the key is in sessionStorage only");

    // Create an alert through the form; a bad path first, to see the server's field error next to the field.
    await page.getByRole("link", { name: "New alert" }).click();
    await page.getByLabel("Name").fill("Admins granted");
    await page.getByLabel("Severity").selectOption("HIGH");
    await page.getByLabel("Application").fill("gsuite");
    await page.getByLabel("Event type").fill("user.admin_granted");
    await page.getByRole("button", { name: "+ Add condition" }).click();
    await page.getByLabel("Path 1").fill("user.isAdmin");
    await page.getByLabel("Operator 1").selectOption("EQUALS");
    await page.getByLabel("Value 1 (JSON)").fill("true");
    await page.getByLabel("Group by").fill("$.actor.email");
    await page.getByLabel("Entity path").fill("$.user.email");
    await page.getByLabel("Window", { exact: true }).selectOption("SLIDING");
    await page.getByLabel("Window length (seconds)").fill("600");
    await page.getByLabel("Fires when the value is").selectOption("GREATER_THAN_OR_EQUAL");
    await page.getByLabel("Threshold", { exact: true }).fill("2");
    await page.getByRole("button", { name: "Create alert" }).click();
    const pathError = page.locator("#f-c0-path-error");
    await pathError.waitFor({ state: "visible", timeout: UI_TIMEOUT_MS });
    assert.ok(((await pathError.textContent()) ?? "").length > 0, "the field error says what is wrong");
    assert.equal(await page.getByLabel("Path 1").getAttribute("aria-invalid"), "true");
    await screenshot(page, "alerts-page-field-error.png");
    await page.getByLabel("Path 1").fill("$.user.isAdmin");

    // "Test on a sample event" with an event made from the form.
    await page.getByRole("button", { name: "Fill from the form" }).click();
    await page.getByRole("button", { name: "Run test" }).click();
    await page.locator(".verdict.yes").waitFor({ timeout: UI_TIMEOUT_MS });
    assert.match((await page.locator(".verdict").textContent()) ?? "", /Matched/);
    await screenshot(page, "alerts-page-editor.png");

    await page.getByRole("button", { name: "Create alert" }).click();
    const card = page.locator("article.alert-card", { hasText: "Admins granted" });
    await card.waitFor({ timeout: UI_TIMEOUT_MS });
    assert.match((await card.textContent()) ?? "", /Sliding, 10 min/);
    assert.match((await card.textContent()) ?? "", /count ≥\s2/);

    // Two qualifying events through the API: the crossing appears in the live feed without a reload.
    await waitFor(() => t.app.activeSubscriptions() >= 2, "the page's subscriptions");
    await page.evaluate("window.notReloaded = true");
    await t.ok(PUBLISH, { events: [adminEvent("mallory@acme.com", "u1@acme.com"), adminEvent("mallory@acme.com", "u2@acme.com")] }, acme.secret);
    const raised = page.locator("#feed .feed-item", { hasText: "Admins granted" }).first();
    await raised.waitFor({ timeout: UI_TIMEOUT_MS });
    assert.match((await raised.textContent()) ?? "", /RAISED/);
    assert.match((await raised.textContent()) ?? "", /u2@acme\.com/);
    const firingRow = card.locator("tr.firing");
    await firingRow.waitFor({ timeout: UI_TIMEOUT_MS });
    const row = (await firingRow.textContent()) ?? "";
    assert.match(row, /FIRING/);
    assert.match(row, /mallory@acme\.com/);
    assert.match(row, /u1@acme\.com/);
    assert.match(row, /u2@acme\.com/);
    assert.equal(await page.evaluate("window.notReloaded"), true, "no reload");
    await screenshot(page, "alerts-page.png");

    // The connection drops; a crossing happens meanwhile; after the reconnect the page resumes after the
    // last cursor it saw, so the missed crossing still arrives.
    const before = (await t.ok<{ thresholdCrossings: { nodes: { cursor: string }[] } }>(CROSSINGS, {}, acme.secret)).thresholdCrossings.nodes;
    assert.equal(before.length, 1);
    await t.ok(
      `mutation ($input: CreateAlertInput!) { createAlert(input: $input) { id } }`,
      { input: { name: "File shared publicly", severity: "CRITICAL", eventType: "file.shared", entityPath: "$.file.name", threshold: { operator: "GREATER_THAN_OR_EQUAL", value: 1 } } },
      acme.secret,
    );
    refuseSockets = true;
    for (const ws of sockets) await ws.close({ code: 1012, reason: "test: connection dropped" });
    await page.locator("#conn.conn-reconnecting").waitFor({ timeout: UI_TIMEOUT_MS });
    await t.ok(PUBLISH, { events: [{ customerId: "acme", application: "drive", eventType: "file.shared", payload: { file: { name: "plans.pdf" } } }] }, acme.secret);
    await waitFor(async () => (await t.ok<{ thresholdCrossings: { nodes: unknown[] } }>(CROSSINGS, {}, acme.secret)).thresholdCrossings.nodes.length === 2, "the crossing made while disconnected");
    const subscribesBefore = sentToServer.length;
    refuseSockets = false;
    await page.locator("#conn.conn-live").waitFor({ timeout: 30_000 });
    const missed = page.locator("#feed .feed-item", { hasText: "File shared publicly" });
    await missed.waitFor({ timeout: UI_TIMEOUT_MS });
    assert.match((await missed.textContent()) ?? "", /plans\.pdf/);
    const resubscribed = sentToServer
      .slice(subscribesBefore)
      .map((m) => JSON.parse(m) as { type: string; payload?: { query: string; variables?: { after?: string } } })
      .find((m) => m.type === "subscribe" && m.payload?.query.includes("thresholdCrossed"));
    assert.equal(resubscribed?.payload?.variables?.after, before[0].cursor, "resubscribed after the last cursor seen");

    // Backtest and edit: raising the threshold to 3 clears the status, live.
    await card.getByRole("link", { name: "Edit Admins granted" }).click();
    await page.getByRole("button", { name: "Run backtest" }).click();
    await page.locator(".figures").waitFor({ timeout: UI_TIMEOUT_MS });
    assert.match((await page.locator(".figures").textContent()) ?? "", /2\s*qualified/);
    await screenshot(page, "alerts-page-backtest.png");
    await page.getByLabel("Threshold", { exact: true }).fill("3");
    await page.getByRole("button", { name: "Save changes" }).click();
    await card.locator("dd", { hasText: /count ≥\s3/ }).waitFor({ timeout: UI_TIMEOUT_MS });
    const cleared = page.locator("#feed .feed-item.CLEARED", { hasText: "Admins granted" });
    await cleared.waitFor({ timeout: UI_TIMEOUT_MS });
    await card.locator("tr:not(.firing)", { hasText: "OK" }).waitFor({ timeout: UI_TIMEOUT_MS });

    // Filters are client-side: CRITICAL hides the HIGH alert and its crossings.
    await page.getByLabel("Severity").selectOption("CRITICAL");
    await card.waitFor({ state: "detached", timeout: UI_TIMEOUT_MS });
    assert.equal(await page.locator("#feed .feed-item:visible").count(), 1);
    await page.getByLabel("Severity").selectOption("");

    await page.setViewportSize({ width: 800, height: 1000 });
    await screenshot(page, "alerts-page-800.png");
    const overflow = await page.evaluate<number>("document.documentElement.scrollWidth - document.documentElement.clientWidth");
    assert.ok(overflow <= 0, `no horizontal scrolling at 800 px (overflow ${overflow} px)`);

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("API key").waitFor({ timeout: UI_TIMEOUT_MS });
    assert.equal(await page.evaluate("sessionStorage.length"), 0, "signing out forgets the key");

  } catch (err) {
    await screenshot(page, "alerts-page-failure.png").catch(() => undefined);
    if (pageErrors.length > 0) ctx.diagnostic(`script errors on the page: ${pageErrors.join(" | ")}`);
    throw err;
  }
  assert.deepEqual(pageErrors, [], "no script errors");
  assertLocalOnly(urls);
});
