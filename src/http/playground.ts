import type { IncomingMessage, ServerResponse } from "node:http";
import { PLAYGROUND_CSS, PLAYGROUND_ICON_SVG, PLAYGROUND_SCRIPT, renderPlaygroundHtml } from "./playground-page";
import { CSS_TYPE, JS_TYPE, SVG_TYPE, makeAsset, parseQualities, pathOf, readPackageFile, sendNamedAsset, allowReadOnly, type StaticAsset } from "./static-asset";

export interface PlaygroundOptions {
  /** Where the GraphQL endpoint lives, e.g. "/graphql"; the page is served there to browsers. */
  graphqlPath: string;
  /** URL prefix of the page's scripts and stylesheets, e.g. "/playground". */
  assetsPath: string;
}

export type PlaygroundHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

type Asset = StaticAsset;

interface VendorFile {
  readonly name: string;
  readonly packageName: string;
  /** Relative to the package's root; read through package.json because react's "exports" hide umd/. */
  readonly file: string;
  readonly contentType: string;
}

const JS = JS_TYPE;
const CSS = CSS_TYPE;

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
    if (!allowReadOnly(req, res)) return true;
    sendNamedAsset(req, res, files, pathname.slice(assetPrefix.length));
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
    map.set(vendor.name, makeAsset(vendor.contentType, readPackageFile("Playground", vendor.packageName, vendor.file)));
  }
  map.set("playground.js", makeAsset(JS, PLAYGROUND_SCRIPT));
  map.set("playground.css", makeAsset(CSS, PLAYGROUND_CSS));
  map.set(ICON, makeAsset(SVG_TYPE, PLAYGROUND_ICON_SVG));
  return map;
}

function checkPath(option: string, value: string): string {
  const path = value.length > 1 ? value.replace(/\/+$/, "") : value;
  if (!/^\/[A-Za-z0-9._~!$&'()*+,;=:@/-]*$/.test(path) || path.startsWith("//") || path === "/") {
    throw new Error(`Playground: ${option} must be an absolute URL path like "/graphql" (got ${JSON.stringify(value)}).`);
  }
  return path;
}
