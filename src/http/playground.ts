import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { PLAYGROUND_CSS, PLAYGROUND_ICON_SVG, PLAYGROUND_SCRIPT, renderPlaygroundHtml } from "./playground-page";

export interface PlaygroundOptions {
  /** Where the GraphQL endpoint lives, e.g. "/graphql"; the page is served there to browsers. */
  graphqlPath: string;
  /** URL prefix of the page's scripts and stylesheets, e.g. "/playground". */
  assetsPath: string;
}

export type PlaygroundHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

interface Asset {
  readonly contentType: string;
  readonly body: Buffer;
  readonly etag: string;
  readonly gzip: { readonly body: Buffer; readonly etag: string } | undefined;
  /** Appended to the asset's URL in the page so a changed file is never taken from a stale cache. */
  readonly version: string;
}

interface VendorFile {
  readonly name: string;
  readonly packageName: string;
  /** Relative to the package's root; read through package.json because react's "exports" hide umd/. */
  readonly file: string;
  readonly contentType: string;
}

const JS = "text/javascript; charset=utf-8";
const CSS = "text/css; charset=utf-8";

// The whitelist: nothing outside it is ever read or served.
const VENDOR_FILES: readonly VendorFile[] = [
  { name: "react.production.min.js", packageName: "react", file: "umd/react.production.min.js", contentType: JS },
  { name: "react-dom.production.min.js", packageName: "react-dom", file: "umd/react-dom.production.min.js", contentType: JS },
  { name: "graphiql.min.js", packageName: "graphiql", file: "graphiql.min.js", contentType: JS },
  { name: "graphiql.min.css", packageName: "graphiql", file: "graphiql.min.css", contentType: CSS },
  { name: "graphql-ws.min.js", packageName: "graphql-ws", file: "umd/graphql-ws.min.js", contentType: JS },
];

const STYLE_ORDER = ["graphiql.min.css", "playground.css"] as const;
const SCRIPT_ORDER = [
  "react.production.min.js",
  "react-dom.production.min.js",
  "graphiql.min.js",
  "graphql-ws.min.js",
  "playground.js",
] as const;
const ICON = "playground-icon.svg";

const ASSET_CACHE_CONTROL = "public, max-age=86400";
const MIN_GZIP_BYTES = 1024;

let assets: ReadonlyMap<string, Asset> | undefined;

/** Serves the GraphiQL page at graphqlPath (to browsers asking for HTML) and its files under assetsPath. */
export function createPlaygroundHandler(opts: PlaygroundOptions): PlaygroundHandler {
  const graphqlPath = checkPath("graphqlPath", opts.graphqlPath);
  const assetsPath = checkPath("assetsPath", opts.assetsPath);
  if (graphqlPath === assetsPath || graphqlPath.startsWith(`${assetsPath}/`)) {
    throw new Error(`Playground: assetsPath "${assetsPath}" must not contain graphqlPath "${graphqlPath}".`);
  }
  assets ??= loadAssets();
  const files = assets;
  const assetUrl = (name: string): string => `${assetsPath}/${name}?v=${files.get(name)?.version ?? ""}`;
  const page = Buffer.from(
    renderPlaygroundHtml({
      graphqlPath,
      styles: STYLE_ORDER.map(assetUrl),
      scripts: SCRIPT_ORDER.map(assetUrl),
      icon: assetUrl(ICON),
    }),
  );
  const assetPrefix = `${assetsPath}/`;

  return (req, res) => {
    const pathname = pathOf(req);
    if (pathname === graphqlPath) {
      if (!wantsPlayground(req)) return false;
      sendPage(req, res, page);
      return true;
    }
    if (!pathname.startsWith(assetPrefix)) return false;
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { Allow: "GET, HEAD", "Content-Type": "text/plain; charset=utf-8" });
      res.end("Method not allowed\n");
      return true;
    }
    // An exact lookup in a fixed map: "../x", "%2e%2e/x" and the like are simply not found.
    const asset = files.get(pathname.slice(assetPrefix.length));
    if (asset === undefined) {
      res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff" });
      res.end(req.method === "HEAD" ? undefined : "Not found\n");
      return true;
    }
    sendAsset(req, res, asset);
    return true;
  };
}

/** True when a GET (or HEAD) comes from a browser that wants HTML rather than a GraphQL response. */
export function wantsPlayground(req: IncomingMessage): boolean {
  if (req.method !== "GET" && req.method !== "HEAD") return false;
  const accept = parseQualities(req.headers.accept);
  const html = accept.get("text/html") ?? 0;
  if (html <= 0) return false;
  // A client ranking a GraphQL response type above HTML gets GraphQL, even if it also lists HTML.
  const json = Math.max(accept.get("application/json") ?? 0, accept.get("application/graphql-response+json") ?? 0);
  return html >= json;
}

function sendPage(req: IncomingMessage, res: ServerResponse, page: Buffer): void {
  res.writeHead(200, {
    "Content-Type": "text/html; charset=utf-8",
    "Content-Length": page.length,
    "Cache-Control": "no-store",
    // The same URL answers GraphQL requests with JSON.
    Vary: "Accept",
    "Content-Security-Policy": contentSecurityPolicy(req.headers.host),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
  });
  res.end(req.method === "HEAD" ? undefined : page);
}

