// The playground's page, script and stylesheet, kept as strings because tsc does not copy non-TS files into dist/.
// The script is served as its own asset so the page's Content-Security-Policy needs no inline scripts.

export const PLAYGROUND_TITLE = "Alerts API playground";

export interface PlaygroundPageUrls {
  readonly graphqlPath: string;
  /** Stylesheets in load order, already local paths. */
  readonly styles: readonly string[];
  /** Scripts in load order; the page script must come last. */
  readonly scripts: readonly string[];
  readonly icon: string;
}

export function renderPlaygroundHtml(urls: PlaygroundPageUrls): string {
  const styles = urls.styles.map((href) => `  <link rel="stylesheet" href="${escapeHtml(href)}">`).join("\n");
  const scripts = urls.scripts.map((src) => `  <script src="${escapeHtml(src)}"></script>`).join("\n");
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="referrer" content="no-referrer">
  <title>${escapeHtml(PLAYGROUND_TITLE)}</title>
  <link rel="icon" type="image/svg+xml" href="${escapeHtml(urls.icon)}">
${styles}
</head>
<body>
  <div id="playground" data-graphql-path="${escapeHtml(urls.graphqlPath)}">
    <p class="pg-loading">Loading the playground&hellip;</p>
  </div>
  <noscript><p class="pg-loading">The playground needs JavaScript.</p></noscript>
${scripts}
</body>
</html>
`;
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export const PLAYGROUND_ICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#e10098"/><path d="M16 5l9.5 5.5v11L16 27l-9.5-5.5v-11z" fill="none" stroke="#fff" stroke-width="2"/><circle cx="16" cy="16" r="3" fill="#fff"/></svg>
`;

export const PLAYGROUND_CSS = `html, body { height: 100%; margin: 0; }
body { display: flex; flex-direction: column; }
#playground { flex: 1; display: flex; flex-direction: column; min-height: 0; }
.pg-loading { margin: 2rem; font: 16px system-ui, sans-serif; color: #555; }
.pg-keybar {
  --pg-bg: #f7f7f8; --pg-fg: #3b3b4f; --pg-muted: #6b6b7b; --pg-border: #d9d9de;
  --pg-field-bg: #fff; --pg-field-border: #c4c4cc;
  display: flex; align-items: center; gap: 0.5rem; flex-wrap: wrap;
  padding: 0.4rem 0.75rem; border-bottom: 1px solid var(--pg-border);
  font: 14px system-ui, sans-serif; color: var(--pg-fg); background: var(--pg-bg);
}
/* GraphiQL's theme setting puts graphiql-dark / graphiql-light on <body>; "System" puts neither. */
body.graphiql-dark .pg-keybar {
  --pg-bg: #1e1e28; --pg-fg: #d8d8e0; --pg-muted: #9a9aab; --pg-border: #33333f;
  --pg-field-bg: #2a2a36; --pg-field-border: #44444f;
}
@media (prefers-color-scheme: dark) {
  body:not(.graphiql-light) .pg-keybar {
    --pg-bg: #1e1e28; --pg-fg: #d8d8e0; --pg-muted: #9a9aab; --pg-border: #33333f;
    --pg-field-bg: #2a2a36; --pg-field-border: #44444f;
  }
}
.pg-keybar strong { font-weight: 600; margin-right: 0.25rem; }
.pg-keybar input {
  flex: 0 1 26rem; min-width: 12rem; padding: 0.3rem 0.5rem;
  font: 13px ui-monospace, monospace; color: var(--pg-fg); background: var(--pg-field-bg);
  border: 1px solid var(--pg-field-border); border-radius: 4px;
}
.pg-keybar button {
  padding: 0.3rem 0.7rem; font: inherit; color: inherit; background: var(--pg-field-bg);
  border: 1px solid var(--pg-field-border); border-radius: 4px; cursor: pointer;
}
.pg-keybar button[type="submit"] { background: #e10098; border-color: #e10098; color: #fff; }
.pg-keybar .pg-status { color: var(--pg-muted); }
.pg-graphiql { flex: 1; min-height: 0; }
.pg-graphiql > .graphiql-container { height: 100%; }
.pg-error { margin: 2rem; font: 14px system-ui, sans-serif; color: #b00020; white-space: pre-wrap; }
`;

// Plain browser JavaScript: React 18, GraphiQL and graphql-ws are loaded before it as UMD globals.
export const PLAYGROUND_SCRIPT = `(function () {
  "use strict";

  var KEY_STORAGE = "alerts-playground:api-key";
  var CLOSE_UNAUTHORIZED = 4401;
  var CLOSE_FORBIDDEN = 4403;
  var DEFAULT_QUERY = [
    "# Welcome to the Alerts API playground.",
    "#",
    "# Put your API key in the field above. It is",
    "# sent as \\"Authorization: Bearer <key>\\" and",
    "# kept in this tab's sessionStorage only; an",
    "# Authorization header in the Headers tab",
    "# below wins over it. Subscriptions run over",
    "# WebSocket on the same path.",
    "",
    "{",
    "  viewer {",
    "    keyId",
    "    customerId",
    "    role",
    "  }",
    "}",
    ""
  ].join("\\n");

  var mount = document.getElementById("playground");
  var React = window.React;
  var ReactDOM = window.ReactDOM;
  var GraphiQL = window.GraphiQL;
  var graphqlWs = window.graphqlWs;
  if (!mount) return;
  if (!React || !ReactDOM || !GraphiQL || !graphqlWs) {
    showError("The playground's scripts did not load (React, GraphiQL or graphql-ws is missing). Reload the page; if it persists, check the server log.");
    return;
  }

  var graphqlPath = mount.getAttribute("data-graphql-path") || "/graphql";
  var wsUrl = (location.protocol === "https:" ? "wss:" : "ws:") + "//" + location.host + graphqlPath;
  var h = React.createElement;

  function showError(message) {
    var p = document.createElement("p");
    p.className = "pg-error";
    p.textContent = message;
    mount.replaceChildren(p);
  }

  // sessionStorage can throw (storage disabled); the key then lives only in memory.
  function readStoredKey() {
    try { return sessionStorage.getItem(KEY_STORAGE) || ""; } catch (e) { return ""; }
  }
  function storeKey(key) {
    try {
      if (key) sessionStorage.setItem(KEY_STORAGE, key); else sessionStorage.removeItem(KEY_STORAGE);
    } catch (e) { /* see readStoredKey */ }
  }
  function normaliseKey(raw) {
    return String(raw || "").trim().replace(/^bearer\\s+/i, "");
  }

  function findHeader(headers, name) {
    if (!headers) return undefined;
    var wanted = name.toLowerCase();
    for (var k in headers) {
      if (Object.prototype.hasOwnProperty.call(headers, k) && k.toLowerCase() === wanted) return k;
    }
    return undefined;
  }

  function withApiKey(headers, apiKey) {
    var merged = Object.assign({}, headers || {});
    if (apiKey && findHeader(merged, "authorization") === undefined) merged.Authorization = "Bearer " + apiKey;
    return merged;
  }

  function selectOperation(params, documentAST) {
    var doc = documentAST;
    try { doc = GraphiQL.GraphQL.parse(params.query); } catch (e) { /* keep GraphiQL's AST */ }
    if (!doc || !doc.definitions) return undefined;
    var ops = doc.definitions.filter(function (d) { return d.kind === "OperationDefinition"; });
    return params.operationName
      ? ops.find(function (d) { return d.name && d.name.value === params.operationName; })
      : ops.length === 1 ? ops[0] : undefined;
  }

  function isCloseEvent(e) {
    return Boolean(e) && typeof e === "object" && "code" in e && "reason" in e;
  }

  // GraphiQL never puts its headers into graphql-ws connectionParams, and connectionParams are only
  // sent when a socket opens, so the client is rebuilt whenever the Authorization value changes.
  var ws = null;
  function wsClientFor(authorization) {
    if (ws && ws.authorization === authorization) return ws.client;
    if (ws) ws.client.dispose();
    var client = graphqlWs.createClient({
      url: wsUrl,
      lazy: true,
      connectionParams: authorization ? { authorization: authorization } : {},
      // graphql-ws retries 4401/4403 by default; the same key would fail again, so show the error now.
      shouldRetry: function (e) {
        return isCloseEvent(e) && e.code !== CLOSE_UNAUTHORIZED && e.code !== CLOSE_FORBIDDEN;
      }
    });
    ws = { authorization: authorization, client: client };
    return client;
  }

  async function* subscribeOverWs(client, params) {
    try {
      for await (var result of client.iterate(params)) yield result;
    } catch (err) {
      // The server's "error" message: show it like any GraphQL response.
      if (Array.isArray(err)) { yield { errors: err }; return; }
      if (isCloseEvent(err)) throw new Error(("Socket closed with event " + err.code + " " + (err.reason || "")).trim());
      if (err instanceof Error) throw err;
      throw new Error("WebSocket connection to " + wsUrl + " failed");
    }
  }

  function createPlaygroundFetcher(apiKey) {
    var httpFetcher = GraphiQL.createFetcher({ url: graphqlPath });
    return function (params, opts) {
      var headers = withApiKey(opts && opts.headers, apiKey);
      // Decided on the query being sent: GraphiQL's documentAST is updated after a debounce and can
      // still describe the previous query.
      var op = selectOperation(params, opts && opts.documentAST);
      if (op && op.operation === "subscription") {
        var authKey = findHeader(headers, "authorization");
        return subscribeOverWs(wsClientFor(authKey === undefined ? undefined : String(headers[authKey])), params);
      }
      // Without a documentAST GraphiQL's fetcher cannot second-guess this and always uses HTTP.
      return httpFetcher(params, { headers: headers });
    };
  }

  function App() {
    var stored = React.useState(readStoredKey);
    var apiKey = stored[0], setApiKey = stored[1];
    var drafted = React.useState(apiKey);
    var draft = drafted[0], setDraft = drafted[1];
    // A new fetcher makes GraphiQL introspect again, now with the new key.
    var fetcher = React.useMemo(function () { return createPlaygroundFetcher(apiKey); }, [apiKey]);

    function apply(raw) {
      var key = normaliseKey(raw);
      storeKey(key);
      setDraft(key);
      setApiKey(key);
    }

    var keybar = h("form", {
      className: "pg-keybar",
      autoComplete: "off",
      onSubmit: function (e) { e.preventDefault(); apply(draft); }
    },
      h("label", { htmlFor: "pg-api-key" }, h("strong", null, "API key")),
      h("input", {
        id: "pg-api-key",
        name: "pg-api-key",
        type: "password",
        autoComplete: "off",
        spellCheck: false,
        placeholder: "paste your API key",
        value: draft,
        onChange: function (e) { setDraft(e.target.value); }
      }),
      h("button", { type: "submit" }, "Use key"),
      h("button", { type: "button", onClick: function () { apply(""); } }, "Forget key"),
      h("span", { className: "pg-status", role: "status" },
        apiKey ? "Key set for this tab only (sessionStorage)." : "No key: requests go out without Authorization.")
    );

    return h(React.Fragment, null,
      keybar,
      h("div", { className: "pg-graphiql" },
        h(GraphiQL, {
          fetcher: fetcher,
          defaultQuery: DEFAULT_QUERY,
          isHeadersEditorEnabled: true,
          shouldPersistHeaders: false
        })
      )
    );
  }

  ReactDOM.createRoot(mount).render(h(App));
})();
`;
