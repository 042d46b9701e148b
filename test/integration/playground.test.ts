import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer, request, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createPlaygroundHandler, wantsPlayground } from "../../src/http/playground";

const GRAPHQL_PATH = "/graphql";
const ASSETS_PATH = "/playground";

async function startServer(): Promise<{ server: Server; base: string; port: number }> {
  const handle = createPlaygroundHandler({ graphqlPath: GRAPHQL_PATH, assetsPath: ASSETS_PATH });
  const server = createServer((req, res) => {
    if (handle(req, res)) return;
    res.writeHead(404, { "Content-Type": "text/plain" });
    res.end("fell through\n");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { server, base: `http://127.0.0.1:${port}`, port };
}

/** Sends the path byte for byte; fetch() would normalise "/a/../b" before sending it. */
function rawGet(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method: "GET" }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

function fakeRequest(method: string, accept: string | undefined): IncomingMessage {
  return { method, headers: accept === undefined ? {} : { accept } } as IncomingMessage;
}

const BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";

test("playground page and assets are served locally", async (t) => {
  const { server, base, port } = await startServer();
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const pageRes = await fetch(`${base}${GRAPHQL_PATH}`, { headers: { Accept: BROWSER_ACCEPT } });
  assert.equal(pageRes.status, 200);
  assert.match(pageRes.headers.get("content-type") ?? "", /^text\/html/);
  const csp = pageRes.headers.get("content-security-policy") ?? "";
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, new RegExp(`connect-src 'self' ws://127\\.0\\.0\\.1:${port} wss://127\\.0\\.0\\.1:${port}`));
  const html = await pageRes.text();
  assert.match(html, /<title>Alerts API playground<\/title>/);
  assert.match(html, /data-graphql-path="\/graphql"/);
  assert.doesNotMatch(html, /<script>|<script [^>]*>[^<]/, "no inline scripts");

  const refs = [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*\shref)="([^"]*)"/g)].map((m) => m[1] ?? "");
  assert.ok(refs.length >= 7, `expected scripts and stylesheets, got ${refs.join(", ")}`);
  for (const ref of refs) {
    assert.ok(ref.startsWith(`${ASSETS_PATH}/`) && !ref.startsWith("//"), `not a local asset path: ${ref}`);
  }
  const scripts = [...html.matchAll(/<script[^>]*\ssrc="([^"]*)"/g)].map((m) => m[1] ?? "");
  assert.ok(scripts.some((s) => s.includes("/graphiql.min.js")));
  assert.ok(scripts.some((s) => s.includes("/graphql-ws.min.js")));
  assert.ok(scripts.some((s) => s.includes("/react.production.min.js")));
  assert.ok(scripts.some((s) => s.includes("/react-dom.production.min.js")));
  assert.ok(scripts.at(-1)?.includes("/playground.js"), "page script loads last");

  const expectedType = (ref: string): RegExp =>
    /\.js(\?|$)/.test(ref) ? /^text\/javascript/ : /\.css(\?|$)/.test(ref) ? /^text\/css/ : /^image\/svg\+xml/;
  for (const ref of refs) {
    const res = await fetch(`${base}${ref}`);
    assert.equal(res.status, 200, ref);
    assert.match(res.headers.get("content-type") ?? "", expectedType(ref), ref);
    assert.equal(res.headers.get("cache-control"), "public, max-age=86400", ref);
    const etag = res.headers.get("etag");
    assert.ok(etag, `${ref} has an ETag`);
    const body = await res.arrayBuffer();
    assert.ok(body.byteLength > 0, `${ref} is not empty`);

    const again = await fetch(`${base}${ref}`, { headers: { "If-None-Match": etag } });
    assert.equal(again.status, 304, `${ref} revalidates`);
    assert.equal(again.headers.get("etag"), etag);
    assert.equal((await again.arrayBuffer()).byteLength, 0);
  }

  const pageScript = await (await fetch(`${base}${ASSETS_PATH}/playground.js`)).text();
  assert.match(pageScript, /sessionStorage/);
  assert.doesNotMatch(pageScript, /localStorage\.setItem/);
  assert.match(pageScript, /connectionParams/);
  assert.match(pageScript, /viewer \{|viewer {/);

  const graphiql = await fetch(`${base}${ASSETS_PATH}/graphiql.min.js`, { method: "HEAD" });
  assert.equal(graphiql.status, 200);
  assert.ok(Number(graphiql.headers.get("content-length")) > 100_000);
});

test("playground refuses anything outside its whitelist", async (t) => {
  const { server, base, port } = await startServer();
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  for (const path of [
    `${ASSETS_PATH}/../package.json`,
    `${ASSETS_PATH}/..%2fpackage.json`,
    `${ASSETS_PATH}/%2e%2e/%2e%2e/package.json`,
    `${ASSETS_PATH}/../../../../etc/passwd`,
    `${ASSETS_PATH}/graphiql.min.js.map`,
    `${ASSETS_PATH}/nope.js`,
    `${ASSETS_PATH}/`,
    `${ASSETS_PATH}/__proto__`,
    `${ASSETS_PATH}/constructor`,
  ]) {
    const res = await rawGet(port, path);
    assert.equal(res.status, 404, path);
    assert.doesNotMatch(res.body, /"name"|root:/, path);
  }

  const post = await fetch(`${base}${ASSETS_PATH}/playground.js`, { method: "POST" });
  assert.equal(post.status, 405);

  // Not the playground's business: left to the caller.
  const json = await fetch(`${base}${GRAPHQL_PATH}`, { headers: { Accept: "application/json" } });
  assert.equal(await json.text(), "fell through\n");
  const other = await fetch(`${base}/elsewhere`, { headers: { Accept: BROWSER_ACCEPT } });
  assert.equal(await other.text(), "fell through\n");
  const postGraphql = await fetch(`${base}${GRAPHQL_PATH}`, { method: "POST", headers: { Accept: BROWSER_ACCEPT } });
  assert.equal(await postGraphql.text(), "fell through\n");
});

test("wantsPlayground only for GET/HEAD asking for HTML", () => {
  assert.equal(wantsPlayground(fakeRequest("GET", BROWSER_ACCEPT)), true);
  assert.equal(wantsPlayground(fakeRequest("HEAD", "text/html")), true);
  assert.equal(wantsPlayground(fakeRequest("GET", "application/json")), false);
  assert.equal(wantsPlayground(fakeRequest("GET", "application/graphql-response+json, application/json;q=0.9")), false);
  assert.equal(wantsPlayground(fakeRequest("GET", "*/*")), false);
  assert.equal(wantsPlayground(fakeRequest("GET", undefined)), false);
  assert.equal(wantsPlayground(fakeRequest("GET", "application/json, text/html;q=0.5")), false);
  assert.equal(wantsPlayground(fakeRequest("GET", "text/html;q=0")), false);
  assert.equal(wantsPlayground(fakeRequest("POST", "text/html")), false);
});

test("createPlaygroundHandler rejects unusable paths", () => {
  assert.throws(() => createPlaygroundHandler({ graphqlPath: "graphql", assetsPath: "/playground" }), /graphqlPath/);
  assert.throws(() => createPlaygroundHandler({ graphqlPath: "/graphql", assetsPath: "//cdn.example" }), /assetsPath/);
  assert.throws(() => createPlaygroundHandler({ graphqlPath: "/x/graphql", assetsPath: "/x" }), /must not contain/);
});
