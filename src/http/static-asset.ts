// Serving a fixed set of in-memory files: content hashed once into an ETag, gzipped once when that helps.
// Used by the alerts page (ui.ts) and the playground (playground.ts).
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";

export const JS_TYPE = "text/javascript; charset=utf-8";
export const CSS_TYPE = "text/css; charset=utf-8";
export const SVG_TYPE = "image/svg+xml; charset=utf-8";

export interface StaticAsset {
  readonly contentType: string;
  readonly body: Buffer;
  readonly etag: string;
  readonly gzip: { readonly body: Buffer; readonly etag: string } | undefined;
  /** Appended to the asset's URL in a page so a changed file is never taken from a stale cache. */
  readonly version: string;
}

const MIN_GZIP_BYTES = 1024;

export function makeAsset(contentType: string, body: Buffer | string): StaticAsset {
  const bytes = typeof body === "string" ? Buffer.from(body) : body;
  const hash = createHash("sha256").update(bytes).digest("base64url").slice(0, 27);
  const compressed = bytes.length >= MIN_GZIP_BYTES ? gzipSync(bytes) : undefined;
  return {
    contentType,
    body: bytes,
    etag: `"${hash}"`,
    gzip: compressed !== undefined && compressed.length < bytes.length ? { body: compressed, etag: `"${hash}-gz"` } : undefined,
    version: hash.slice(0, 12),
  };
}

/**
 * A file shipped inside an installed package (resolved through its package.json, since "exports" may
 * hide it), read once. `owner` names the feature in the error that says how to fix a broken install.
 */
export function readPackageFile(owner: string, packageName: string, file: string): Buffer {
  const reinstall = `reinstall the "${packageName}" package (npm ci)`;
  let root: string;
  try {
    root = dirname(require.resolve(`${packageName}/package.json`));
  } catch {
    throw new Error(`${owner}: package "${packageName}" not found; ${reinstall}.`);
  }
  const path = join(root, file);
  try {
    const body = readFileSync(path);
    if (body.length === 0) throw new Error("empty file");
    return body;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`${owner}: cannot read ${path} (${reason}); ${reinstall}.`);
  }
}

export const ASSET_CACHE_CONTROL = "public, max-age=86400";

/** Answers 405 unless the request is a GET or HEAD; true when the request may go on. */
export function allowReadOnly(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method === "GET" || req.method === "HEAD") return true;
  res.writeHead(405, { Allow: "GET, HEAD", "Content-Type": "text/plain; charset=utf-8" });
  res.end("Method not allowed\n");
  return false;
}

/** The asset of that name, or 404. An exact lookup in a fixed map: "../x", "%2e%2e/x" and the like are simply not found. */
export function sendNamedAsset(req: IncomingMessage, res: ServerResponse, files: ReadonlyMap<string, StaticAsset>, name: string): void {
  const asset = files.get(name);
  if (asset === undefined) {
    res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff" });
    res.end(req.method === "HEAD" ? undefined : "Not found\n");
    return;
  }
  sendAsset(req, res, asset, ASSET_CACHE_CONTROL);
}

/** 200 with the (gzipped, when accepted) body, or 304 when the client already holds this ETag. */
export function sendAsset(req: IncomingMessage, res: ServerResponse, asset: StaticAsset, cacheControl: string): void {
  const useGzip = asset.gzip !== undefined && (parseQualities(req.headers["accept-encoding"]).get("gzip") ?? 0) > 0;
  const etag = useGzip && asset.gzip ? asset.gzip.etag : asset.etag;
  const body = useGzip && asset.gzip ? asset.gzip.body : asset.body;
  const headers: Record<string, string | number> = {
    "Cache-Control": cacheControl,
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

/**
 * The Host header when it looks like a host (name or IP, optional port), else undefined, so that a
 * crafted Host header can never widen a Content-Security-Policy built from it.
 */
export function safeHost(hostHeader: string | undefined): string | undefined {
  return hostHeader !== undefined && /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/.test(hostHeader) ? hostHeader : undefined;
}

/** The request's path, without query or fragment. */
export function pathOf(req: IncomingMessage): string {
  const url = req.url ?? "/";
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}

/** Parses an Accept-style header into lower-cased token → q (the largest q when a token repeats). */
export function parseQualities(header: string | string[] | undefined): Map<string, number> {
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

export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(",").some((candidate) => {
    const tag = candidate.trim();
    return tag === "*" || tag.replace(/^W\//, "") === etag;
  });
}
