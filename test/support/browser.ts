// Shared by the browser tests: Debian's chromium driven by playwright-core, a record of every URL the
// page asks for, and screenshots kept as test artifacts.
import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
export const ARTIFACTS = join(__dirname, "..", "..", "..", "test-artifacts");
export const UI_TIMEOUT_MS = 15_000;

/** Skipped (with the reason) without chromium, unless REQUIRE_BROWSER=1: then the test runs and fails. */
export const skipWithoutBrowser: string | false =
  existsSync(CHROMIUM) || process.env.REQUIRE_BROWSER === "1" ? false : `${CHROMIUM} is not installed (apt-get install -y chromium)`;

export async function launch(): Promise<Browser> {
  assert.ok(existsSync(CHROMIUM), `REQUIRE_BROWSER=1 but ${CHROMIUM} is not installed (apt-get install -y chromium)`);
  // launch() runs the browser on a fresh temporary user-data-dir of its own, removed on close.
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run", "--disable-component-update", "--disable-sync", "--disable-quic"],
  });
}

/**
 * A page on a fresh context of `browser`, with every URL it asks for and every script error it raises.
 * A browser's own "Failed to load resource" line (a 4xx a test provokes) is not a script error.
 */
export async function openPage(browser: Browser): Promise<{ context: BrowserContext; page: Page; urls: string[]; pageErrors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1360, height: 1000 } });
  const page = await context.newPage();
  const urls = recordUrls(context, page);
  const pageErrors: string[] = [];
  page.on("pageerror", (err) => pageErrors.push(err.message));
  page.on("console", (msg) => {
    if (msg.type() === "error" && !msg.text().startsWith("Failed to load resource")) pageErrors.push(msg.text());
  });
  return { context, page, urls, pageErrors };
}

/** Every URL the page asks for: documents, scripts, styles, fetches and WebSockets. */
export function recordUrls(context: BrowserContext, page: Page): string[] {
  const urls: string[] = [];
  context.on("request", (request) => urls.push(request.url()));
  page.on("websocket", (ws) => urls.push(ws.url()));
  return urls;
}

export function assertLocalOnly(urls: readonly string[]): void {
  assert.ok(urls.length > 0, "no request recorded");
  const outside = urls.filter((raw) => {
    const url = new URL(raw);
    if (url.protocol === "data:" || url.protocol === "blob:" || url.protocol === "about:") return false;
    return !["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
  });
  assert.deepEqual(outside, [], "requests that left this machine");
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, name), fullPage: true });
}
