import type { IncomingMessage, ServerResponse } from "node:http";
import { UI_CSS, UI_ICON_SVG, UI_SCRIPT, renderUiHtml } from "./ui-page";
import { CSS_TYPE, JS_TYPE, SVG_TYPE, makeAsset, pathOf, readPackageFile, safeHost, sendNamedAsset, allowReadOnly, type StaticAsset } from "./static-asset";

export interface UiOptions {
  /** Where the GraphQL endpoint (HTTP and graphql-ws) lives, e.g. "/graphql". */
  graphqlPath: string;
}

export type UiHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

const PAGE_PATH = "/";
const ASSETS_PREFIX = "/ui/";

let assets: ReadonlyMap<string, StaticAsset> | undefined;

/** The live alerts page at "/" and its files under /ui/; everything else falls through (returns false). */
export function createUiHandler(opts: UiOptions): UiHandler {
  const graphqlPath = opts.graphqlPath;
  if (!/^\/[A-Za-z0-9._~-][A-Za-z0-9._~/-]*$/.test(graphqlPath) || graphqlPath.startsWith(ASSETS_PREFIX)) {
    throw new Error(`Alerts page: graphqlPath must be an absolute URL path like "/graphql", outside ${ASSETS_PREFIX} (got ${JSON.stringify(graphqlPath)}).`);
  }
  assets ??= loadAssets();
  const files = assets;
  const assetUrl = (name: string): string => `${ASSETS_PREFIX}${name}?v=${files.get(name)?.version ?? ""}`;
  const page = Buffer.from(
    renderUiHtml({
      graphqlPath,
      stylesheet: assetUrl("app.css"),
      scripts: [assetUrl("graphql-ws.js"), assetUrl("app.js")],
      icon: assetUrl("icon.svg"),
    }),
  );

  return (req, res) => {
    const pathname = pathOf(req);
    const isPage = pathname === PAGE_PATH;
    if (!isPage && !pathname.startsWith(ASSETS_PREFIX)) return false;
    if (!allowReadOnly(req, res)) return true;
    if (isPage) {
      sendPage(req, res, page);
      return true;
    }
    sendNamedAsset(req, res, files, pathname.slice(ASSETS_PREFIX.length));
    return true;
  };
}

function sendPage(req: IncomingMessage, res: ServerResponse, page: Buffer): void {
  res.writeHead(200, {
    "Content-Type": "text/html; charset=utf-8",
    "Content-Length": page.length,
    "Cache-Control": "no-store",
    "Content-Security-Policy": contentSecurityPolicy(req.headers.host),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
  });
  res.end(req.method === "HEAD" ? undefined : page);
}

/** Same origin only: no inline script or style, and sockets only back to this host. */
export function contentSecurityPolicy(hostHeader: string | undefined): string {
  // Chrome and Firefox let 'self' cover ws:/wss: of the same host, older Safari does not: name it.
  const host = safeHost(hostHeader);
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    `connect-src ${host === undefined ? "'self'" : `'self' ws://${host} wss://${host}`}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

function loadAssets(): ReadonlyMap<string, StaticAsset> {
  return new Map<string, StaticAsset>([
    ["app.js", makeAsset(JS_TYPE, UI_SCRIPT)],
    ["app.css", makeAsset(CSS_TYPE, UI_CSS)],
    ["icon.svg", makeAsset(SVG_TYPE, UI_ICON_SVG)],
    ["graphql-ws.js", makeAsset(JS_TYPE, readPackageFile("Alerts page", "graphql-ws", "umd/graphql-ws.min.js"))],
  ]);
}