function sendAsset(req: IncomingMessage, res: ServerResponse, asset: Asset): void {
  const useGzip = asset.gzip !== undefined && (parseQualities(req.headers["accept-encoding"]).get("gzip") ?? 0) > 0;
  const etag = useGzip && asset.gzip ? asset.gzip.etag : asset.etag;
  const body = useGzip && asset.gzip ? asset.gzip.body : asset.body;
  const headers: Record<string, string | number> = {
    "Cache-Control": ASSET_CACHE_CONTROL,
    ETag: etag,
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Resource-Policy": "same-origin",
  };
  if (asset.gzip !== undefined) headers.Vary = "Accept-Encoding";
  if (matchesEtag(req.headers["if-none-match"], etag)) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  headers["Content-Type"] = asset.contentType;
  headers["Content-Length"] = body.length;
  if (useGzip) headers["Content-Encoding"] = "gzip";
  res.writeHead(200, headers);
  res.end(req.method === "HEAD" ? undefined : body);
}

function contentSecurityPolicy(hostHeader: string | undefined): string {
  // Chrome and Firefox let 'self' cover ws:/wss: of the same host, older Safari does not; name the host
  // explicitly, but only when it looks like a host so a crafted Host header cannot widen the policy.
  const host = hostHeader !== undefined && /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/.test(hostHeader) ? hostHeader : undefined;
  const connect = host === undefined ? "'self'" : `'self' ws://${host} wss://${host}`;
  return [
    "default-src 'none'",
    "script-src 'self'",
    // GraphiQL's dialogs inject <style> elements with computed content (react-remove-scroll), so no hashes.
    "style-src 'self' 'unsafe-inline'",
    // GraphiQL's stylesheet embeds its fonts and a few images as data: URLs.
    "font-src 'self' data:",
    "img-src 'self' data:",
    `connect-src ${connect}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

function loadAssets(): ReadonlyMap<string, Asset> {
  const map = new Map<string, Asset>();
  for (const vendor of VENDOR_FILES) {
    map.set(vendor.name, makeAsset(vendor.contentType, readVendorFile(vendor)));
  }
  map.set("playground.js", makeAsset(JS, Buffer.from(PLAYGROUND_SCRIPT)));
  map.set("playground.css", makeAsset(CSS, Buffer.from(PLAYGROUND_CSS)));
  map.set(ICON, makeAsset("image/svg+xml; charset=utf-8", Buffer.from(PLAYGROUND_ICON_SVG)));
  return map;
}

function readVendorFile(vendor: VendorFile): Buffer {
  const reinstall = `reinstall the "${vendor.packageName}" package (npm ci)`;
  let root: string;
  try {
    root = dirname(require.resolve(`${vendor.packageName}/package.json`));
  } catch {
    throw new Error(`Playground: package "${vendor.packageName}" not found; ${reinstall}.`);
  }
  const file = join(root, vendor.file);
  try {
    const body = readFileSync(file);
    if (body.length === 0) throw new Error("empty file");
    return body;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`Playground: cannot read ${file} (${reason}); ${reinstall}.`);
  }
}

function makeAsset(contentType: string, body: Buffer): Asset {
  const hash = createHash("sha256").update(body).digest("base64url").slice(0, 27);
  const compressed = body.length >= MIN_GZIP_BYTES ? gzipSync(body) : undefined;
  return {
    contentType,
    body,
    etag: `"${hash}"`,
    gzip: compressed !== undefined && compressed.length < body.length ? { body: compressed, etag: `"${hash}-gz"` } : undefined,
    version: hash.slice(0, 12),
  };
}

function checkPath(option: string, value: string): string {
  const path = value.length > 1 ? value.replace(/\/+$/, "") : value;
  if (!/^\/[A-Za-z0-9._~!$&'()*+,;=:@/-]*$/.test(path) || path.startsWith("//") || path === "/") {
    throw new Error(`Playground: ${option} must be an absolute URL path like "/graphql" (got ${JSON.stringify(value)}).`);
  }
  return path;
}

function pathOf(req: IncomingMessage): string {
  const url = req.url ?? "/";
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}

/** Parses an Accept-style header into lower-cased token → q (the largest q when a token repeats). */
function parseQualities(header: string | string[] | undefined): Map<string, number> {
  const result = new Map<string, number>();
  const raw = Array.isArray(header) ? header.join(",") : header;
  if (!raw) return result;
  for (const part of raw.split(",")) {
    const [token, ...params] = part.split(";").map((s) => s.trim());
    if (!token) continue;
    let q = 1;
    for (const param of params) {
      const match = /^q\s*=\s*([0-9.]+)$/i.exec(param);
      if (match) q = Math.min(1, Math.max(0, Number(match[1]) || 0));
    }
    const key = token.toLowerCase();
    result.set(key, Math.max(q, result.get(key) ?? 0));
  }
  return result;
}

function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(",").some((candidate) => {
    const tag = candidate.trim();
    return tag === "*" || tag.replace(/^W\//, "") === etag;
  });
}
