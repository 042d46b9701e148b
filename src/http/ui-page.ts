// The live alerts page at "/": its HTML, stylesheet and script, kept as strings because tsc does not copy
// non-TS files into dist/. Plain browser JavaScript, no framework and no build step; graphql-ws's UMD build
// (served from node_modules) is its only library. No inline script or style, so the CSP can forbid both.
import { UI_NOTIFICATIONS_CSS, UI_NOTIFICATIONS_SCRIPT } from "./ui-notifications";

export const UI_TITLE = "Alerts";

export interface UiPageUrls {
  readonly graphqlPath: string;
  readonly stylesheet: string;
  /** In load order; the page script comes last. */
  readonly scripts: readonly string[];
  readonly icon: string;
}

export function renderUiHtml(urls: UiPageUrls): string {
  const scripts = urls.scripts.map((src) => `  <script src="${escapeHtml(src)}"></script>`).join("\n");
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="referrer" content="no-referrer">
  <meta name="color-scheme" content="light">
  <title>${escapeHtml(UI_TITLE)}</title>
  <link rel="icon" type="image/svg+xml" href="${escapeHtml(urls.icon)}">
  <link rel="stylesheet" href="${escapeHtml(urls.stylesheet)}">
</head>
<body>
  <div id="app" data-graphql-path="${escapeHtml(urls.graphqlPath)}">
    <p class="loading">Loading&hellip;</p>
  </div>
  <noscript><p class="loading">This page needs JavaScript. The API itself is at ${escapeHtml(urls.graphqlPath)}.</p></noscript>
${scripts}
</body>
</html>
`;
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export const UI_ICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#0b4f9c"/><path d="M16 6a7 7 0 0 0-7 7v5l-2.5 4h19L23 18v-5a7 7 0 0 0-7-7z" fill="#fff"/><circle cx="16" cy="25.5" r="2.5" fill="#fff"/></svg>
`;

export const UI_CSS = String.raw`:root {
  --bg: #f4f6f9; --surface: #fff; --text: #1b2430; --muted: #4f5b69; --border: #d3d9e1; --border-strong: #9aa6b4;
  --accent: #0b4f9c; --accent-hover: #083d79; --accent-soft: #e7f0fb; --focus: #1f6feb;
  --firing: #b42318; --firing-soft: #fdecea; --ok: #0a6b34; --ok-soft: #e3f4e8; --warn: #8a5300; --warn-soft: #fff4dc;
  --radius: 8px; --shadow: 0 1px 2px rgba(16, 36, 62, 0.08);
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--text); background: var(--bg);
}
* { box-sizing: border-box; }
body { margin: 0; min-width: 320px; }
h1, h2, h3 { line-height: 1.2; margin: 0; }
h2 { font-size: 1.2rem; }
h3 { font-size: 1.05rem; }
p { margin: 0; }
code, .mono, textarea.code, input.code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.9em; }
a { color: var(--accent); }
.loading { margin: 2rem; color: var(--muted); }
.visually-hidden { position: absolute !important; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
.muted { color: var(--muted); }
.small { font-size: 0.85rem; }
[hidden] { display: none !important; }

:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.skip-link { position: absolute; left: 0.5rem; top: -3rem; z-index: 10; padding: 0.5rem 0.8rem; background: var(--surface); color: var(--accent); border-radius: var(--radius); }
.skip-link:focus { top: 0.5rem; }

/* Controls */
button, .button {
  display: inline-flex; align-items: center; justify-content: center; gap: 0.35rem; min-height: 2.25rem;
  padding: 0.35rem 0.9rem; font: inherit; font-weight: 600; text-decoration: none; cursor: pointer;
  color: var(--accent); background: var(--surface); border: 1px solid var(--border-strong); border-radius: 6px;
}
button:hover, .button:hover { background: var(--accent-soft); }
button.primary, .button.primary { color: #fff; background: var(--accent); border-color: var(--accent); }
button.primary:hover, .button.primary:hover { background: var(--accent-hover); }
button.small, .button.small { min-height: 1.9rem; padding: 0.15rem 0.65rem; font-size: 0.88rem; }
button.link { display: inline; min-height: 0; padding: 0; border: 0; background: none; font-weight: 500; text-align: left; text-decoration: underline; color: inherit; }
button.link:hover { background: none; }
button:disabled { opacity: 0.6; cursor: not-allowed; }
input, select, textarea {
  font: inherit; color: var(--text); background: var(--surface); border: 1px solid var(--border-strong); border-radius: 6px;
  padding: 0.4rem 0.55rem; min-height: 2.25rem; max-width: 100%;
}
input[type="checkbox"] { min-height: 0; width: 1.1rem; height: 1.1rem; accent-color: var(--accent); margin: 0; }
textarea { width: 100%; resize: vertical; }
input[aria-invalid="true"], select[aria-invalid="true"], textarea[aria-invalid="true"] { border-color: var(--firing); box-shadow: 0 0 0 1px var(--firing); }
input:disabled, select:disabled, textarea:disabled { background: #eef1f4; color: var(--muted); }

/* Badges */
.badge { display: inline-block; padding: 0.05rem 0.5rem; border-radius: 999px; font-size: 0.78rem; font-weight: 700; letter-spacing: 0.02em; white-space: nowrap; border: 1px solid transparent; }
.badge.muted { color: var(--muted); background: #eceff3; border-color: var(--border); }
.sev-INFO { color: #fff; background: #4f5b69; }
.sev-LOW { color: #fff; background: #1d5fa8; }
.sev-MEDIUM { color: #fff; background: #8a5300; }
.sev-HIGH { color: #fff; background: #b3400b; }
.sev-CRITICAL { color: #fff; background: #8f1030; }
.state-FIRING, .dir-RAISED { color: #fff; background: var(--firing); }
.state-OK, .dir-CLEARED { color: var(--ok); background: var(--ok-soft); border-color: #9fd4b0; }
.badge.running { color: var(--warn); background: var(--warn-soft); border-color: #f0d08a; }
.badge.failed { color: var(--firing); background: var(--firing-soft); border-color: #f3b4ad; }

/* Sign in */
.signin { min-height: 100vh; display: grid; place-items: center; padding: 1.5rem; }
.signin-card { width: min(30rem, 100%); background: var(--surface); border: 1px solid var(--border); border-radius: 12px; padding: 2rem; box-shadow: var(--shadow); display: grid; gap: 1rem; }
.brand { display: flex; align-items: center; gap: 0.6rem; }
.brand img { width: 2rem; height: 2rem; }
.signin-card h1 { font-size: 1.5rem; }
.signin-form { display: grid; gap: 0.5rem; }
.signin-form input { width: 100%; }
.signin-form button { justify-self: start; margin-top: 0.25rem; }
.notice { padding: 0.6rem 0.8rem; border-radius: 6px; border: 1px solid var(--border); background: var(--accent-soft); }
.notice.error { color: #7a1a10; background: var(--firing-soft); border-color: #f3b4ad; }

/* Shell */
.topbar { display: flex; align-items: center; gap: 0.75rem 1.25rem; flex-wrap: wrap; padding: 0.6rem 1.25rem; color: #fff; background: #10243e; }
.topbar .brand h1 { font-size: 1.2rem; }
.topbar a { color: #cfe2ff; }
.topbar .spacer { flex: 1; }
.who { display: flex; align-items: center; gap: 0.5rem; font-size: 0.92rem; }
.who .role { color: #10243e; background: #cfe2ff; }
.topbar button { color: #fff; background: transparent; border-color: #7d8fa8; }
.topbar button:hover { background: #1d3a5f; }
.topbar :focus-visible { outline-color: #8ab4ff; }
.conn { display: inline-flex; align-items: center; gap: 0.4rem; font-size: 0.9rem; font-weight: 600; padding: 0.15rem 0.6rem; border-radius: 999px; background: #1d3a5f; }
.conn-dot { width: 0.65rem; height: 0.65rem; border-radius: 50%; background: #9aa6b4; }
.conn-live .conn-dot { background: #3ddc84; box-shadow: 0 0 0 3px rgba(61, 220, 132, 0.25); }
.conn-connecting .conn-dot, .conn-reconnecting .conn-dot { background: #ffc857; }
.conn-error .conn-dot { background: #ff6b5e; }
.nav { display: flex; gap: 0.25rem; }
.nav a { color: #cfe2ff; font-weight: 600; text-decoration: none; padding: 0.3rem 0.7rem; border-radius: 6px; }
.nav a:hover { background: #1d3a5f; }
.nav a[aria-current="page"] { color: #fff; background: #1d3a5f; box-shadow: inset 0 -2px 0 #8ab4ff; }
main { max-width: 1480px; margin: 0 auto; padding: 1.25rem; }
main:focus { outline: none; }

/* Dashboard */
.dashboard { display: grid; grid-template-columns: minmax(0, 1fr) minmax(20rem, 24rem); gap: 1.25rem; align-items: start; }
.pane-head { display: flex; align-items: center; justify-content: space-between; gap: 0.75rem; margin-bottom: 0.75rem; }
.filters { display: flex; flex-wrap: wrap; gap: 0.75rem 1rem; align-items: end; padding: 0.75rem 1rem; margin-bottom: 0.75rem; background: var(--surface); border: 1px solid var(--border); border-radius: var(--radius); }
.filters .field { display: grid; gap: 0.2rem; }
.filters label { font-size: 0.85rem; font-weight: 600; }
.filters .check { display: flex; align-items: center; gap: 0.45rem; min-height: 2.25rem; }
.filters .check label { font-size: 0.95rem; font-weight: 500; }
.list-summary { margin: 0 0 0.6rem; color: var(--muted); font-size: 0.9rem; }
.alert-list { display: grid; gap: 0.9rem; }
.alert-card { background: var(--surface); border: 1px solid var(--border); border-left: 5px solid var(--border-strong); border-radius: var(--radius); padding: 0.9rem 1.1rem; box-shadow: var(--shadow); }
.alert-card.is-firing { border-left-color: var(--firing); }
.alert-card.is-disabled { opacity: 0.85; background: #fafbfc; }
.card-head { display: flex; align-items: center; gap: 0.6rem; flex-wrap: wrap; }
.card-head h3 { flex: 1 1 12rem; }
.card-head h3:focus { outline: none; }
.description { margin-top: 0.3rem; color: var(--muted); }
.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(11rem, 1fr)); gap: 0.4rem 1rem; margin: 0.75rem 0 0; }
.facts div { min-width: 0; }
.facts dt { font-size: 0.75rem; font-weight: 700; text-transform: uppercase; letter-spacing: 0.04em; color: var(--muted); }
.facts dd { margin: 0; overflow-wrap: anywhere; }
.statuses { margin-top: 0.8rem; border-top: 1px solid var(--border); padding-top: 0.6rem; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 0.4rem 0.6rem 0.4rem 0; border-bottom: 1px solid #e6eaef; }
caption { text-align: left; font-weight: 700; padding: 0.5rem 0 0.25rem; }
th { font-size: 0.78rem; text-transform: uppercase; letter-spacing: 0.04em; color: var(--muted); }
tr:last-child td { border-bottom: 0; }
td.num, .num { font-variant-numeric: tabular-nums; font-weight: 700; }
tr.firing td:first-child { box-shadow: inset 3px 0 0 var(--firing); padding-left: 0.5rem; }
.entities { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.15rem; }
.entity { font-weight: 600; overflow-wrap: anywhere; }
.empty { padding: 1.5rem; text-align: center; color: var(--muted); background: var(--surface); border: 1px dashed var(--border-strong); border-radius: var(--radius); }

/* Live feed */
.feed-pane { position: sticky; top: 1rem; display: flex; flex-direction: column; max-height: calc(100vh - 2rem); background: var(--surface); border: 1px solid var(--border); border-radius: var(--radius); box-shadow: var(--shadow); }
.feed-pane .pane-head { padding: 0.8rem 1rem 0; }
.feed-note { padding: 0 1rem 0.6rem; font-size: 0.85rem; color: var(--muted); border-bottom: 1px solid var(--border); }
.feed { list-style: none; margin: 0; padding: 0; overflow-y: auto; }
.feed-empty { padding: 1rem; color: var(--muted); }
.feed-item { padding: 0.7rem 1rem; border-bottom: 1px solid #e6eaef; border-left: 4px solid var(--firing); display: grid; gap: 0.3rem; }
.feed-item.CLEARED { border-left-color: var(--ok); }
.feed-item.fresh { animation: arrive 2s ease-out; }
@keyframes arrive { from { background: #fff6d6; } to { background: transparent; } }
@media (prefers-reduced-motion: reduce) { .feed-item.fresh { animation: none; } }
.feed-top { display: flex; align-items: center; gap: 0.45rem; flex-wrap: wrap; }
.feed-line { font-size: 0.9rem; }
.feed-error { margin: 0.6rem 1rem; }

/* Editor */
.editor-head { display: flex; align-items: baseline; gap: 0.5rem 1rem; flex-wrap: wrap; margin-bottom: 1rem; }
.editor-head h2 { font-size: 1.35rem; }
.editor-head h2:focus { outline: none; }
.editor-grid { display: grid; grid-template-columns: minmax(0, 1.25fr) minmax(0, 1fr); gap: 1.25rem; align-items: start; }
.panel { background: var(--surface); border: 1px solid var(--border); border-radius: var(--radius); padding: 1rem 1.1rem; box-shadow: var(--shadow); }
.side { display: grid; gap: 1.25rem; }
.panel h3 { margin-bottom: 0.3rem; }
.panel > p.muted { margin-bottom: 0.75rem; font-size: 0.9rem; }
fieldset { border: 0; padding: 0; margin: 0 0 1.25rem; min-width: 0; }
fieldset:disabled .field-hint-ro { display: block; }
legend { font-size: 1.02rem; font-weight: 700; padding: 0; margin-bottom: 0.6rem; }
.grid-2 { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 0.75rem 1rem; }
.grid-3 { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 0.75rem 1rem; }
.field { display: grid; gap: 0.25rem; align-content: start; margin-bottom: 0.75rem; }
.grid-2, .grid-3 { margin-bottom: 0.75rem; }
.grid-2 .field, .grid-3 .field { margin-bottom: 0; }
.field > label, .field > .label { font-weight: 600; font-size: 0.92rem; }
.field input:not([type="checkbox"]), .field select, .field textarea { width: 100%; }
.field.check { display: flex; align-items: center; gap: 0.5rem; margin-top: 0.25rem; }
.hint { font-size: 0.83rem; color: var(--muted); }
.field-error { font-size: 0.88rem; font-weight: 600; color: var(--firing); }
.field-error::before { content: "\26A0\FE0E  "; }
.conditions { display: grid; gap: 0.6rem; margin-bottom: 0.6rem; }
.condition { display: grid; grid-template-columns: minmax(0, 1.3fr) minmax(9rem, 1fr) minmax(0, 1fr) auto; gap: 0.5rem; align-items: start; padding: 0.6rem; background: #f8f9fb; border: 1px solid var(--border); border-radius: 6px; }
.condition .field { margin: 0; }
.condition .field > label { font-size: 0.8rem; }
.condition button { margin-top: 1.45rem; }
.form-actions { display: flex; gap: 0.6rem; align-items: center; flex-wrap: wrap; padding-top: 0.75rem; border-top: 1px solid var(--border); }
.error-summary { margin-bottom: 1rem; }
.error-summary ul { margin: 0.3rem 0 0; padding: 0; list-style: none; display: grid; gap: 0.2rem; }
.error-summary button.link { display: block; }
.result { margin-top: 0.8rem; display: grid; gap: 0.6rem; }
.verdict { display: flex; align-items: center; gap: 0.5rem; font-weight: 700; font-size: 1.05rem; }
.verdict.yes { color: var(--ok); }
.verdict.no { color: var(--firing); }
.kv { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 0.2rem 0.8rem; margin: 0; font-size: 0.92rem; }
.kv dt { color: var(--muted); font-weight: 600; }
.kv dd { margin: 0; overflow-wrap: anywhere; }
.figures { display: flex; gap: 0.5rem 1.5rem; flex-wrap: wrap; }
.figure { display: grid; }
.figure .num { font-size: 1.35rem; }
.figure .label { font-size: 0.8rem; color: var(--muted); text-transform: uppercase; letter-spacing: 0.04em; }
.panel-actions { display: flex; gap: 0.6rem; flex-wrap: wrap; margin-top: 0.5rem; }

@media (max-width: 1100px) {
  .dashboard { grid-template-columns: 1fr; }
  .feed-pane { position: static; order: -1; max-height: 24rem; }
  .editor-grid { grid-template-columns: 1fr; }
}
@media (max-width: 720px) {
  main { padding: 0.75rem; }
  .grid-3, .grid-2 { grid-template-columns: 1fr; }
  .condition { grid-template-columns: 1fr; }
  .condition button { margin-top: 0; justify-self: start; }
}
${UI_NOTIFICATIONS_CSS}`;

export const UI_SCRIPT = String.raw`(function () {
  "use strict";

  var KEY_STORAGE = "alerts-ui:api-key";
  var SEVERITIES = ["INFO", "LOW", "MEDIUM", "HIGH", "CRITICAL"];
  var CONDITION_OPERATORS = ["EQUALS", "NOT_EQUALS", "GREATER_THAN", "GREATER_THAN_OR_EQUAL", "LESS_THAN", "LESS_THAN_OR_EQUAL",
    "CONTAINS", "NOT_CONTAINS", "STARTS_WITH", "ENDS_WITH", "MATCHES", "IN", "NOT_IN", "IS_EMPTY", "IS_NOT_EMPTY", "EXISTS", "NOT_EXISTS"];
  var NO_OPERAND = ["IS_EMPTY", "IS_NOT_EMPTY", "EXISTS", "NOT_EXISTS"];
  var COMPARISONS = { GREATER_THAN: ">", GREATER_THAN_OR_EQUAL: "\u2265", LESS_THAN: "<", LESS_THAN_OR_EQUAL: "\u2264", EQUALS: "=", NOT_EQUALS: "\u2260" };
  var AGGREGATIONS = { COUNT: "Count of events", COUNT_DISTINCT: "Count of distinct values", SUM: "Sum", MIN: "Minimum", MAX: "Maximum", AVG: "Average" };
  var WINDOWS = { ALL_TIME: "All time", TUMBLING: "Tumbling", SLIDING: "Sliding" };
  var FEED_LIMIT = 200;
  var SEEN_LIMIT = 5000;
  var STATUS_BATCH = 8;
  var MAX_ALERT_PAGES = 50;
  /** A platform key resumes per customer (cursors are per customer): at most this many, most recent first. */
  var MAX_RESUME_CUSTOMERS = 25;
  var CLOSE_UNAUTHORIZED = 4401;
  var CLOSE_FORBIDDEN = 4403;
  var DASH = " \u2014 ";

  var ALERT_FIELDS = "id scope customerId name description severity enabled application objectType eventType " +
    "conditions { path operator value } jsonPath aggregation { function path } groupBy entityPath window { type seconds } " +
    "threshold { operator value } backfillOnCreate notify notifyOnClear repeatIntervalSeconds groupWaitSeconds version updatedAt " +
    "backfill { state processedEvents totalEvents error }";
  var STATUS_FIELDS = "alertId customerId groupKey state value count windowStart windowEnd lastEventAt lastCrossingAt " +
    "entities(first: 10) { key count firstSeenAt lastSeenAt }";
  var CROSSING_FIELDS = "id alertId customerId groupKey direction value threshold { operator value } severity windowStart windowEnd " +
    "occurredAt detectedAt count cursor entities { key count firstSeenAt lastSeenAt } alert { id name application }";
  var Q_VIEWER = "query Viewer { viewer { keyId customerId role } }";
  var Q_ALERTS = "query Alerts($after: String) { alerts(first: 100, after: $after) { totalCount nodes { " + ALERT_FIELDS + " } pageInfo { hasNextPage endCursor } } }";
  var Q_ALERT = "query Alert($id: ID!) { alert(id: $id) { " + ALERT_FIELDS + " } }";
  var M_CREATE = "mutation CreateAlert($input: CreateAlertInput!) { createAlert(input: $input) { " + ALERT_FIELDS + " } }";
  var M_UPDATE = "mutation UpdateAlert($id: ID!, $v: Int, $input: UpdateAlertInput!) { updateAlert(id: $id, expectedVersion: $v, input: $input) { " + ALERT_FIELDS + " } }";
  var Q_TEST = "query TestAlert($alert: CreateAlertInput!, $event: EventInput!) { testAlert(alert: $alert, event: $event) { " +
    "matched selectorsMatched conditions { path operator matched actual } jsonPathResult groupKey entity aggregateInput } }";
  var Q_PREVIEW = "query Backtest($alert: CreateAlertInput!, $since: DateTime!, $until: DateTime) { previewAlert(alert: $alert, since: $since, until: $until) { " +
    "scannedEvents qualifyingEvents crossings { customerId groupKey direction value occurredAt count } " +
    "statuses { customerId groupKey state value count entities(first: 5) { key count firstSeenAt lastSeenAt } } } }";
  var S_CROSSED = "subscription Crossings($after: String, $customerId: ID) { thresholdCrossed(after: $after, customerId: $customerId) { " + CROSSING_FIELDS + " } }";
  var S_STATUS = "subscription Statuses { alertStatusChanged { " + STATUS_FIELDS + " } }";

  var root = document.getElementById("app");
  if (!root) return;
  var graphqlPath = root.getAttribute("data-graphql-path") || "/graphql";
  var wsUrl = (location.protocol === "https:" ? "wss:" : "ws:") + "//" + location.host + graphqlPath;
  var graphqlWs = window.graphqlWs;

  var session = { key: "", viewer: null };
  var data = emptyData();
  var ui = null;
  var live = { gen: 0, client: null, timer: null, attempt: 0, connectedOnce: false, state: "offline" };

  function emptyData() {
    return {
      alerts: [], byId: new Map(), loading: false, loaded: false, error: "", more: false, total: 0,
      statuses: new Map(), feed: [], seen: new Set(), seenOrder: [], cursors: new Map(),
      filters: { severity: "", application: "", search: "", firingOnly: false },
      channels: emptyChannels()
    };
  }

  // ---------------------------------------------------------------- DOM helpers
  function h(tag, attrs) {
    var el = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === undefined || v === null || v === false) return;
        if (k === "class") el.className = v;
        else if (k === "text") el.textContent = v;
        else if (k.indexOf("on") === 0) el.addEventListener(k.slice(2), v);
        else if (v === true) el.setAttribute(k, "");
        else el.setAttribute(k, String(v));
      });
    }
    for (var i = 2; i < arguments.length; i++) add(el, arguments[i]);
    return el;
  }
  function add(el, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) { child.forEach(function (c) { add(el, c); }); return; }
    el.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
  }
  /** replaceChildren, skipping null/false children and flattening arrays (as h does). */
  function fill(el) {
    el.replaceChildren();
    for (var i = 1; i < arguments.length; i++) add(el, arguments[i]);
    return el;
  }
  function option(value, label, selected) { return h("option", { value: value, selected: Boolean(selected) }, label); }
  function select(id, options, value) {
    var el = h("select", { id: id, name: id }, options.map(function (o) { return option(o[0], o[1]); }));
    el.value = value == null ? "" : value;
    return el;
  }
  function badge(text, cls) { return h("span", { class: "badge " + (cls || "") }, text); }
  function sevBadge(severity) { return badge(severity, "sev-" + severity); }
  function stateBadge(state) { return badge(state, "state-" + state); }
  function dirBadge(direction) { return badge(direction, "dir-" + direction); }
  function once(fn, ms) {
    var timer = null;
    return function () { if (timer === null) timer = setTimeout(function () { timer = null; fn(); }, ms); };
  }

  // ---------------------------------------------------------------- formatting
  var timeOnly = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit", second: "2-digit" });
  var thisYear = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", hour: "numeric", minute: "2-digit", second: "2-digit" });
  var fullDate = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric", hour: "numeric", minute: "2-digit" });
  /** Today: the time; this year: day and time; else the full date. The exact instant is in the title. */
  function fmtDate(iso) {
    if (!iso) return "";
    var d = new Date(iso);
    if (isNaN(d.getTime())) return String(iso);
    var now = new Date();
    if (d.toDateString() === now.toDateString()) return "today " + timeOnly.format(d);
    return (d.getFullYear() === now.getFullYear() ? thisYear : fullDate).format(d);
  }
  function timeEl(iso) { return iso ? h("time", { datetime: iso, title: iso }, fmtDate(iso)) : h("span", { class: "muted" }, "\u2014"); }
  function fmtNum(n) {
    if (typeof n !== "number") return String(n);
    return Number.isInteger(n) ? n.toLocaleString() : n.toLocaleString(undefined, { maximumFractionDigits: 3 });
  }
  function plural(n, word) { return fmtNum(n) + " " + word + (n === 1 ? "" : "s"); }
  function duration(seconds) {
    if (!seconds) return "";
    var units = [[86400, "d"], [3600, "h"], [60, "min"]];
    for (var i = 0; i < units.length; i++) if (seconds % units[i][0] === 0) return seconds / units[i][0] + " " + units[i][1];
    return seconds + " s";
  }
  function windowText(w) { return w.type === "ALL_TIME" ? "All time" : WINDOWS[w.type] + ", " + duration(w.seconds); }
  function thresholdShort(t) { return (COMPARISONS[t.operator] || t.operator) + "\u00a0" + fmtNum(t.value); }
  function aggregationText(a) {
    var name = { COUNT: "count", COUNT_DISTINCT: "distinct count of " + a.path, SUM: "sum of " + a.path, MIN: "min of " + a.path, MAX: "max of " + a.path, AVG: "average of " + a.path }[a.function];
    return name || a.function;
  }
  function thresholdText(alert) { return aggregationText(alert.aggregation) + " " + thresholdShort(alert.threshold); }
  function eventText(alert) {
    var parts = [];
    if (alert.objectType) parts.push(alert.objectType);
    parts.push(alert.eventType || "any event type");
    return parts.join(" / ");
  }
  function groupText(groupKey) {
    if (groupKey === null || groupKey === undefined) return "All events";
    try {
      var values = JSON.parse(groupKey);
      if (Array.isArray(values)) return values.map(function (v) { return v === null ? "(none)" : typeof v === "string" ? v : JSON.stringify(v); }).join(" \u00b7 ");
    } catch (e) { /* shown as it is */ }
    return String(groupKey);
  }
  function jsonText(value) { return value === undefined ? "" : JSON.stringify(value); }

  // ---------------------------------------------------------------- API
  function ApiError(message, code, fields) {
    this.name = "ApiError";
    this.message = message;
    this.code = code;
    this.fields = fields || [];
  }
  ApiError.prototype = Object.create(Error.prototype);

  async function request(key, query, variables) {
    var res;
    try {
      res = await fetch(graphqlPath, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json", authorization: "Bearer " + key },
        body: JSON.stringify({ query: query, variables: variables || {} })
      });
    } catch (e) {
      throw new ApiError("The server could not be reached. Check that it is running, then try again.", "NETWORK");
    }
    var body = null;
    try { body = await res.json(); } catch (e) { body = null; }
    if (!body || typeof body !== "object") throw new ApiError("The server answered HTTP " + res.status + " without a GraphQL response.", "HTTP_" + res.status);
    if (Array.isArray(body.errors) && body.errors.length > 0) {
      var fields = [];
      body.errors.forEach(function (e) { if (e.extensions && Array.isArray(e.extensions.fields)) fields = fields.concat(e.extensions.fields); });
      var code = (body.errors[0].extensions && body.errors[0].extensions.code) || "ERROR";
      throw new ApiError(body.errors.map(function (e) { return e.message; }).join("\n"), code, fields);
    }
    return body.data;
  }
  async function gql(query, variables) {
    var key = session.key;
    try {
      return await request(key, query, variables);
    } catch (err) {
      if (err.code === "UNAUTHENTICATED" && key === session.key && session.viewer) keyRejected();
      throw err;
    }
  }

  // ---------------------------------------------------------------- session
  function readKey() { try { return sessionStorage.getItem(KEY_STORAGE) || ""; } catch (e) { return ""; } }
  function storeKey(key) {
    try { if (key) sessionStorage.setItem(KEY_STORAGE, key); else sessionStorage.removeItem(KEY_STORAGE); } catch (e) { /* memory only */ }
  }
  function normaliseKey(raw) { return String(raw || "").trim().replace(/^bearer\s+/i, ""); }
  function isPlatform() { return Boolean(session.viewer) && !session.viewer.customerId; }
  function canEdit() { return Boolean(session.viewer) && session.viewer.role !== "VIEWER"; }
  function canEditAlert(alert) { return canEdit() && (!alert || alert.scope !== "GLOBAL" || isPlatform()); }

  function keyRejected() { signOut("Your API key was refused (unknown or revoked). Sign in with a valid key."); }

  function signOut(message) {
    stopLive();
    storeKey("");
    session = { key: "", viewer: null };
    data = emptyData();
    ui = null;
    if (location.hash) history.replaceState(null, "", location.pathname + location.search);
    showSignIn(message || "");
  }

  function showSignIn(message) {
    document.title = "Sign in \u2014 Alerts";
    var input = h("input", { id: "api-key", name: "api-key", type: "password", autocomplete: "off", spellcheck: "false", required: true, "aria-describedby": "api-key-hint api-key-error" });
    var error = h("p", { id: "api-key-error", class: "notice error", role: "alert", hidden: !message }, message || "");
    var button = h("button", { type: "submit", class: "primary" }, "Sign in");
    var form = h("form", { class: "signin-form", novalidate: true, onsubmit: function (e) {
      e.preventDefault();
      var key = normaliseKey(input.value);
      if (!key) { showError("Paste an API key first."); return; }
      button.disabled = true;
      button.textContent = "Signing in\u2026";
      request(key, Q_VIEWER).then(function (d) {
        session = { key: key, viewer: d.viewer };
        storeKey(key);
        startApp();
      }, function (err) {
        button.disabled = false;
        button.textContent = "Sign in";
        showError(err.code === "UNAUTHENTICATED" ? "That key was not accepted: it is unknown or revoked." : err.message);
      });
    } },
      h("label", { for: "api-key" }, "API key"),
      input,
      h("p", { id: "api-key-hint", class: "hint" }, "Kept in this browser tab only (sessionStorage) and sent to this server alone. Closing the tab forgets it."),
      button);
    function showError(text) { error.textContent = text; error.hidden = false; input.setAttribute("aria-invalid", "true"); input.focus(); }
    fill(root, h("main", { class: "signin" },
      h("div", { class: "signin-card" },
        h("div", { class: "brand" }, h("img", { src: document.querySelector("link[rel=icon]").getAttribute("href"), alt: "" }), h("h1", null, "Alerts")),
        h("p", null, "Sign in with an API key to see your alerts, their statuses, and threshold crossings the moment they happen."),
        error, form)));
    input.focus();
  }

  // ---------------------------------------------------------------- the signed-in shell
  function startApp() {
    data = emptyData();
    var v = session.viewer;
    var conn = h("span", { id: "conn", class: "conn conn-offline", role: "status" },
      h("span", { class: "conn-dot", "aria-hidden": "true" }),
      h("span", { class: "conn-text" }, "Offline"),
      h("span", { class: "conn-detail", "aria-hidden": "true" }));
    var main = h("main", { id: "content", tabindex: "-1" });
    fill(root, 
      h("a", { class: "skip-link", href: "#content", onclick: function (e) { e.preventDefault(); main.focus(); } }, "Skip to content"),
      h("header", { class: "topbar" },
        h("div", { class: "brand" }, h("img", { src: document.querySelector("link[rel=icon]").getAttribute("href"), alt: "" }), h("h1", null, "Alerts")),
        h("nav", { class: "nav", "aria-label": "Sections" },
          h("a", { id: "nav-alerts", href: "#/" }, "Alerts"),
          h("a", { id: "nav-channels", href: "#/channels" }, "Notifications")),
        conn,
        h("span", { class: "spacer" }),
        h("span", { class: "who", title: "API key " + v.keyId },
          h("span", { class: "visually-hidden" }, "Signed in as "),
          badge(v.role, "role"),
          h("span", { id: "viewer-scope" }, v.customerId ? "Customer " + v.customerId : "Platform (all customers)")),
        h("a", { href: graphqlPath }, "API playground"),
        h("button", { type: "button", onclick: function () { signOut(""); } }, "Sign out")),
      main);
    ui = { main: main, conn: conn, dashboard: buildDashboard(), editor: null, channels: null };
    route();
    loadAlerts();
    // Alert cards name the channels they notify: redraw them once the names are known.
    var myUi = ui;
    loadChannels().then(function () { if (ui === myUi && data.alerts.some(function (a) { return a.notify.length; })) { ui.dashboard.cards.clear(); renderAlertList(); } });
    startLive();
  }

  function route() {
    if (!ui) return;
    var hash = location.hash || "#/";
    var match = /^#\/alerts\/([^/]+)$/.exec(hash);
    var channels = /^#\/channels(?:\/([^/]+))?$/.exec(hash);
    if (!channels) leaveChannels();
    ["nav-alerts", "nav-channels"].forEach(function (id) {
      var current = (id === "nav-channels") === Boolean(channels);
      var link = document.getElementById(id);
      if (current) link.setAttribute("aria-current", "page"); else link.removeAttribute("aria-current");
    });
    if (channels) showChannels(channels[1] ? decodeURIComponent(channels[1]) : null);
    else if (hash === "#/new") showEditor(null);
    else if (match) showEditor(decodeURIComponent(match[1]));
    else showDashboard();
  }
  window.addEventListener("hashchange", route);

  // ---------------------------------------------------------------- dashboard
  function buildDashboard() {
    var f = data.filters;
    var severity = select("filter-severity", [["", "All severities"]].concat(SEVERITIES.map(function (s) { return [s, s]; })), f.severity);
    var application = select("filter-application", [["", "All applications"]], f.application);
    var search = h("input", { id: "filter-search", type: "search", autocomplete: "off", placeholder: "Name or description" });
    var firing = h("input", { id: "filter-firing", type: "checkbox" });
    function changed() {
      f.severity = severity.value;
      f.application = application.value;
      f.search = search.value.trim().toLowerCase();
      f.firingOnly = firing.checked;
      renderAlertList();
      applyFeedFilters();
    }
    [severity, application, firing].forEach(function (el) { el.addEventListener("change", changed); });
    search.addEventListener("input", changed);
    var list = h("div", { class: "alert-list", id: "alert-list" });
    var summary = h("p", { class: "list-summary", role: "status" }, "Loading alerts\u2026");
    var feed = h("ol", { id: "feed", class: "feed", "aria-live": "polite", "aria-relevant": "additions", "aria-label": "Threshold crossings, newest first" });
    var feedEmpty = h("p", { class: "feed-empty" }, "No crossings yet. They appear here the moment an alert crosses its threshold, without reloading.");
    var feedError = h("p", { class: "notice error feed-error", role: "alert", hidden: true });
    var el = h("div", { class: "dashboard" },
      h("section", { class: "alerts-pane", "aria-labelledby": "alerts-heading" },
        h("div", { class: "pane-head" },
          h("h2", { id: "alerts-heading", tabindex: "-1" }, "Alerts"),
          canEdit() ? h("a", { class: "button primary", href: "#/new" }, "New alert") : null),
        h("form", { class: "filters", role: "search", "aria-label": "Filter alerts and crossings", onsubmit: function (e) { e.preventDefault(); } },
          h("div", { class: "field" }, h("label", { for: "filter-severity" }, "Severity"), severity),
          h("div", { class: "field" }, h("label", { for: "filter-application" }, "Application"), application),
          h("div", { class: "field" }, h("label", { for: "filter-search" }, "Search"), search),
          h("div", { class: "check" }, firing, h("label", { for: "filter-firing" }, "Firing only"))),
        summary,
        list),
      h("aside", { class: "feed-pane", "aria-labelledby": "feed-heading" },
        h("div", { class: "pane-head" }, h("h2", { id: "feed-heading" }, "Live crossings")),
        h("p", { class: "feed-note" }, "Newest first. Filters apply here too."),
        feedError, feedEmpty, feed));
    return { el: el, list: list, summary: summary, feed: feed, feedEmpty: feedEmpty, feedError: feedError, application: application, cards: new Map() };
  }

  function showDashboard() {
    document.title = "Alerts";
    ui.editor = null;
    if (ui.main.firstChild !== ui.dashboard.el) fill(ui.main, ui.dashboard.el);
    renderAlertList();
    var focusId = showDashboard.focusAlert;
    showDashboard.focusAlert = null;
    var card = focusId && ui.dashboard.cards.get(focusId);
    if (card) {
      var heading = card.querySelector("h3");
      heading.setAttribute("tabindex", "-1");
      heading.focus();
      card.scrollIntoView({ block: "center" });
    }
  }

  async function loadAlerts() {
    var myUi = ui;
    data.loading = true;
    var after = null;
    try {
      for (var page = 0; page < MAX_ALERT_PAGES; page++) {
        var d = await gql(Q_ALERTS, { after: after });
        if (ui !== myUi) return;
        var conn = d.alerts;
        conn.nodes.forEach(upsertAlert);
        data.total = conn.totalCount;
        data.more = conn.pageInfo.hasNextPage;
        refreshStatuses(conn.nodes.map(function (a) { return a.id; }));
        renderAlertList();
        if (!conn.pageInfo.hasNextPage) break;
        after = conn.pageInfo.endCursor;
      }
      data.error = "";
    } catch (err) {
      if (ui !== myUi) return;
      data.error = "Could not load the alerts: " + err.message;
    }
    data.loading = false;
    data.loaded = true;
    renderAlertList();
  }

  function upsertAlert(alert) {
    if (!data.byId.has(alert.id)) data.alerts.push(alert);
    else data.alerts[data.alerts.findIndex(function (a) { return a.id === alert.id; })] = alert;
    data.byId.set(alert.id, alert);
    data.alerts.sort(function (a, b) { return a.name.localeCompare(b.name) || a.id.localeCompare(b.id); });
    watchBackfill(alert);
  }

  // A new or rebuilt alert counts its history in the background: show its progress until it is done.
  var backfillPolls = new Set();
  function watchBackfill(alert) {
    var b = alert.backfill;
    if (!b || (b.state !== "PENDING" && b.state !== "RUNNING") || backfillPolls.has(alert.id)) return;
    backfillPolls.add(alert.id);
    var myUi = ui;
    setTimeout(function poll() {
      if (ui !== myUi || !ui) return;
      gql(Q_ALERT, { id: alert.id }).then(function (d) {
        backfillPolls.delete(alert.id);
        if (!d.alert || ui !== myUi) return;
        upsertAlert(d.alert);
        renderAlertList();
        if (d.alert.backfill && d.alert.backfill.state === "DONE") refreshStatuses([alert.id]);
      }, function () { backfillPolls.delete(alert.id); });
    }, 1500);
  }

  function matchesFilters(alert) {
    var f = data.filters;
    if (f.severity && alert.severity !== f.severity) return false;
    if (f.application === "\u0000any" ? alert.application !== null : f.application && alert.application !== f.application) return false;
    if (f.search && (alert.name + " " + alert.description).toLowerCase().indexOf(f.search) === -1) return false;
    if (f.firingOnly && firingCount(alert.id) === 0) return false;
    return true;
  }
  function firingCount(alertId) { var s = data.statuses.get(alertId); return s ? s.firing : 0; }

  function renderApplicationOptions() {
    var sel = ui.dashboard.application;
    var apps = Array.from(new Set(data.alerts.map(function (a) { return a.application; }).filter(Boolean))).sort();
    var wanted = [["", "All applications"]].concat(apps.map(function (a) { return [a, a]; }));
    if (data.alerts.some(function (a) { return a.application === null; })) wanted.push(["\u0000any", "Alerts for any application"]);
    var current = Array.from(sel.options).map(function (o) { return o.value; }).join("\n");
    if (current === wanted.map(function (w) { return w[0]; }).join("\n")) return;
    var value = sel.value;
    fill(sel, wanted.map(function (w) { return option(w[0], w[1]); }));
    sel.value = wanted.some(function (w) { return w[0] === value; }) ? value : "";
    data.filters.application = sel.value;
  }

  function renderAlertList() {
    if (!ui || !ui.dashboard) return;
    var d = ui.dashboard;
    renderApplicationOptions();
    var shown = data.alerts.filter(matchesFilters);
    var firing = data.alerts.filter(function (a) { return firingCount(a.id) > 0; }).length;
    var summary;
    if (data.error) summary = data.error;
    else if (!data.loaded && data.alerts.length === 0) summary = "Loading alerts\u2026";
    else summary = plural(data.alerts.length, "alert") + (data.loading ? " so far" : "") + ", " + firing + " firing" +
      (shown.length !== data.alerts.length ? "; " + shown.length + " match the filters" : "") + ".";
    if (d.summary.textContent !== summary) d.summary.textContent = summary;
    d.summary.className = "list-summary" + (data.error ? " notice error" : "");
    var cards = shown.map(function (alert) {
      var card = d.cards.get(alert.id);
      if (!card || card.alertRef !== alert) {
        card = alertCard(alert);
        d.cards.set(alert.id, card);
      }
      card.classList.toggle("is-firing", firingCount(alert.id) > 0);
      return card;
    });
    d.cards.forEach(function (card, id) { if (!data.byId.has(id)) d.cards.delete(id); });
    if (cards.length === 0 && data.loaded) {
      fill(d.list, h("div", { class: "empty" }, data.alerts.length === 0
        ? (canEdit() ? "No alerts yet. Create one with \u201cNew alert\u201d." : "No alerts yet.")
        : "No alert matches these filters."));
      return;
    }
    // Keep the existing nodes (and so the focus) where the order has not changed.
    var same = d.list.children.length === cards.length && cards.every(function (c, i) { return d.list.children[i] === c; });
    if (!same) fill(d.list, cards);
  }

  function alertCard(alert) {
    var headingId = "alert-" + alert.id + "-name";
    var editable = canEditAlert(alert);
    var statuses = h("div", { class: "statuses", id: "statuses-" + alert.id });
    var b = alert.backfill;
    var backfill = null;
    if (b && (b.state === "PENDING" || b.state === "RUNNING")) {
      backfill = badge("Counting history" + (b.totalEvents ? " " + Math.floor(100 * b.processedEvents / Math.max(1, b.totalEvents)) + "%" : "\u2026"), "running");
    } else if (b && b.state === "FAILED") {
      backfill = h("span", { class: "badge failed", title: b.error || "" }, "History count failed");
    }
    var card = h("article", { class: "alert-card" + (alert.enabled ? "" : " is-disabled"), id: "alert-" + alert.id, "data-alert-id": alert.id, "aria-labelledby": headingId },
      h("div", { class: "card-head" },
        sevBadge(alert.severity),
        h("h3", { id: headingId }, alert.name),
        alert.enabled ? null : badge("Disabled", "muted"),
        backfill,
        h("a", { class: "button small", href: "#/alerts/" + encodeURIComponent(alert.id), "aria-label": (editable ? "Edit " : "Open ") + alert.name }, editable ? "Edit" : "Open")),
      alert.description ? h("p", { class: "description" }, alert.description) : null,
      h("dl", { class: "facts" },
        fact("Scope", alert.scope === "GLOBAL" ? "Global (every customer)" : "Customer " + alert.customerId),
        fact("Application", alert.application || "Any"),
        fact("Event", eventText(alert)),
        fact("Window", windowText(alert.window)),
        fact("Threshold", thresholdText(alert)),
        fact("Enabled", alert.enabled ? "Yes" : "No"),
        alert.groupBy.length ? fact("Grouped by", alert.groupBy.join(", ")) : null,
        alert.entityPath ? fact("Entity", alert.entityPath) : null,
        alert.notify.length ? fact("Notifies", notifyText(alert.notify)) : null),
      statuses);
    card.alertRef = alert;
    card.statusesEl = statuses;
    renderStatuses(alert, statuses);
    return card;
  }
  function windowNote(w, st) {
    if (w.type === "ALL_TIME") return " in all";
    if (w.type === "TUMBLING" && st.windowEnd) return " in the window ending " + fmtDate(st.windowEnd);
    return " in the last " + duration(w.seconds);
  }
  function fact(label, value) { return h("div", null, h("dt", null, label), h("dd", null, value)); }
  function notifyText(ids) {
    var names = ids.map(channelName);
    return names.every(Boolean) ? names.join(", ") : plural(ids.length, "channel");
  }

  function renderStatuses(alert, el) {
    var s = data.statuses.get(alert.id);
    if (!s) { fill(el, h("p", { class: "muted small" }, "Loading statuses\u2026")); return; }
    if (s.error) { fill(el, h("p", { class: "notice error small" }, "Statuses could not be loaded: " + s.error)); return; }
    if (s.nodes.length === 0) {
      fill(el, h("p", { class: "muted small" }, "No status yet: no event has qualified" + (alert.enabled ? "." : ", and the alert is disabled.")));
      return;
    }
    var showCustomer = isPlatform() && alert.scope === "GLOBAL";
    var rows = s.nodes.map(function (st) {
      return h("tr", { class: st.state === "FIRING" ? "firing" : "" },
        h("td", null, groupText(st.groupKey)),
        showCustomer ? h("td", null, st.customerId) : null,
        h("td", null,
          h("span", { class: "num" }, fmtNum(st.value)), h("span", { class: "muted" }, " against " + thresholdShort(alert.threshold)),
          h("div", { class: "muted small" }, plural(st.count, "event") + windowNote(alert.window, st))),
        h("td", null, stateBadge(st.state)),
        h("td", null, entityList(st.entities, 5)));
    });
    fill(el, 
      h("div", { class: "table-wrap" },
        h("table", { class: "status-table" },
          h("caption", { class: "visually-hidden" }, "Statuses of " + alert.name),
          h("thead", null, h("tr", null,
            h("th", { scope: "col" }, "Group"), showCustomer ? h("th", { scope: "col" }, "Customer") : null,
            h("th", { scope: "col" }, "Value"), h("th", { scope: "col" }, "State"), h("th", { scope: "col" }, "Triggered by"))),
          h("tbody", null, rows))),
      s.total > s.nodes.length ? h("p", { class: "muted small" }, "Showing " + s.nodes.length + " of " + s.total + " statuses, firing ones first.") : null);
  }

  function entityList(entities, limit) {
    if (!entities || entities.length === 0) return h("span", { class: "muted" }, "\u2014");
    var shown = entities.slice(0, limit);
    return h("ul", { class: "entities" },
      shown.map(function (e) {
        var extra = [];
        if (e.firstSeenAt !== e.lastSeenAt) extra.push("first " + fmtDate(e.firstSeenAt));
        if (e.count > 1) extra.push(plural(e.count, "event"));
        return h("li", null, h("span", { class: "entity" }, e.key), DASH, timeEl(e.lastSeenAt),
          extra.length ? h("span", { class: "muted small" }, " (" + extra.join(", ") + ")") : null);
      }),
      entities.length > shown.length ? h("li", { class: "muted small" }, "and " + (entities.length - shown.length) + " more") : null);
  }

  // ---------------------------------------------------------------- statuses
  var pendingStatusIds = new Set();
  var flushStatusRefresh = once(function () {
    var ids = Array.from(pendingStatusIds);
    pendingStatusIds.clear();
    refreshStatuses(ids);
  }, 250);
  function scheduleStatusRefresh(alertId) { pendingStatusIds.add(alertId); flushStatusRefresh(); }

  function statusesQuery(count) {
    var vars = [], parts = [];
    for (var i = 0; i < count; i++) {
      vars.push("$a" + i + ": ID!");
      parts.push("f" + i + ": alertStatuses(alertId: $a" + i + ", state: FIRING, first: 20) { totalCount nodes { ...S } } " +
        "a" + i + ": alertStatuses(alertId: $a" + i + ", first: 10) { totalCount nodes { ...S } }");
    }
    return "query Statuses(" + vars.join(", ") + ") { " + parts.join(" ") + " } fragment S on AlertStatus { " + STATUS_FIELDS + " }";
  }
  function statusKey(st) { return st.customerId + "\u0000" + st.groupKey; }

  // Answers can arrive out of order: only the latest request for an alert may write its statuses.
  var statusRequests = new Map();
  var statusRequestSeq = 0;
  async function refreshStatuses(ids) {
    var myUi = ui;
    for (var i = 0; i < ids.length; i += STATUS_BATCH) {
      var batch = ids.slice(i, i + STATUS_BATCH);
      var vars = {};
      var seq = ++statusRequestSeq;
      batch.forEach(function (id, j) { vars["a" + j] = id; statusRequests.set(id, seq); });
      try {
        var d = await gql(statusesQuery(batch.length), vars);
        if (ui !== myUi) return;
        batch.forEach(function (id, j) {
          if (statusRequests.get(id) !== seq) return;
          var firing = d["f" + j], all = d["a" + j];
          var seen = new Set();
          var nodes = firing.nodes.concat(all.nodes).filter(function (st) { var k = statusKey(st); if (seen.has(k)) return false; seen.add(k); return true; });
          data.statuses.set(id, { nodes: sortStatuses(nodes), total: all.totalCount, firing: firing.totalCount, error: "" });
          rerenderStatuses(id);
        });
      } catch (err) {
        if (ui !== myUi) return;
        batch.forEach(function (id) {
          if (statusRequests.get(id) !== seq) return;
          data.statuses.set(id, { nodes: [], total: 0, firing: 0, error: err.message });
          rerenderStatuses(id);
        });
      }
    }
    renderAlertList();
  }
  function sortStatuses(nodes) {
    return nodes.sort(function (a, b) {
      if (a.state !== b.state) return a.state === "FIRING" ? -1 : 1;
      return String(b.lastEventAt || "").localeCompare(String(a.lastEventAt || ""));
    });
  }
  function rerenderStatuses(alertId) {
    if (!ui || !ui.dashboard) return;
    var card = ui.dashboard.cards.get(alertId);
    var alert = data.byId.get(alertId);
    if (card && alert) {
      renderStatuses(alert, card.statusesEl);
      card.classList.toggle("is-firing", firingCount(alertId) > 0);
    }
  }

  // A status subscription keeps values current between crossings; throttled per alert.
  var statusRender = new Map();
  function onStatusChanged(st) {
    var s = data.statuses.get(st.alertId);
    if (!s) { scheduleStatusRefresh(st.alertId); return; }
    var k = statusKey(st);
    var index = s.nodes.findIndex(function (n) { return statusKey(n) === k; });
    if (index === -1) { scheduleStatusRefresh(st.alertId); return; }
    var before = s.nodes[index].state;
    s.nodes[index] = st;
    if (before !== st.state) s.firing += st.state === "FIRING" ? 1 : -1;
    sortStatuses(s.nodes);
    if (!statusRender.has(st.alertId)) {
      statusRender.set(st.alertId, setTimeout(function () {
        statusRender.delete(st.alertId);
        rerenderStatuses(st.alertId);
        if (data.filters.firingOnly) renderAlertList();
      }, 300));
    }
  }

  // ---------------------------------------------------------------- live feed over graphql-ws
  function setConn(state, text, detail) {
    live.state = state;
    if (!ui) return;
    ui.conn.className = "conn conn-" + state;
    var t = ui.conn.querySelector(".conn-text");
    if (t.textContent !== text) t.textContent = text;
    ui.conn.querySelector(".conn-detail").textContent = detail || "";
    ui.conn.title = state === "live" ? "Connected: crossings arrive as they happen." : text + (detail || "");
  }

  function stopLive() {
    live.gen++;
    clearTimeout(live.timer);
    if (live.client) { try { live.client.dispose(); } catch (e) { /* already closed */ } }
    live.client = null;
    live.connectedOnce = false;
    live.attempt = 0;
  }
  function startLive() {
    stopLive();
    if (!graphqlWs) { setConn("error", "Live feed unavailable", " (graphql-ws did not load)"); return; }
    connectLive(live.gen);
  }
  window.addEventListener("online", function () {
    if (ui && live.state === "reconnecting") { clearTimeout(live.timer); connectLive(live.gen); }
  });

  /** After a reconnect: resume after the last cursor seen, so no crossing made while away is missed. */
  function crossingSubscriptions() {
    var v = session.viewer;
    if (v.customerId) {
      var cursor = data.cursors.get(v.customerId);
      return [cursor ? { after: cursor } : {}];
    }
    // Platform keys: cursors are per customer, so one resume per customer seen, plus everything live.
    var list = [{}];
    data.cursors.forEach(function (after, customerId) { list.push({ customerId: customerId, after: after }); });
    return list;
  }

  function connectLive(gen) {
    setConn(live.connectedOnce ? "reconnecting" : "connecting", live.connectedOnce ? "Reconnecting\u2026" : "Connecting\u2026");
    var dropped = false;
    var client = graphqlWs.createClient({
      url: wsUrl,
      lazy: false,
      retryAttempts: 0,
      keepAlive: 20000,
      connectionParams: { authorization: "Bearer " + session.key },
      onNonLazyError: function () { /* handled by "closed" */ },
      on: {
        connected: function () {
          if (gen !== live.gen || dropped) return;
          var again = live.connectedOnce;
          live.connectedOnce = true;
          live.attempt = 0;
          setConn("live", "Live");
          hideFeedError();
          // Statuses have no resume cursor: read them again (and any alert made meanwhile).
          if (again) loadAlerts();
        },
        closed: function (event) { drop(event); }
      }
    });
    live.client = client;

    function drop(reason) {
      if (dropped || gen !== live.gen) return;
      dropped = true;
      try { client.dispose(); } catch (e) { /* already closed */ }
      if (reason && (reason.code === CLOSE_UNAUTHORIZED || reason.code === CLOSE_FORBIDDEN)) { keyRejected(); return; }
      var delayMs = Math.min(15000, 1000 * Math.pow(2, live.attempt)) * (0.75 + Math.random() * 0.5);
      live.attempt++;
      var until = Date.now() + delayMs;
      (function tick() {
        if (gen !== live.gen) return;
        var left = until - Date.now();
        if (left <= 0) { connectLive(gen); return; }
        setConn("reconnecting", "Reconnecting\u2026", " in " + Math.ceil(left / 1000) + " s");
        live.timer = setTimeout(tick, Math.min(1000, left));
      })();
    }
    function sink(onData, what) {
      return {
        next: function (result) {
          if (gen !== live.gen) return;
          if (result.errors && result.errors.length) showFeedError(what + ": " + result.errors.map(function (e) { return e.message; }).join("; "));
          if (result.data) onData(result.data);
        },
        error: function (err) {
          if (gen !== live.gen) return;
          // The server refused the subscription itself (GraphQL errors): say so; reconnecting would not help.
          if (Array.isArray(err)) { showFeedError(what + " stopped: " + err.map(function (e) { return e.message; }).join("; ")); return; }
          drop(err);
        },
        complete: function () { drop(null); }
      };
    }
    crossingSubscriptions().forEach(function (variables) {
      client.subscribe({ query: S_CROSSED, variables: variables }, sink(function (d) { onCrossing(d.thresholdCrossed); }, "The crossing feed"));
    });
    client.subscribe({ query: S_STATUS, variables: {} }, sink(function (d) { onStatusChanged(d.alertStatusChanged); }, "The status feed"));
  }

  function showFeedError(text) { if (!ui) return; ui.dashboard.feedError.textContent = text; ui.dashboard.feedError.hidden = false; }
  function hideFeedError() { if (ui) ui.dashboard.feedError.hidden = true; }

  function onCrossing(c) {
    if (!c || data.seen.has(c.id)) return;
    data.seen.add(c.id);
    data.seenOrder.push(c.id);
    if (data.seenOrder.length > SEEN_LIMIT) data.seen.delete(data.seenOrder.shift());
    data.cursors.delete(c.customerId);
    data.cursors.set(c.customerId, c.cursor);
    if (data.cursors.size > MAX_RESUME_CUSTOMERS) data.cursors.delete(data.cursors.keys().next().value);
    data.feed.unshift(c);
    var d = ui.dashboard;
    var item = feedItem(c);
    d.feed.insertBefore(item, d.feed.firstChild);
    setTimeout(function () { item.classList.remove("fresh"); }, 3000);
    while (data.feed.length > FEED_LIMIT) { data.feed.pop(); d.feed.removeChild(d.feed.lastChild); }
    d.feedEmpty.hidden = true;
    if (data.byId.has(c.alertId)) scheduleStatusRefresh(c.alertId);
    else if (c.alert) learnAlert(c.alertId);
  }

  // An alert made elsewhere (another tab, the API) shows up with its first crossing.
  var learning = new Set();
  function learnAlert(id) {
    if (learning.has(id)) return;
    learning.add(id);
    var myUi = ui;
    gql(Q_ALERT, { id: id }).then(function (d) {
      learning.delete(id);
      if (ui !== myUi || !d.alert) return;
      upsertAlert(d.alert);
      refreshStatuses([id]);
    }, function () { learning.delete(id); });
  }

  function crossingMatches(c) {
    var f = data.filters;
    var alert = data.byId.get(c.alertId) || c.alert;
    if (f.severity && c.severity !== f.severity) return false;
    var app = alert ? alert.application : undefined;
    if (f.application === "\u0000any" ? app !== null : f.application && app !== f.application) return false;
    return true;
  }
  function applyFeedFilters() {
    var d = ui.dashboard;
    Array.from(d.feed.children).forEach(function (item, i) { item.hidden = !crossingMatches(data.feed[i]); });
  }

  function feedItem(c) {
    var alert = data.byId.get(c.alertId) || c.alert;
    var name = alert ? alert.name : "Deleted alert";
    var facts = [];
    if (isPlatform()) facts.push("Customer " + c.customerId);
    if (c.groupKey !== null) facts.push("Group " + groupText(c.groupKey));
    facts.push("Value " + fmtNum(c.value) + " against " + thresholdShort(c.threshold));
    facts.push(plural(c.count, "event"));
    var item = h("li", { class: "feed-item fresh " + c.direction, "data-crossing-id": c.id },
      h("div", { class: "feed-top" }, dirBadge(c.direction), sevBadge(c.severity), h("strong", null, name)),
      h("p", { class: "feed-line" }, facts.join(" \u00b7 ")),
      c.entities && c.entities.length ? entityList(c.entities, 3) : null,
      h("p", { class: "muted small" }, timeEl(c.occurredAt)));
    item.hidden = !crossingMatches(c);
    return item;
  }

  // ---------------------------------------------------------------- editor
  async function showEditor(alertId) {
    var alert = null;
    if (alertId) {
      alert = data.byId.get(alertId) || null;
      if (!alert) {
        fill(ui.main, h("p", { class: "loading" }, "Loading the alert\u2026"));
        try {
          var d = await gql(Q_ALERT, { id: alertId });
          alert = d.alert;
        } catch (err) {
          alert = null;
        }
        if (!ui) return;
        if (!alert) {
          fill(ui.main, h("div", { class: "panel" }, h("p", null, "This alert does not exist, or this key may not see it. "), h("a", { href: "#/" }, "Back to the alerts")));
          return;
        }
      }
    }
    ui.editor = buildEditor(alert);
    fill(ui.main, ui.editor.el);
    ui.editor.heading.focus();
    window.scrollTo(0, 0);
  }

  function buildEditor(alert) {
    var editable = canEditAlert(alert);
    var isNew = !alert;
    var src = alert || {
      name: "", description: "", severity: "MEDIUM", enabled: true, application: null, objectType: null, eventType: null,
      conditions: [], jsonPath: null, aggregation: { function: "COUNT", path: null }, groupBy: [], entityPath: null,
      window: { type: "ALL_TIME", seconds: null }, threshold: { operator: "GREATER_THAN_OR_EQUAL", value: 1 }, customerId: null,
      notify: [], notifyOnClear: true, repeatIntervalSeconds: null, groupWaitSeconds: 0
    };
    var slots = new Map();
    document.title = (isNew ? "New alert" : src.name) + " \u2014 Alerts";

    function text(id, value, attrs) { return h("input", Object.assign({ id: id, name: id, type: "text", autocomplete: "off", spellcheck: "false" }, attrs || {}, { value: value == null ? "" : value })); }
    function field(key, id, label, control, hint, extraClass) {
      var error = h("p", { class: "field-error", id: id + "-error", hidden: true });
      control.setAttribute("aria-describedby", (hint ? id + "-hint " : "") + id + "-error");
      slots.set(key, { control: control, error: error, label: label });
      return h("div", { class: "field" + (extraClass ? " " + extraClass : ""), "data-field": key },
        h("label", { for: id }, label), control, hint ? h("p", { class: "hint", id: id + "-hint" }, hint) : null, error);
    }

    var name = text("f-name", src.name, { required: true, maxlength: 200 });
    var description = h("textarea", { id: "f-description", name: "f-description", rows: 2, maxlength: 2000 });
    description.value = src.description || "";
    var severity = select("f-severity", SEVERITIES.map(function (s) { return [s, s.charAt(0) + s.slice(1).toLowerCase()]; }), src.severity);
    var enabled = h("input", { id: "f-enabled", name: "f-enabled", type: "checkbox", checked: src.enabled });
    var customer = isPlatform() && isNew ? text("f-customer", "", { placeholder: "empty: a global alert" }) : null;
    var application = text("f-application", src.application, { placeholder: "any" });
    var objectType = text("f-objectType", src.objectType, { placeholder: "any" });
    var eventType = text("f-eventType", src.eventType, { placeholder: "any" });
    var jsonPath = text("f-jsonPath", src.jsonPath, { class: "code", placeholder: "optional, e.g. $.members[?(@.role == 'owner')]" });
    var groupBy = h("textarea", { id: "f-groupBy", name: "f-groupBy", rows: 2, class: "code", spellcheck: "false", placeholder: "$.actor.email" });
    groupBy.value = src.groupBy.join("\n");
    var entityPath = text("f-entityPath", src.entityPath, { class: "code", placeholder: "$.user.email" });
    var aggFn = select("f-aggregation", Object.keys(AGGREGATIONS).map(function (k) { return [k, AGGREGATIONS[k]]; }), src.aggregation.function);
    var aggPath = text("f-aggregation-path", src.aggregation.path, { class: "code", placeholder: "$.bytes" });
    var winType = select("f-window", Object.keys(WINDOWS).map(function (k) { return [k, WINDOWS[k]]; }), src.window.type);
    var winSeconds = h("input", { id: "f-window-seconds", name: "f-window-seconds", type: "number", min: 1, step: 1, inputmode: "numeric", value: src.window.seconds == null ? "" : src.window.seconds });
    var thOp = select("f-threshold-operator", Object.keys(COMPARISONS).map(function (k) { return [k, COMPARISONS[k] + "  " + k.toLowerCase().replace(/_/g, " ")]; }), src.threshold.operator);
    var thValue = h("input", { id: "f-threshold-value", name: "f-threshold-value", type: "number", step: "any", value: src.threshold.value });
    var backfill = isNew ? h("input", { id: "f-backfill", name: "f-backfill", type: "checkbox", checked: true }) : null;

    // Notifications: the channels this key sees that may hear of this alert (its customer's and the platform's).
    var notifyChosen = new Set(src.notify);
    var notifyList = h("div", { class: "check-list", id: "f-notify", tabindex: "-1", "aria-describedby": "f-notify-hint f-notify-error" });
    var notifyError = h("p", { class: "field-error", id: "f-notify-error", hidden: true });
    slots.set("notify", { control: notifyList, error: notifyError, label: "Notify" });
    var notifyOnClear = h("input", { id: "f-notifyOnClear", name: "f-notifyOnClear", type: "checkbox", checked: src.notifyOnClear, "aria-describedby": "f-notifyOnClear-error" });
    var notifyOnClearError = h("p", { class: "field-error", id: "f-notifyOnClear-error", hidden: true });
    slots.set("notifyOnClear", { control: notifyOnClear, error: notifyOnClearError, label: "Notify when it clears" });
    var repeatInterval = h("input", { id: "f-repeat", name: "f-repeat", type: "number", min: 60, step: 1, inputmode: "numeric", placeholder: "never", value: src.repeatIntervalSeconds == null ? "" : src.repeatIntervalSeconds });
    var groupWait = h("input", { id: "f-group-wait", name: "f-group-wait", type: "number", min: 0, step: 1, inputmode: "numeric", value: src.groupWaitSeconds });
    function alertOwner() {
      if (!isNew) return src.customerId;
      return customer ? customer.value.trim() || null : session.viewer.customerId;
    }
    function renderNotifyList() {
      var store = data.channels;
      if (!store.loaded) { fill(notifyList, h("p", { class: "muted small" }, "Loading channels\u2026")); return; }
      var owner = alertOwner();
      var shown = store.list.filter(function (c) { return owner === null || c.customerId === null || c.customerId === owner || notifyChosen.has(c.id); });
      var unknown = Array.from(notifyChosen).filter(function (id) { return !store.byId.has(id); });
      var rows = shown.map(function (c) {
        var state = c.enabled ? (c.failingSince ? "failing" : "") : "disabled";
        return notifyRow(c.id, c.name, CHANNEL_KINDS[c.kind] + (state ? ", " + state : ""));
      }).concat(unknown.map(function (id) { return notifyRow(id, "Channel " + id, "not visible to this key"); }));
      if (rows.length === 0) {
        fill(notifyList, h("p", { class: "muted small" }, store.error ? store.error : "No notification channels yet. ", store.error ? null : h("a", { href: "#/channels" }, "Create one under Notifications")));
        return;
      }
      fill(notifyList, rows);
    }
    function notifyRow(id, label, detail) {
      var box = h("input", { type: "checkbox", id: "f-notify-" + id, name: "f-notify", value: id, checked: notifyChosen.has(id) });
      box.addEventListener("change", function () { if (box.checked) notifyChosen.add(id); else notifyChosen.delete(id); });
      return h("div", { class: "check-row" }, box, h("label", { for: box.id }, label, h("span", { class: "muted small" }, " (" + detail + ")")));
    }
    renderNotifyList();
    if (!data.channels.loaded) loadChannels().then(function () { if (notifyList.isConnected) renderNotifyList(); });
    if (customer) customer.addEventListener("change", renderNotifyList);

    function syncDisabled() {
      aggPath.disabled = !editable || aggFn.value === "COUNT";
      winSeconds.disabled = !editable || winType.value === "ALL_TIME";
    }
    aggFn.addEventListener("change", syncDisabled);
    winType.addEventListener("change", syncDisabled);

    // Conditions: rows rebuilt on add/remove, their current values read back first.
    var conditions = src.conditions.map(function (c) { return { path: c.path, operator: c.operator, value: c.value === undefined || c.value === null ? (NO_OPERAND.indexOf(c.operator) >= 0 ? "" : jsonText(c.value)) : jsonText(c.value) }; });
    var condList = h("div", { class: "conditions", id: "f-conditions" });
    var condError = h("p", { class: "field-error", id: "f-conditions-error", hidden: true });
    var addCondition = h("button", { type: "button", class: "small", onclick: function () {
      readConditions();
      conditions.push({ path: "$.", operator: "EQUALS", value: "" });
      renderConditions();
      var last = condList.lastElementChild.querySelector(".c-path");
      last.focus();
      last.setSelectionRange(last.value.length, last.value.length);
    } }, "+ Add condition");
    function readConditions() {
      Array.from(condList.querySelectorAll(".condition")).forEach(function (row, i) {
        conditions[i] = { path: row.querySelector(".c-path").value, operator: row.querySelector(".c-op").value, value: row.querySelector(".c-value").value };
      });
    }
    function renderConditions() {
      Array.from(slots.keys()).forEach(function (k) { if (k.indexOf("conditions[") === 0) slots.delete(k); });
      fill(condList, conditions.map(function (c, i) {
        var n = i + 1;
        var path = text("f-c" + i + "-path", c.path, { class: "code c-path" });
        var op = select("f-c" + i + "-op", CONDITION_OPERATORS.map(function (o) { return [o, o.toLowerCase().replace(/_/g, " ")]; }), c.operator);
        op.classList.add("c-op");
        var value = text("f-c" + i + "-value", c.value, { class: "code c-value", placeholder: "JSON: \"text\", 5, true, [\"a\",\"b\"]" });
        function syncValue() { value.disabled = !editable || NO_OPERAND.indexOf(op.value) >= 0; if (value.disabled) value.value = ""; }
        op.addEventListener("change", syncValue);
        syncValue();
        var remove = h("button", { type: "button", class: "small", "aria-label": "Remove condition " + n, onclick: function () {
          readConditions();
          conditions.splice(i, 1);
          renderConditions();
          var next = condList.querySelectorAll(".c-path")[i];
          (next || addCondition).focus();
        } }, "Remove");
        remove.disabled = !editable;
        var row = h("div", { class: "condition", role: "group", "aria-label": "Condition " + n },
          field("conditions[" + i + "].path", path.id, "Path " + n, path),
          field("conditions[" + i + "].operator", op.id, "Operator " + n, op),
          field("conditions[" + i + "].value", value.id, "Value " + n + " (JSON)", value),
          remove);
        return row;
      }));
      if (conditions.length === 0) fill(condList, h("p", { class: "muted small" }, "No conditions: every event that the selectors route here qualifies."));
    }
    slots.set("conditions", { control: addCondition, error: condError, label: "Conditions" });
    renderConditions();

    var summary = h("div", { class: "notice error error-summary", role: "alert", tabindex: "-1", hidden: true });
    var formStatus = h("p", { class: "muted", role: "status" });
    var save = h("button", { type: "submit", class: "primary" }, isNew ? "Create alert" : "Save changes");
    var heading = h("h2", { tabindex: "-1" }, isNew ? "New alert" : (editable ? "Edit \u201c" + src.name + "\u201d" : src.name));

    function clearErrors() {
      summary.hidden = true;
      fill(summary);
      slots.forEach(function (slot) { slot.error.hidden = true; slot.error.textContent = ""; slot.control.removeAttribute("aria-invalid"); });
    }
    function slotFor(key) {
      var k = key;
      for (;;) {
        if (slots.has(k)) return { slot: slots.get(k), key: k };
        var cut = Math.max(k.lastIndexOf("."), k.lastIndexOf("["));
        if (cut <= 0) return null;
        k = k.slice(0, cut);
      }
    }
    function showProblems(problems, intro) {
      clearErrors();
      var items = problems.map(function (p) {
        var found = slotFor(p.field);
        var message = p.message;
        if (found) {
          var more = found.key === p.field ? "" : p.field.slice(found.key.length).replace(/^\[(\d+)\]$/, function (_, i) { return "line " + (Number(i) + 1); }).replace(/^\./, "");
          var shown = (more ? more + ": " : "") + message;
          found.slot.error.textContent = found.slot.error.textContent ? found.slot.error.textContent + " " + shown : shown;
          found.slot.error.hidden = false;
          found.slot.control.setAttribute("aria-invalid", "true");
          var label = found.slot.label ? found.slot.label + (more ? " (" + more + ")" : "") : p.field;
          return h("li", null, h("button", { type: "button", class: "link", onclick: function () { found.slot.control.focus(); } }, label + ": " + message));
        }
        return h("li", null, p.field + ": " + message);
      });
      fill(summary, h("strong", null, intro || "The alert was not saved. Please fix:"), h("ul", null, items));
      summary.hidden = false;
      summary.focus();
    }
    function showMessage(text, extra) {
      clearErrors();
      fill(summary, h("p", null, text), extra || null);
      summary.hidden = false;
      summary.focus();
    }

    function parseJsonValue(raw, key, problems) {
      if (raw.trim() === "") { problems.push({ field: key, message: "give a JSON value: \"text\" (with quotes), a number, true/false, or a list like [\"a\", \"b\"]" }); return undefined; }
      try { return JSON.parse(raw); } catch (e) { problems.push({ field: key, message: "not valid JSON; text needs double quotes, e.g. \"admin\"" }); return undefined; }
    }
    function orNull(v) { v = v.trim(); return v === "" ? null : v; }

    /** The whole definition as CreateAlertInput, and problems found before asking the server. */
    function readForm() {
      readConditions();
      var problems = [];
      var conds = conditions.map(function (c, i) {
        var out = { path: c.path.trim(), operator: c.operator };
        if (NO_OPERAND.indexOf(c.operator) === -1) out.value = parseJsonValue(c.value, "conditions[" + i + "].value", problems);
        return out;
      });
      var seconds = winType.value === "ALL_TIME" ? null : Number(winSeconds.value);
      if (winType.value !== "ALL_TIME" && (winSeconds.value.trim() === "" || !Number.isInteger(seconds))) problems.push({ field: "window.seconds", message: "give the window's length in whole seconds" });
      var value = Number(thValue.value);
      if (thValue.value.trim() === "" || !isFinite(value)) problems.push({ field: "threshold.value", message: "give a number" });
      // Ranges are the server's to say (its message lands next to the field); here only "a whole number".
      var repeat = repeatInterval.value.trim() === "" ? null : Number(repeatInterval.value);
      if (repeat !== null && !Number.isInteger(repeat)) problems.push({ field: "repeatIntervalSeconds", message: "give whole seconds, or leave it empty to notify once" });
      var wait = groupWait.value.trim() === "" ? 0 : Number(groupWait.value);
      if (!Number.isInteger(wait)) problems.push({ field: "groupWaitSeconds", message: "give whole seconds (0: no grouping)" });
      var input = {
        name: name.value.trim(),
        description: description.value.trim(),
        severity: severity.value,
        enabled: enabled.checked,
        application: orNull(application.value),
        objectType: orNull(objectType.value),
        eventType: orNull(eventType.value),
        conditions: conds,
        jsonPath: orNull(jsonPath.value),
        aggregation: { function: aggFn.value, path: aggFn.value === "COUNT" ? null : orNull(aggPath.value) },
        groupBy: groupBy.value.split("\n").map(function (s) { return s.trim(); }).filter(Boolean),
        entityPath: orNull(entityPath.value),
        window: { type: winType.value, seconds: seconds },
        threshold: { operator: thOp.value, value: value },
        notify: Array.from(notifyChosen),
        notifyOnClear: notifyOnClear.checked,
        repeatIntervalSeconds: repeat,
        groupWaitSeconds: wait
      };
      return { input: input, problems: problems };
    }
    function createInput(input) {
      var out = {};
      Object.keys(input).forEach(function (k) { if (input[k] !== null && input[k] !== "") out[k] = input[k]; });
      if (customer && customer.value.trim()) out.customerId = customer.value.trim();
      if (backfill) out.backfill = backfill.checked;
      return out;
    }
    function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }
    function changes(input) {
      var out = {};
      ["name", "description", "severity", "enabled", "application", "objectType", "eventType", "jsonPath", "entityPath"].forEach(function (k) {
        if (!same(input[k], src[k])) out[k] = input[k];
      });
      var before = src.conditions.map(function (c) { var o = { path: c.path, operator: c.operator }; if (c.value !== null && c.value !== undefined) o.value = c.value; return o; });
      if (!same(input.conditions, before)) out.conditions = input.conditions;
      if (!same(input.aggregation, { function: src.aggregation.function, path: src.aggregation.path || null })) out.aggregation = input.aggregation;
      if (!same(input.groupBy, src.groupBy)) out.groupBy = input.groupBy;
      if (!same(input.window, { type: src.window.type, seconds: src.window.seconds == null ? null : src.window.seconds })) out.window = input.window;
      if (!same(input.threshold, { operator: src.threshold.operator, value: src.threshold.value })) out.threshold = input.threshold;
      if (!same(input.notify.slice().sort(), src.notify.slice().sort())) out.notify = input.notify;
      ["notifyOnClear", "repeatIntervalSeconds", "groupWaitSeconds"].forEach(function (k) { if (!same(input[k], src[k])) out[k] = input[k]; });
      return out;
    }

    async function submit(e) {
      e.preventDefault();
      if (!editable) return;
      clearErrors();
      formStatus.textContent = "";
      var read = readForm();
      if (read.problems.length) { showProblems(read.problems); return; }
      save.disabled = true;
      formStatus.textContent = "Saving\u2026";
      try {
        var saved;
        if (isNew) {
          saved = (await gql(M_CREATE, { input: createInput(read.input) })).createAlert;
        } else {
          var diff = changes(read.input);
          if (Object.keys(diff).length === 0) { formStatus.textContent = "Nothing changed."; save.disabled = false; return; }
          saved = (await gql(M_UPDATE, { id: src.id, v: src.version, input: diff })).updateAlert;
        }
        if (!ui) return;
        upsertAlert(saved);
        scheduleStatusRefresh(saved.id);
        showDashboard.focusAlert = saved.id;
        location.hash = "#/";
      } catch (err) {
        save.disabled = false;
        formStatus.textContent = "";
        if (err.code === "BAD_USER_INPUT" && err.fields.length) showProblems(err.fields);
        else if (err.code === "CONFLICT") {
          showMessage("Someone else changed this alert since you opened it (" + err.message + ").",
            h("button", { type: "button", class: "small", onclick: function () { data.byId.delete(src.id); showEditor(src.id); } }, "Reload the alert (your edits here are lost)"));
        } else showMessage("The alert was not saved: " + err.message);
      }
    }

    var form = h("form", { class: "panel alert-form", novalidate: true, "aria-labelledby": "editor-heading", onsubmit: submit },
      summary,
      h("fieldset", { disabled: !editable },
        h("legend", null, "What it is"),
        field("name", "f-name", "Name", name),
        field("description", "f-description", "Description", description, "Optional: what it means and what to do about it."),
        h("div", { class: "grid-2" },
          field("severity", "f-severity", "Severity", severity),
          customer ? field("customerId", "f-customer", "Customer", customer, "Empty: a global alert, counted per customer.") : h("div", { class: "field" },
            h("span", { class: "label" }, "Scope"), h("span", null, isNew ? "Customer " + session.viewer.customerId : src.scope === "GLOBAL" ? "Global (every customer)" : "Customer " + src.customerId))),
        h("div", { class: "field check" }, enabled, h("label", { for: "f-enabled" }, "Enabled"))),
      h("fieldset", { disabled: !editable },
        h("legend", null, "Which events"),
        h("div", { class: "grid-3" },
          field("application", "f-application", "Application", application, "e.g. gsuite; empty: any"),
          field("objectType", "f-objectType", "Object type", objectType, "e.g. user; empty: any"),
          field("eventType", "f-eventType", "Event type", eventType, "e.g. user.admin_granted")),
        h("div", { class: "field", role: "group", "aria-labelledby": "conditions-label" },
          h("span", { class: "label", id: "conditions-label" }, "Conditions (all must hold)"),
          condList, h("div", null, addCondition), condError),
        field("jsonPath", "f-jsonPath", "Raw JSONPath", jsonPath, "Optional: the event qualifies when it finds anything.")),
      h("fieldset", { disabled: !editable },
        h("legend", null, "How they count"),
        h("div", { class: "grid-2" },
          field("groupBy", "f-groupBy", "Group by", groupBy, "One JSONPath per line; each group gets its own status."),
          field("entityPath", "f-entityPath", "Entity path", entityPath, "Listed as \u201ctriggered by\u201d, e.g. $.user.email")),
        h("div", { class: "grid-2" },
          field("aggregation.function", "f-aggregation", "Aggregation", aggFn),
          field("aggregation.path", "f-aggregation-path", "Aggregated value path", aggPath, "For every aggregation but a count.")),
        h("div", { class: "grid-2" },
          field("window.type", "f-window", "Window", winType),
          field("window.seconds", "f-window-seconds", "Window length (seconds)", winSeconds, "600 = 10 minutes, 3600 = 1 hour.")),
        h("div", { class: "grid-2" },
          field("threshold.operator", "f-threshold-operator", "Fires when the value is", thOp),
          field("threshold.value", "f-threshold-value", "Threshold", thValue)),
        backfill ? h("div", { class: "field check" }, backfill, h("label", { for: "f-backfill" }, "Count the stored history too")) : null),
      h("fieldset", { disabled: !editable },
        h("legend", null, "Notifications"),
        h("div", { class: "field", role: "group", "aria-labelledby": "notify-label" },
          h("span", { class: "label", id: "notify-label" }, "Notify these channels"),
          notifyList,
          h("p", { class: "hint", id: "f-notify-hint" }, "Each crossing goes to every channel checked here. Channels are made under Notifications."),
          notifyError),
        h("div", { class: "field check" }, notifyOnClear, h("label", { for: "f-notifyOnClear" }, "Also notify when it clears")),
        notifyOnClearError,
        h("div", { class: "grid-2" },
          field("repeatIntervalSeconds", "f-repeat", "Repeat while firing (seconds)", repeatInterval, "Empty: notify once. 3600 = hourly, while it stays FIRING."),
          field("groupWaitSeconds", "f-group-wait", "Group crossings within (seconds)", groupWait, "0: each at once; else a customer\u2019s crossings within it go as one message."))),
      h("div", { class: "form-actions" },
        editable ? save : h("p", { class: "muted" }, canEdit() ? "Global alerts can only be changed with a platform key." : "This key may read alerts, not change them."),
        h("a", { class: "button", href: "#/" }, editable ? "Cancel" : "Back"),
        isNew ? null : h("span", { class: "muted small" }, "Version " + src.version + ", updated " + fmtDate(src.updatedAt)),
        formStatus));
    slots.set("aggregation", slots.get("aggregation.function"));
    slots.set("window", slots.get("window.type"));
    slots.set("threshold", slots.get("threshold.operator"));
    syncDisabled();

    var el = h("div", { class: "editor" },
      h("div", { class: "editor-head" }, h("a", { href: "#/" }, "\u2190 All alerts"), heading),
      h("div", { class: "editor-grid" }, form, h("div", { class: "side" }, testPanel(), backtestPanel())));
    heading.id = "editor-heading";
    return { el: el, heading: heading };

    // ---- "Test on a sample event"
    function definitionForDryRun(panelError) {
      var read = readForm();
      if (read.problems.length) { showProblems(read.problems, "Fix the definition first:"); panelError("The definition has problems: see the form."); return null; }
      var input = createInput(read.input);
      if (!input.name) input.name = "Untitled";
      delete input.backfill;
      // Routing does not change what qualifies or counts, and a dry run notifies no one.
      ["notify", "notifyOnClear", "repeatIntervalSeconds", "groupWaitSeconds"].forEach(function (k) { delete input[k]; });
      return input;
    }
    /** BAD_USER_INPUT from a dry run: the definition's problems go to the form, the panel's own (isOwn) to the panel. */
    function routeDryRunErrors(err, panelError, isOwn) {
      var own = err.fields.filter(function (f) { return isOwn(f.field); });
      var rest = err.fields.filter(function (f) { return !isOwn(f.field); });
      if (rest.length) showProblems(rest, "The definition has problems:");
      panelError(own.length ? own.map(function (f) { return f.field + ": " + f.message; }).join("; ") : "The definition has problems: see the form.");
    }

    function sampleEvent() {
      var read = readForm().input;
      var payload = {};
      function put(path, value) {
        var m = /^\$((?:\.[A-Za-z_][A-Za-z0-9_]*)+)$/.exec(path || "");
        if (!m) return;
        var keys = m[1].slice(1).split(".");
        var node = payload;
        keys.forEach(function (k, i) {
          if (i === keys.length - 1) { if (!(k in node)) node[k] = value; }
          else { if (typeof node[k] !== "object" || node[k] === null) node[k] = {}; node = node[k]; }
        });
      }
      read.conditions.forEach(function (c) {
        var v = c.value;
        if (c.operator === "EQUALS") put(c.path, v);
        else if (c.operator === "IN" && Array.isArray(v) && v.length) put(c.path, v[0]);
        else if (c.operator === "CONTAINS" || c.operator === "STARTS_WITH" || c.operator === "ENDS_WITH") put(c.path, typeof v === "string" ? v : [v]);
        else if (c.operator === "EXISTS" || c.operator === "IS_NOT_EMPTY") put(c.path, "example");
        else if (/^GREATER/.test(c.operator) && typeof v === "number") put(c.path, v + 1);
        else if (/^LESS/.test(c.operator) && typeof v === "number") put(c.path, v - 1);
      });
      read.groupBy.forEach(function (p) { put(p, /mail$/i.test(p) ? "alice@example.com" : "group-1"); });
      if (read.entityPath) put(read.entityPath, /mail$/i.test(read.entityPath) ? "bob@example.com" : "entity-1");
      if (read.aggregation.path) put(read.aggregation.path, 1);
      var event = {
        customerId: session.viewer.customerId || (customer && customer.value.trim()) || src.customerId || "acme",
        application: read.application || "gsuite",
        eventType: read.eventType || "user.admin_granted",
        payload: payload
      };
      if (read.objectType) event.objectType = read.objectType;
      return JSON.stringify(event, null, 2);
    }

    function testPanel() {
      var area = h("textarea", { id: "t-event", name: "t-event", rows: 14, class: "code", spellcheck: "false", "aria-describedby": "t-event-hint t-event-error" });
      area.value = sampleEvent();
      var error = h("p", { class: "field-error", id: "t-event-error", hidden: true });
      var result = h("div", { class: "result", "aria-live": "polite" });
      var run = h("button", { type: "button", class: "primary" }, "Run test");
      function panelError(text) { error.textContent = text; error.hidden = false; area.setAttribute("aria-invalid", String(/^event|JSON/.test(text))); }
      run.addEventListener("click", async function () {
        error.hidden = true;
        area.removeAttribute("aria-invalid");
        fill(result);
        var event;
        try { event = JSON.parse(area.value); } catch (e) { panelError("The event is not valid JSON: " + e.message); area.focus(); return; }
        var alertInput = definitionForDryRun(panelError);
        if (!alertInput) return;
        clearErrors();
        run.disabled = true;
        try {
          var r = (await gql(Q_TEST, { alert: alertInput, event: event })).testAlert;
          fill(result, 
            h("p", { class: "verdict " + (r.matched ? "yes" : "no") }, r.matched ? "\u2713 Matched: this event qualifies" : "\u2717 Not matched: this event does not qualify"),
            h("dl", { class: "kv" },
              h("dt", null, "Selectors"), h("dd", null, r.selectorsMatched ? "match (application, object type, event type)" : "do not match"),
              r.groupKey !== null ? [h("dt", null, "Group"), h("dd", null, groupText(r.groupKey))] : null,
              r.entity !== null ? [h("dt", null, "Entity"), h("dd", null, r.entity)] : null,
              r.aggregateInput !== null ? [h("dt", null, "Adds"), h("dd", null, fmtNum(r.aggregateInput))] : null,
              r.jsonPathResult !== null && r.jsonPathResult !== undefined ? [h("dt", null, "JSONPath found"), h("dd", { class: "mono" }, jsonText(r.jsonPathResult))] : null),
            r.conditions.length ? h("div", { class: "table-wrap" }, h("table", null,
              h("caption", { class: "visually-hidden" }, "Conditions"),
              h("thead", null, h("tr", null, h("th", { scope: "col" }, "Condition"), h("th", { scope: "col" }, "Found"), h("th", { scope: "col" }, "Result"))),
              h("tbody", null, r.conditions.map(function (c) {
                return h("tr", null, h("td", { class: "mono" }, c.path + " " + c.operator.toLowerCase().replace(/_/g, " ")),
                  h("td", { class: "mono" }, c.actual === null || c.actual === undefined ? "nothing" : jsonText(c.actual)),
                  h("td", null, badge(c.matched ? "holds" : "fails", c.matched ? "state-OK" : "state-FIRING")));
              })))) : null);
        } catch (err) {
          if (err.code === "BAD_USER_INPUT" && err.fields.length) routeDryRunErrors(err, panelError, function (f) { return f.indexOf("event") === 0; });
          else panelError(err.message);
        }
        run.disabled = false;
      });
      return h("section", { class: "panel", "aria-labelledby": "test-heading" },
        h("h3", { id: "test-heading" }, "Test on a sample event"),
        h("p", { class: "muted" }, "Runs this form's definition, saved or not, against one event. Nothing is stored or counted."),
        h("div", { class: "field" },
          h("label", { for: "t-event" }, "Event (JSON)"),
          area,
          h("p", { class: "hint", id: "t-event-hint" }, "customerId, application, eventType, optional objectType and occurredAt, and payload."),
          error),
        h("div", { class: "panel-actions" }, run,
          h("button", { type: "button", onclick: function () { area.value = sampleEvent(); area.focus(); } }, "Fill from the form")),
        result);
    }

    // ---- "Backtest"
    function localInputValue(date) {
      var d = new Date(date.getTime() - date.getTimezoneOffset() * 60000);
      return d.toISOString().slice(0, 16);
    }
    function backtestPanel() {
      var since = h("input", { id: "b-since", name: "b-since", type: "datetime-local", value: localInputValue(new Date(Date.now() - 24 * 3600 * 1000)), "aria-describedby": "b-error" });
      var until = h("input", { id: "b-until", name: "b-until", type: "datetime-local", "aria-describedby": "b-until-hint b-error" });
      var error = h("p", { class: "field-error", id: "b-error", hidden: true });
      var result = h("div", { class: "result", "aria-live": "polite" });
      var run = h("button", { type: "button", class: "primary" }, "Run backtest");
      function panelError(text) { error.textContent = text; error.hidden = false; }
      run.addEventListener("click", async function () {
        error.hidden = true;
        fill(result);
        if (!since.value) { panelError("Choose where the backtest starts."); since.focus(); return; }
        var alertInput = definitionForDryRun(panelError);
        if (!alertInput) return;
        clearErrors();
        run.disabled = true;
        fill(result, h("p", { class: "muted" }, "Replaying the stored events\u2026"));
        try {
          var vars = { alert: alertInput, since: new Date(since.value).toISOString(), until: until.value ? new Date(until.value).toISOString() : null };
          var p = (await gql(Q_PREVIEW, vars)).previewAlert;
          var crossings = p.crossings.slice(0, 50);
          var statuses = p.statuses.slice(0, 50);
          fill(result, 
            h("div", { class: "figures" },
              figure(p.scannedEvents, "events scanned"), figure(p.qualifyingEvents, "qualified"),
              figure(p.crossings.length, "crossings"), figure(p.statuses.filter(function (s) { return s.state === "FIRING"; }).length, "firing at the end")),
            p.crossings.length ? h("div", { class: "table-wrap" }, h("table", null,
              h("caption", { class: "visually-hidden" }, "Crossings the definition would have made"),
              h("thead", null, h("tr", null, h("th", { scope: "col" }, "When"), h("th", { scope: "col" }, "Crossing"), h("th", { scope: "col" }, "Group"), h("th", { scope: "col" }, "Value"))),
              h("tbody", null, crossings.map(function (c) {
                return h("tr", null, h("td", null, timeEl(c.occurredAt)), h("td", null, dirBadge(c.direction)),
                  h("td", null, (isPlatform() ? c.customerId + DASH : "") + groupText(c.groupKey)), h("td", { class: "num" }, fmtNum(c.value)));
              })))) : h("p", { class: "muted" }, "No crossing in this range."),
            p.crossings.length > crossings.length ? h("p", { class: "muted small" }, "First " + crossings.length + " of " + p.crossings.length + " crossings.") : null,
            statuses.length ? h("div", { class: "table-wrap" }, h("table", null,
              h("caption", null, "Statuses at the end of the range"),
              h("thead", null, h("tr", null, h("th", { scope: "col" }, "Group"), h("th", { scope: "col" }, "State"), h("th", { scope: "col" }, "Value"), h("th", { scope: "col" }, "Triggered by"))),
              h("tbody", null, statuses.map(function (s) {
                return h("tr", null, h("td", null, (isPlatform() ? s.customerId + DASH : "") + groupText(s.groupKey)), h("td", null, stateBadge(s.state)),
                  h("td", { class: "num" }, fmtNum(s.value)), h("td", null, entityList(s.entities, 3)));
              })))) : null);
        } catch (err) {
          fill(result);
          if (err.code === "BAD_USER_INPUT" && err.fields.length) routeDryRunErrors(err, panelError, function (f) { return f === "since" || f === "until"; });
          else panelError(err.message);
        }
        run.disabled = false;
      });
      return h("section", { class: "panel", "aria-labelledby": "backtest-heading" },
        h("h3", { id: "backtest-heading" }, "Backtest"),
        h("p", { class: "muted" }, "When would this definition have crossed its threshold over the stored events? Nothing is stored."),
        h("div", { class: "grid-2" },
          h("div", { class: "field" }, h("label", { for: "b-since" }, "Since"), since),
          h("div", { class: "field" }, h("label", { for: "b-until" }, "Until"), until, h("p", { class: "hint", id: "b-until-hint" }, "Empty: now"))),
        error,
        h("div", { class: "panel-actions" }, run),
        result);
    }
    function figure(value, label) { return h("div", { class: "figure" }, h("span", { class: "num" }, fmtNum(value)), h("span", { class: "label" }, label)); }
  }

${UI_NOTIFICATIONS_SCRIPT}
  // ---------------------------------------------------------------- start
  var stored = readKey();
  if (!stored) { showSignIn(""); return; }
  fill(root, h("p", { class: "loading" }, "Signing in\u2026"));
  request(stored, Q_VIEWER).then(function (d) {
    session = { key: stored, viewer: d.viewer };
    startApp();
  }, function (err) {
    if (err.code === "UNAUTHENTICATED") { storeKey(""); showSignIn("The key saved in this tab is no longer accepted. Sign in again."); }
    else showSignIn(err.message);
  });
})();
`;
