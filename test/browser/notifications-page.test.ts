// The Notifications screen of the live page (issue 14) in a real browser, against a real HTTP receiver:
// make a webhook channel and see its secret once, test it, notify it from the alert editor, watch the
// delivery land in the log, and redeliver one that failed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { startTestApp } from "../support/app";
import { ARTIFACTS, UI_TIMEOUT_MS, assertLocalOnly, launch, openPage, screenshot, skipWithoutBrowser } from "../support/browser";
import { makeKey } from "../support/keys";
import { startHttpReceiver } from "../support/receivers";
import { waitFor } from "../support/wait";

const PUBLISH = `mutation ($events: [EventInput!]!) { publishEvents(events: $events) { accepted } }`;
const CREATE_ALERT = `mutation ($input: CreateAlertInput!) { createAlert(input: $input) { id } }`;
const ALERTS = `{ alerts(first: 100) { nodes { name notify notifyOnClear repeatIntervalSeconds groupWaitSeconds } } }`;
const DELIVERY_COUNT = `query ($channelId: ID) { deliveries(channelId: $channelId, first: 1) { totalCount } }`;

const event = (eventType: string, payload: Record<string, unknown>) => ({ customerId: "acme", application: "gsuite", eventType, payload });

test("notifications page: a webhook channel with its secret shown once, tested, notified from the editor, delivered, and a failed delivery redelivered", { skip: skipWithoutBrowser, timeout: 120_000 }, async (ctx) => {
  const receiver = await startHttpReceiver();
  ctx.after(() => receiver.close());
  let failingFixed = false;
  receiver.answer = (req) => (req.path.startsWith("/failing") && !failingFixed ? { status: 500 } : { status: 200 });
  // Loopback receivers, and one quick retry so a failing delivery gives up within the test.
  const t = await startTestApp({ WEBHOOK_ALLOW_PRIVATE: "1", DELIVERY_RETRY_SECONDS: "0.1" });
  ctx.after(() => t.stop());
  const base = t.url.replace(/\/graphql$/, "");
  const acme = await makeKey(t, "EDITOR", "acme", "acme browser");

  const browser = await launch();
  ctx.after(() => browser.close());
  // The 400 of the bad URL the test provokes is logged by the browser itself, not counted as a script error.
  const { page, urls, pageErrors } = await openPage(browser);
  page.setDefaultTimeout(UI_TIMEOUT_MS);

  try {
    await page.goto(`${base}/`);
    await page.getByLabel("API key").fill(acme.secret);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.locator("#viewer-scope", { hasText: "Customer acme" }).waitFor();

    await page.getByRole("link", { name: "Notifications" }).click();
    await page.getByRole("heading", { name: "Notifications" }).waitFor();
    assert.equal(await page.locator("#nav-channels").getAttribute("aria-current"), "page");
    await page.locator(".channel-list .empty").waitFor();

    // A URL the server refuses: its message shows next to the field.
    await page.getByLabel("Name").fill("Ops webhook");
    await page.getByLabel("Kind").selectOption("WEBHOOK");
    await page.getByLabel("URL", { exact: true }).fill("not a url");
    await page.getByRole("button", { name: "Create channel" }).click();
    const urlError = page.locator("#c-url-error");
    await urlError.waitFor({ state: "visible" });
    assert.match((await urlError.textContent()) ?? "", /http or https URL/);
    assert.equal(await page.getByLabel("URL", { exact: true }).getAttribute("aria-invalid"), "true");

    // The kind decides the fields: e-mail takes recipients, PagerDuty a routing key.
    await page.getByLabel("Kind").selectOption("EMAIL");
    assert.ok(await page.getByLabel("Recipients").isVisible());
    assert.ok(!(await page.locator("#c-url").isVisible()));
    await page.getByLabel("Kind").selectOption("PAGERDUTY");
    assert.ok(await page.getByLabel("Routing key").isVisible());
    assert.ok(await page.getByLabel("Events API URL (optional)").isVisible());
    await page.getByLabel("Kind").selectOption("WEBHOOK");

    // Created: the signing secret once, with the note that it is shown only now; the URL's token masked.
    await page.getByLabel("URL", { exact: true }).fill(`${receiver.url}/ops?token=abc`);
    await page.getByRole("button", { name: "Create channel" }).click();
    const createdSecret = page.locator(".create-result .secret-box");
    await createdSecret.waitFor();
    const secret = (await createdSecret.locator("[data-secret]").textContent()) ?? "";
    assert.match(secret, /^whsec_[A-Za-z0-9+/]+=*$/);
    assert.match((await createdSecret.textContent()) ?? "", /Shown only now/);
    const ops = page.locator("article.channel-card", { hasText: "Ops webhook" });
    await ops.waitFor();
    const opsId = (await ops.getAttribute("data-channel-id"))!;
    assert.match((await ops.textContent()) ?? "", /\/ops\?token=\*\*\*\*/);
    assert.doesNotMatch((await ops.textContent()) ?? "", /token=abc/);
    await createdSecret.getByRole("button", { name: "Done, I have saved it" }).click();
    await createdSecret.waitFor({ state: "detached" });
    assert.ok(!(await page.content()).includes(secret), "the secret is gone from the page once dismissed");

    // Test: the receiver answers 200.
    await ops.getByRole("button", { name: "Test Ops webhook" }).click();
    const verdict = ops.locator(".card-result .verdict");
    await verdict.waitFor();
    assert.match((await verdict.textContent()) ?? "", /Test ok: HTTP 200 in \d+ ms/);
    assert.equal(receiver.requests.filter((r) => r.path.startsWith("/ops")).length, 1);

    // Disable and enable again.
    await ops.getByRole("button", { name: "Disable Ops webhook" }).click();
    await ops.locator(".badge", { hasText: "Disabled" }).waitFor();
    await ops.getByRole("button", { name: "Enable Ops webhook" }).click();
    await ops.locator(".badge", { hasText: "Enabled" }).waitFor();

    // Rotate: confirmed first, then a new secret shown once, and the previous one's overlap.
    await ops.getByRole("button", { name: "Rotate the secret of Ops webhook" }).click();
    await ops.getByRole("button", { name: "Rotate the secret", exact: true }).click();
    const rotated = ops.locator(".card-result .secret-box");
    await rotated.waitFor();
    const secret2 = (await rotated.locator("[data-secret]").textContent()) ?? "";
    assert.match(secret2, /^whsec_/);
    assert.notEqual(secret2, secret);
    assert.match((await rotated.textContent()) ?? "", /Shown only now/);
    await ops.locator("dt", { hasText: "Previous secret signs until" }).waitFor();
    await rotated.getByRole("button", { name: "Done, I have saved it" }).click();

    // The editor: notify the channel, with the routing settings.
    await page.getByRole("link", { name: "Alerts", exact: true }).click();
    await page.getByRole("link", { name: "New alert" }).click();
    await page.getByLabel("Name").fill("Admin granted");
    await page.getByLabel("Application").fill("gsuite");
    await page.getByLabel("Event type").fill("user.admin_granted");
    await page.getByLabel("Ops webhook").check();
    await page.getByLabel("Also notify when it clears").uncheck();
    await page.getByLabel("Repeat while firing (seconds)").fill("3600");
    await page.getByLabel("Group crossings within (seconds)").fill("0");
    await page.locator("fieldset", { hasText: "Notify these channels" }).screenshot({ path: `${ARTIFACTS}/notifications-editor.png` });
    await page.getByRole("button", { name: "Create alert" }).click();
    const card = page.locator("article.alert-card", { hasText: "Admin granted" });
    await card.waitFor();
    await card.locator("dd", { hasText: "Ops webhook" }).waitFor();
    const saved = (await t.ok<{ alerts: { nodes: { name: string; notify: string[]; notifyOnClear: boolean; repeatIntervalSeconds: number | null; groupWaitSeconds: number }[] } }>(ALERTS, {}, acme.secret))
      .alerts.nodes.find((a) => a.name === "Admin granted");
    assert.deepEqual(saved, { name: "Admin granted", notify: [opsId], notifyOnClear: false, repeatIntervalSeconds: 3600, groupWaitSeconds: 0 });

    // An event makes it fire: the receiver gets the crossing, and the log shows it DELIVERED.
    await t.ok(PUBLISH, { events: [event("user.admin_granted", { user: { email: "u1@acme.com" } })] }, acme.secret);
    await waitFor(() => receiver.requests.some((r) => r.path.startsWith("/ops") && r.body.includes("alert.crossing")), "the crossing at the receiver");
    await page.getByRole("link", { name: "Notifications" }).click();
    const delivered = page.locator("#deliveries tr[data-state=DELIVERED]", { hasText: "Admin granted" });
    await delivered.waitFor();
    assert.match((await delivered.textContent()) ?? "", /Crossing/);
    assert.match((await delivered.textContent()) ?? "", /HTTP 200/);
    assert.match((await delivered.textContent()) ?? "", /Delivered/);

    // A channel whose receiver answers 500: its delivery fails after the retry, and the log shows it without a reload.
    await page.evaluate("window.notReloaded = true");
    await page.getByLabel("Name").fill("Failing hook");
    await page.getByLabel("URL", { exact: true }).fill(`${receiver.url}/failing`);
    await page.getByRole("button", { name: "Create channel" }).click();
    await page.locator(".create-result .secret-box").getByRole("button", { name: "Done, I have saved it" }).click();
    const failingCard = page.locator("article.channel-card", { hasText: "Failing hook" });
    const failingId = (await failingCard.getAttribute("data-channel-id"))!;
    await t.ok(CREATE_ALERT, { input: { name: "File shared", eventType: "file.shared", notify: [failingId], threshold: { operator: "GREATER_THAN_OR_EQUAL", value: 1 } } }, acme.secret);
    await t.ok(PUBLISH, { events: [event("file.shared", { file: { name: "plans.pdf" } })] }, acme.secret);
    const failed = page.locator("#deliveries tr[data-state=FAILED]", { hasText: "File shared" });
    await failed.waitFor();
    assert.match((await failed.textContent()) ?? "", /HTTP 500/);
    await failingCard.locator(".badge", { hasText: "Failing since" }).waitFor();
    assert.equal(await page.evaluate("window.notReloaded"), true, "no reload");
    await screenshot(page, "notifications-page.png");

    // Redeliver, with the receiver mended: a REDELIVERY row that gets DELIVERED.
    failingFixed = true;
    await failed.getByRole("button", { name: /^Redeliver/ }).click();
    await page.locator(".deliveries [role=status]", { hasText: "sent again" }).waitFor();
    const redelivered = page.locator("#deliveries tr[data-state=DELIVERED]", { hasText: "Redelivery" });
    await redelivered.waitFor();
    assert.match((await redelivered.textContent()) ?? "", /File shared/);

    // Per channel: only that channel's deliveries.
    await failingCard.getByRole("link", { name: "Deliveries to Failing hook" }).click();
    await page.getByRole("heading", { name: "Deliveries to “Failing hook”" }).waitFor();
    await waitFor(async () => (await page.locator("#deliveries tbody tr").count()) === 2, "the failing channel's two deliveries");
    assert.equal(await page.locator("#deliveries tbody tr", { hasText: "Admin granted" }).count(), 0);
    assert.equal(await page.getByLabel("Channel", { exact: true }).inputValue(), failingId);
    await page.getByLabel("Channel", { exact: true }).selectOption("");
    await page.getByRole("heading", { name: "Delivery log" }).waitFor();

    // More deliveries than a page: "Load more" reads the next one after the end cursor.
    await t.ok(
      CREATE_ALERT,
      { input: { name: "Login failed", eventType: "login.failed", groupBy: ["$.user"], notify: [opsId], threshold: { operator: "GREATER_THAN_OR_EQUAL", value: 1 } } },
      acme.secret,
    );
    await t.ok(PUBLISH, { events: Array.from({ length: 26 }, (_, i) => event("login.failed", { user: `user${i}@acme.com` })) }, acme.secret);
    await waitFor(async () => (await t.ok<{ deliveries: { totalCount: number } }>(DELIVERY_COUNT, {}, acme.secret)).deliveries.totalCount === 29, "29 deliveries");
    await page.locator(".deliveries .list-summary", { hasText: "Showing 25 of 29 deliveries" }).waitFor();
    await page.getByRole("button", { name: "Load more" }).click();
    await page.locator(".deliveries .list-summary", { hasText: "Showing 29 of 29 deliveries" }).waitFor();
    await page.getByRole("button", { name: "Load more" }).waitFor({ state: "hidden" });

    // Delete, confirmed: the card goes.
    await failingCard.getByRole("button", { name: "Delete Failing hook" }).click();
    await failingCard.getByRole("button", { name: "Delete the channel" }).click();
    await failingCard.waitFor({ state: "detached" });
    assert.equal((await t.ok<{ deliveries: { totalCount: number } }>(DELIVERY_COUNT, { channelId: failingId }, acme.secret)).deliveries.totalCount, 0);
  } catch (err) {
    await screenshot(page, "notifications-page-failure.png").catch(() => undefined);
    if (pageErrors.length > 0) ctx.diagnostic(`script errors on the page: ${pageErrors.join(" | ")}`);
    throw err;
  }
  assert.deepEqual(pageErrors, [], "no script errors");
  assertLocalOnly(urls);
});
