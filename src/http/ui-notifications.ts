// The live page's Notifications screen (issue 14): channels, their create form, and the delivery log.
// A fragment of the page script in ui-page.ts, spliced into its closure so it shares h(), gql() and the
// rest; kept here because that file is already long. Plain browser JavaScript, like the rest of the page.

export const UI_NOTIFICATIONS_CSS = String.raw`
/* Notifications */
.intro { margin: -0.25rem 0 1rem; max-width: 62rem; }
.channels-grid { display: grid; grid-template-columns: minmax(0, 1fr) minmax(20rem, 26rem); gap: 1.25rem; align-items: start; margin-bottom: 1.25rem; }
.section-title { margin-bottom: 0.4rem; }
.channel-list { display: grid; gap: 0.9rem; }
.channel-card { background: var(--surface); border: 1px solid var(--border); border-left: 5px solid var(--ok); border-radius: var(--radius); padding: 0.9rem 1.1rem; box-shadow: var(--shadow); }
.channel-card.is-disabled { border-left-color: var(--border-strong); background: #fafbfc; }
.channel-card.is-failing { border-left-color: var(--firing); }
.channel-card.is-selected { box-shadow: 0 0 0 2px var(--accent); }
.badge.kind { color: #fff; background: #10243e; }
.badge.enabled { color: var(--ok); background: var(--ok-soft); border-color: #9fd4b0; }
.card-actions { display: flex; gap: 0.5rem; flex-wrap: wrap; margin-top: 0.75rem; }
button.danger { color: #fff; background: var(--firing); border-color: var(--firing); }
button.danger:hover { background: #8f1c13; }
.card-result:not(:empty), .create-result:not(:empty) { margin-top: 0.75rem; display: grid; gap: 0.5rem; }
.confirm { display: grid; gap: 0.5rem; padding: 0.7rem 0.8rem; border: 1px solid #f3b4ad; border-radius: 6px; background: var(--firing-soft); }
.confirm.neutral { border-color: var(--border); background: var(--accent-soft); }
.confirm-actions { display: flex; gap: 0.5rem; flex-wrap: wrap; }
.secret-box { display: grid; gap: 0.45rem; padding: 0.8rem; border: 1px solid #f0d08a; border-radius: 6px; background: var(--warn-soft); }
.secret-box:focus { outline: 3px solid var(--focus); }
.secret-row { display: flex; gap: 0.5rem; align-items: center; flex-wrap: wrap; }
.secret-value { padding: 0.3rem 0.5rem; background: var(--surface); border: 1px solid var(--border-strong); border-radius: 4px; overflow-wrap: anywhere; user-select: all; }
.secret-note { font-weight: 700; color: var(--warn); }
.error-text { color: #7a1a10; overflow-wrap: anywhere; }
.check-list { display: grid; gap: 0.35rem; padding: 0.5rem 0.6rem; border: 1px solid var(--border); border-radius: 6px; background: #f8f9fb; }
.check-list:focus { outline: none; }
.check-list[aria-invalid="true"] { border-color: var(--firing); box-shadow: 0 0 0 1px var(--firing); }
.check-row { display: flex; align-items: center; gap: 0.5rem; }
.deliveries .pane-head { flex-wrap: wrap; align-items: end; }
.log-filters { display: flex; gap: 0.75rem; flex-wrap: wrap; align-items: end; }
.log-filters .field { margin: 0; }
.log-filters label { font-size: 0.85rem; }
.channel-card .facts .wide { grid-column: 1 / -1; }
.delivery-table td { font-size: 0.92rem; }
.delivery-table td.nowrap { white-space: nowrap; }
.delivery-table td.num { font-weight: 600; }
tr.delivery-FAILED td:first-child { box-shadow: inset 3px 0 0 var(--firing); padding-left: 0.5rem; }
.badge.delivery-DELIVERED { color: var(--ok); background: var(--ok-soft); border-color: #9fd4b0; }
.badge.delivery-PENDING { color: var(--warn); background: var(--warn-soft); border-color: #f0d08a; }
.badge.delivery-FAILED { color: #fff; background: var(--firing); }
details.error-more summary { cursor: pointer; }
@media (max-width: 1100px) { .channels-grid { grid-template-columns: 1fr; } }
`;

export const UI_NOTIFICATIONS_SCRIPT = String.raw`
  // ---------------------------------------------------------------- notifications (issue 14)
  var CHANNEL_KINDS = { WEBHOOK: "Webhook", SLACK: "Slack", EMAIL: "E-mail", PAGERDUTY: "PagerDuty" };
  var DELIVERY_STATES = { PENDING: "Pending", DELIVERED: "Delivered", FAILED: "Failed" };
  var DELIVERY_REASONS = { CROSSING: "Crossing", REPEAT: "Repeat", REDELIVERY: "Redelivery" };
  var DELIVERY_PAGE = 25;
  var DELIVERY_REFRESH_MAX = 100;
  var DELIVERY_POLL_MS = 3000;
  var MAX_CHANNEL_PAGES = 20;
  var ERROR_PREVIEW_CHARS = 80;
  var URL_HINTS = {
    WEBHOOK: "Each message is POSTed as JSON and signed (Standard Webhooks headers). Tokens and query values are masked when shown.",
    SLACK: "A Slack incoming webhook (https://hooks.slack.com/services/\u2026).",
    PAGERDUTY: "Empty: PagerDuty's Events API v2 endpoint (US)."
  };
  var URL_LABELS = { WEBHOOK: "URL", SLACK: "Slack webhook URL", PAGERDUTY: "Events API URL (optional)" };
  var CHANNEL_FIELDS = "id scope customerId name kind enabled disabledReason failingSince url to routingKeyHint previousSecretExpiresAt version updatedAt";
  var DELIVERY_FIELDS = "id messageId channelId alertId alertName customerId crossingIds reason state attempts lastStatus lastLatencyMs lastError " +
    "lastAttemptAt nextAttemptAt createdAt deliveredAt";
  var Q_CHANNELS = "query Channels($after: String) { notificationChannels(first: 100, after: $after) { nodes { " + CHANNEL_FIELDS + " } pageInfo { hasNextPage endCursor } } }";
  var M_CREATE_CHANNEL = "mutation CreateChannel($input: CreateNotificationChannelInput!) { createNotificationChannel(input: $input) { secret channel { " + CHANNEL_FIELDS + " } } }";
  var M_UPDATE_CHANNEL = "mutation UpdateChannel($id: ID!, $v: Int, $input: UpdateNotificationChannelInput!) { updateNotificationChannel(id: $id, expectedVersion: $v, input: $input) { " + CHANNEL_FIELDS + " } }";
  var M_ROTATE_SECRET = "mutation RotateSecret($id: ID!) { rotateNotificationChannelSecret(id: $id) { secret channel { " + CHANNEL_FIELDS + " } } }";
  var M_DELETE_CHANNEL = "mutation DeleteChannel($id: ID!) { deleteNotificationChannel(id: $id) { id deleted } }";
  var M_TEST_CHANNEL = "mutation TestChannel($id: ID!) { testNotificationChannel(id: $id) { ok status latencyMs error } }";
  var Q_DELIVERIES = "query Deliveries($channelId: ID, $state: DeliveryState, $first: Int, $after: String) { deliveries(channelId: $channelId, state: $state, first: $first, after: $after) { " +
    "totalCount nodes { " + DELIVERY_FIELDS + " } pageInfo { hasNextPage endCursor } } }";
  var M_REDELIVER = "mutation Redeliver($id: ID!) { redeliver(deliveryId: $id) { " + DELIVERY_FIELDS + " } }";

  function emptyChannels() { return { list: [], byId: new Map(), deleted: new Set(), loaded: false, error: "", pending: null }; }

  // ---- the channels this key sees, shared by the Notifications screen and the alert editor
  /** One load at a time; callers wait on the same promise. */
  function loadChannels() {
    var store = data.channels;
    if (store.pending) return store.pending;
    var myUi = ui;
    store.pending = (async function () {
      var list = [];
      var after = null;
      try {
        for (var page = 0; page < MAX_CHANNEL_PAGES; page++) {
          var conn = (await gql(Q_CHANNELS, { after: after })).notificationChannels;
          list = list.concat(conn.nodes);
          if (!conn.pageInfo.hasNextPage) break;
          after = conn.pageInfo.endCursor;
        }
        if (ui === myUi) setChannels(store, list);
        store.error = "";
      } catch (err) {
        store.error = "Could not load the notification channels: " + err.message;
      }
      store.loaded = true;
      store.pending = null;
    })();
    return store.pending;
  }
  function sortChannels(list) { return list.sort(function (a, b) { return a.name.localeCompare(b.name) || a.id.localeCompare(b.id); }); }
  /** A list read before a write answered must not undo it: keep the higher version, and forget deleted ones. */
  function setChannels(store, list) {
    var byId = new Map();
    list.forEach(function (c) {
      if (store.deleted.has(c.id)) return;
      var known = store.byId.get(c.id);
      byId.set(c.id, known && known.version > c.version ? known : c);
    });
    store.byId = byId;
    store.list = sortChannels(Array.from(byId.values()));
  }
  function upsertChannel(channel) {
    var store = data.channels;
    store.byId.set(channel.id, channel);
    store.list = sortChannels(Array.from(store.byId.values()));
  }
  function forgetChannel(id) {
    var store = data.channels;
    store.deleted.add(id);
    store.byId.delete(id);
    store.list = store.list.filter(function (c) { return c.id !== id; });
  }
  function channelName(id) { var c = data.channels.byId.get(id); return c ? c.name : null; }
  function destinationText(c) {
    if (c.kind === "EMAIL") return c.to.join(", ");
    var text = c.url || (c.kind === "PAGERDUTY" ? "PagerDuty (US endpoint)" : "");
    return c.kind === "PAGERDUTY" && c.routingKeyHint ? text + " \u00b7 routing key \u2026" + c.routingKeyHint : text;
  }
  function answerText(kind, status) { return (kind === "EMAIL" ? "SMTP " : "HTTP ") + status; }

  // ---- the screen
  function showChannels(channelId) {
    document.title = "Notifications \u2014 Alerts";
    ui.editor = null;
    if (!ui.channels) ui.channels = buildChannelsScreen();
    var s = ui.channels;
    var entering = ui.main.firstChild !== s.el;
    if (entering) fill(ui.main, s.el);
    s.select(channelId);
    renderChannels();
    startNotificationsPoll(s);
    if (entering) { s.heading.focus(); window.scrollTo(0, 0); }
  }
  /** Leaving the screen drops it, and with it any secret still shown. */
  function leaveChannels() {
    if (!ui || !ui.channels) return;
    clearTimeout(ui.channels.pollTimer);
    ui.channels = null;
  }

  function startNotificationsPoll(s) {
    clearTimeout(s.pollTimer);
    var gen = ++s.pollGen;
    (async function tick() {
      if (!ui || ui.channels !== s || s.pollGen !== gen) return;
      if (!document.hidden) await Promise.all([refreshDeliveries(s), loadChannels().then(renderChannels)]);
      if (!ui || ui.channels !== s || s.pollGen !== gen) return;
      s.pollTimer = setTimeout(tick, DELIVERY_POLL_MS);
    })();
  }

  function buildChannelsScreen() {
    var s = { selected: null, cards: new Map(), pollTimer: null, pollGen: 0 };
    s.heading = h("h2", { id: "channels-heading", tabindex: "-1" }, "Notifications");
    s.summary = h("p", { class: "list-summary", role: "status" }, "Loading channels\u2026");
    s.list = h("div", { class: "channel-list", id: "channel-list" });
    s.log = buildDeliveryLog(s);
    s.el = h("div", { class: "channels-screen" },
      h("div", { class: "pane-head" }, s.heading),
      h("p", { class: "muted intro" }, "Channels receive the crossings of the alerts that name them (pick them in an alert\u2019s editor, under \u201cNotifications\u201d). " +
        "Every message sent, and how the receiver answered, is in the delivery log below."),
      h("div", { class: "channels-grid" },
        h("section", { "aria-labelledby": "channel-list-heading" },
          h("h3", { id: "channel-list-heading", class: "section-title" }, "Channels"), s.summary, s.list),
        canEdit() ? createChannelPanel() : h("aside", { class: "panel" }, h("h3", null, "New channel"), h("p", { class: "muted" }, "This key may read channels, not change them."))),
      s.log.el);
    s.select = function (id) {
      if (s.selected === id && s.log.started) return;
      s.selected = id;
      s.log.started = true;
      s.cards.forEach(function (card, cardId) { card.el.classList.toggle("is-selected", cardId === id); });
      resetDeliveries(s);
    };
    return s;
  }

  function renderChannels() {
    var s = ui && ui.channels;
    if (!s) return;
    var store = data.channels;
    var failing = store.list.filter(function (c) { return c.failingSince; }).length;
    var disabled = store.list.filter(function (c) { return !c.enabled; }).length;
    var summary = store.error ? store.error : !store.loaded ? "Loading channels\u2026"
      : plural(store.list.length, "channel") + (failing ? ", " + failing + " failing" : "") + (disabled ? ", " + disabled + " disabled" : "") + ".";
    if (s.summary.textContent !== summary) s.summary.textContent = summary;
    s.summary.className = "list-summary" + (store.error ? " notice error" : "");
    var cards = store.list.map(function (c) {
      var card = s.cards.get(c.id);
      if (!card) { card = channelCard(s, c); s.cards.set(c.id, card); }
      card.update(c);
      card.el.classList.toggle("is-selected", c.id === s.selected);
      return card.el;
    });
    s.cards.forEach(function (card, id) { if (!store.byId.has(id)) s.cards.delete(id); });
    if (cards.length === 0) {
      if (store.loaded) fill(s.list, h("div", { class: "empty" }, canEdit() ? "No channels yet. Create one with the form beside this list." : "No channels yet."));
    } else {
      var same = s.list.children.length === cards.length && cards.every(function (c, i) { return s.list.children[i] === c; });
      if (!same) fill(s.list, cards);
    }
    renderLogChannelOptions(s);
  }

  /** A card keeps its actions and their results across refreshes; only its facts are redrawn. */
  function channelCard(s, channel) {
    var card = { ref: null, channel: channel };
    var top = h("div");
    var result = h("div", { class: "card-result", "aria-live": "polite" });
    var editable = canEdit();
    var deliveriesLink = h("a", { class: "button small", href: "#/channels/" + encodeURIComponent(channel.id) }, "Deliveries");
    var testBtn = h("button", { type: "button", class: "small" }, "Test");
    var toggleBtn = h("button", { type: "button", class: "small" });
    var rotateBtn = channel.kind === "WEBHOOK" ? h("button", { type: "button", class: "small" }, "Rotate secret") : null;
    var deleteBtn = h("button", { type: "button", class: "small" }, "Delete");
    var actions = h("div", { class: "card-actions" }, deliveriesLink, editable ? [testBtn, toggleBtn, rotateBtn, deleteBtn] : null);
    card.el = h("article", { class: "channel-card", id: "channel-" + channel.id, "data-channel-id": channel.id, "aria-labelledby": "channel-" + channel.id + "-name" }, top, actions, result);

    function problem(text) { fill(result, h("p", { class: "notice error", role: "alert" }, text)); }
    /** Runs one action with its button busy; a stale version reloads the channels and says so. */
    async function act(button, busyText, run) {
      var label = button.textContent;
      button.disabled = true;
      button.textContent = busyText;
      try { await run(); }
      catch (err) {
        if (err.code === "CONFLICT") { problem("Someone else changed this channel meanwhile; it has been reloaded. Try again."); loadChannels().then(renderChannels); }
        else if (err.code === "NOT_FOUND") { problem("This channel no longer exists."); loadChannels().then(renderChannels); }
        else problem(err.message);
      }
      button.disabled = false;
      if (button.textContent === busyText) button.textContent = label;
    }

    testBtn.addEventListener("click", function () {
      fill(result, h("p", { class: "muted" }, "Sending a test message\u2026"));
      act(testBtn, "Testing\u2026", async function () {
        var r = (await gql(M_TEST_CHANNEL, { id: card.channel.id })).testNotificationChannel;
        var answer = r.status === null ? "no answer" : answerText(card.channel.kind, r.status);
        fill(result, h("div", { class: "test-result" },
          h("p", { class: "verdict " + (r.ok ? "yes" : "no") }, (r.ok ? "\u2713 Test ok: " : "\u2717 Test failed: ") + answer + " in " + fmtNum(r.latencyMs) + " ms"),
          r.error ? h("p", { class: "small mono error-text" }, r.error) : null));
      });
    });
    toggleBtn.addEventListener("click", function () {
      var c = card.channel;
      fill(result);
      act(toggleBtn, c.enabled ? "Disabling\u2026" : "Enabling\u2026", async function () {
        var updated = (await gql(M_UPDATE_CHANNEL, { id: c.id, v: c.version, input: { enabled: !c.enabled } })).updateNotificationChannel;
        upsertChannel(updated);
        renderChannels();
        fill(result, h("p", { class: "muted small" }, updated.enabled ? "Enabled: it is sent new deliveries again." : "Disabled: it is sent nothing, and its pending deliveries fail."));
      });
    });
    if (rotateBtn) rotateBtn.addEventListener("click", function () {
      confirmIn(result, "neutral", "Make a new signing secret for \u201c" + card.channel.name + "\u201d? The current secret keeps signing beside it for 24 hours, so the receiver can switch without losing a message.",
        "Rotate the secret", function (confirmBtn) {
          act(confirmBtn, "Rotating\u2026", async function () {
            var r = (await gql(M_ROTATE_SECRET, { id: card.channel.id })).rotateNotificationChannelSecret;
            upsertChannel(r.channel);
            renderChannels();
            var until = r.channel.previousSecretExpiresAt;
            fill(result, secretBox("New signing secret of \u201c" + r.channel.name + "\u201d", r.secret,
              until ? "The previous secret also signs until " + fmtDate(until) + "." : null, function () { fill(result); rotateBtn.focus(); }));
          });
        }, rotateBtn);
    });
    deleteBtn.addEventListener("click", function () {
      confirmIn(result, "", "Delete \u201c" + card.channel.name + "\u201d? Alerts stop notifying it and its delivery log is removed. This cannot be undone.",
        "Delete the channel", function (confirmBtn) {
          act(confirmBtn, "Deleting\u2026", async function () {
            var id = card.channel.id;
            await gql(M_DELETE_CHANNEL, { id: id });
            forgetChannel(id);
            renderChannels();
            if (s.selected === id) location.hash = "#/channels";
            else refreshDeliveries(s);
            s.heading.focus();
          });
        }, deleteBtn);
    });

    card.update = function (c) {
      var key = JSON.stringify(c);
      if (card.ref === key) return;
      card.ref = key;
      card.channel = c;
      var headingId = "channel-" + c.id + "-name";
      fill(top,
        h("div", { class: "card-head" },
          badge(CHANNEL_KINDS[c.kind] || c.kind, "kind"),
          h("h3", { id: headingId }, c.name),
          c.enabled ? badge("Enabled", "enabled") : badge("Disabled", "muted"),
          c.failingSince ? h("span", { class: "badge failed", title: c.failingSince }, "Failing since " + fmtDate(c.failingSince)) : null),
        h("dl", { class: "facts" },
          wideFact(c.kind === "EMAIL" ? "Recipients" : "Destination", h("span", { class: "mono" }, destinationText(c))),
          isPlatform() ? fact("Owner", c.customerId ? "Customer " + c.customerId : "Platform") : null,
          c.previousSecretExpiresAt ? fact("Previous secret signs until", timeEl(c.previousSecretExpiresAt)) : null,
          fact("Changed", timeEl(c.updatedAt))),
        !c.enabled && c.disabledReason ? h("p", { class: "notice error small" }, "Disabled by the platform: " + c.disabledReason) : null);
      card.el.className = "channel-card" + (c.enabled ? "" : " is-disabled") + (c.failingSince ? " is-failing" : "") + (s.selected === c.id ? " is-selected" : "");
      toggleBtn.textContent = c.enabled ? "Disable" : "Enable";
      deliveriesLink.setAttribute("aria-label", "Deliveries to " + c.name);
      testBtn.setAttribute("aria-label", "Test " + c.name);
      toggleBtn.setAttribute("aria-label", (c.enabled ? "Disable " : "Enable ") + c.name);
      if (rotateBtn) rotateBtn.setAttribute("aria-label", "Rotate the secret of " + c.name);
      deleteBtn.setAttribute("aria-label", "Delete " + c.name);
    };
    return card;
  }

  function wideFact(label, value) { var el = fact(label, value); el.className = "wide"; return el; }

  /** An inline "are you sure" in place of a dialog; Cancel (focused first) puts the focus back. */
  function confirmIn(container, tone, text, confirmLabel, onConfirm, returnFocus) {
    var yes = h("button", { type: "button", class: "small " + (tone === "neutral" ? "primary" : "danger") }, confirmLabel);
    var no = h("button", { type: "button", class: "small", onclick: function () { fill(container); returnFocus.focus(); } }, "Cancel");
    yes.addEventListener("click", function () { onConfirm(yes); });
    fill(container, h("div", { class: "confirm " + tone, role: "group", "aria-label": confirmLabel },
      h("p", null, text), h("div", { class: "confirm-actions" }, yes, no)));
    no.focus();
  }

  /** A secret the API shows once: in the page's memory only while this box is open. */
  function secretBox(title, secret, extra, onDone) {
    var value = h("code", { class: "secret-value", "data-secret": "" }, secret);
    var said = h("span", { class: "small", role: "status" });
    var copy = h("button", { type: "button", class: "small", onclick: function () {
      function selectIt() { var range = document.createRange(); range.selectNodeContents(value); var sel = getSelection(); sel.removeAllRanges(); sel.addRange(range); }
      if (!navigator.clipboard) { selectIt(); said.textContent = "Selected: copy it with the keyboard."; return; }
      navigator.clipboard.writeText(secret).then(function () { said.textContent = "Copied."; }, function () { selectIt(); said.textContent = "Copying was refused: it is selected, copy it with the keyboard."; });
    } }, "Copy");
    var box = h("div", { class: "secret-box", tabindex: "-1", role: "group", "aria-label": title },
      h("strong", null, title),
      h("div", { class: "secret-row" }, value, copy, said),
      h("p", { class: "secret-note" }, "Shown only now: it is never shown again. Put it in the receiver that checks the webhook-signature header; if it is lost, rotate the secret."),
      extra ? h("p", { class: "small" }, extra) : null,
      h("div", null, h("button", { type: "button", class: "small", onclick: onDone }, "Done, I have saved it")));
    setTimeout(function () { box.focus(); }, 0);
    return box;
  }

  // ---- the create form
  function createChannelPanel() {
    var slots = new Map();
    function field(key, id, label, control, hint) {
      var error = h("p", { class: "field-error", id: id + "-error", hidden: true });
      var labelEl = h("label", { for: id }, label);
      var hintEl = hint === undefined ? null : h("p", { class: "hint", id: id + "-hint" }, hint);
      control.setAttribute("aria-describedby", (hintEl ? id + "-hint " : "") + id + "-error");
      slots.set(key, { control: control, error: error, label: label, labelEl: labelEl });
      var wrap = h("div", { class: "field", "data-field": key }, labelEl, control, hintEl, error);
      wrap.hintEl = hintEl;
      return wrap;
    }
    var name = h("input", { id: "c-name", name: "c-name", type: "text", autocomplete: "off", maxlength: 200, required: true, placeholder: "e.g. Ops webhook" });
    var customer = isPlatform() ? h("input", { id: "c-customer", name: "c-customer", type: "text", autocomplete: "off", placeholder: "empty: a platform channel" }) : null;
    var kind = select("c-kind", Object.keys(CHANNEL_KINDS).map(function (k) { return [k, CHANNEL_KINDS[k]]; }), "WEBHOOK");
    var url = h("input", { id: "c-url", name: "c-url", type: "text", inputmode: "url", autocomplete: "off", spellcheck: "false", class: "code", placeholder: "https://example.com/hooks/alerts" });
    var to = h("textarea", { id: "c-to", name: "c-to", rows: 3, spellcheck: "false", placeholder: "oncall@example.com" });
    var routingKey = h("input", { id: "c-routing-key", name: "c-routing-key", type: "password", autocomplete: "off", spellcheck: "false" });
    var enabled = h("input", { id: "c-enabled", name: "c-enabled", type: "checkbox", checked: true });
    var urlField = field("url", "c-url", "URL", url, URL_HINTS.WEBHOOK);
    var toField = field("to", "c-to", "Recipients", to, "1 to 20 addresses, one per line or separated by commas; sent through the server\u2019s SMTP server.");
    var keyField = field("routingKey", "c-routing-key", "Routing key", routingKey, "The integration key of a PagerDuty service; never shown again, only its last 4 characters.");
    var summary = h("div", { class: "notice error error-summary", role: "alert", tabindex: "-1", hidden: true });
    var done = h("div", { class: "create-result", "aria-live": "polite" });
    var save = h("button", { type: "submit", class: "primary" }, "Create channel");
    function syncKind() {
      var k = kind.value;
      urlField.hidden = k === "EMAIL";
      toField.hidden = k !== "EMAIL";
      keyField.hidden = k !== "PAGERDUTY";
      if (URL_LABELS[k]) { slots.get("url").labelEl.textContent = URL_LABELS[k]; slots.get("url").label = URL_LABELS[k]; urlField.hintEl.textContent = URL_HINTS[k]; }
      url.placeholder = k === "SLACK" ? "https://hooks.slack.com/services/\u2026" : k === "PAGERDUTY" ? "https://events.pagerduty.com/v2/enqueue" : "https://example.com/hooks/alerts";
    }
    kind.addEventListener("change", syncKind);

    function clearErrors() {
      summary.hidden = true;
      fill(summary);
      slots.forEach(function (slot) { slot.error.hidden = true; slot.error.textContent = ""; slot.control.removeAttribute("aria-invalid"); });
    }
    function showProblems(problems) {
      clearErrors();
      var items = problems.map(function (p) {
        var key = String(p.field).replace(/\[\d+\]$/, "");
        var slot = slots.get(key);
        if (!slot) return h("li", null, p.field + ": " + p.message);
        slot.error.textContent = slot.error.textContent ? slot.error.textContent + " " + p.message : p.message;
        slot.error.hidden = false;
        slot.control.setAttribute("aria-invalid", "true");
        return h("li", null, h("button", { type: "button", class: "link", onclick: function () { slot.control.focus(); } }, slot.label + ": " + p.message));
      });
      fill(summary, h("strong", null, "The channel was not created. Please fix:"), h("ul", null, items));
      summary.hidden = false;
      summary.focus();
    }
    async function submit(e) {
      e.preventDefault();
      clearErrors();
      fill(done);
      var k = kind.value;
      var input = { name: name.value.trim(), kind: k, enabled: enabled.checked };
      var problems = [];
      if (!input.name) problems.push({ field: "name", message: "give the channel a name" });
      if (customer && customer.value.trim()) input.customerId = customer.value.trim();
      if (k !== "EMAIL" && url.value.trim()) input.url = url.value.trim();
      if ((k === "WEBHOOK" || k === "SLACK") && !input.url) problems.push({ field: "url", message: "give the URL that receives the messages" });
      if (k === "EMAIL") {
        input.to = to.value.split(/[\s,;]+/).filter(Boolean);
        if (input.to.length === 0) problems.push({ field: "to", message: "give at least one e-mail address" });
      }
      if (k === "PAGERDUTY") {
        if (routingKey.value.trim()) input.routingKey = routingKey.value.trim();
        else problems.push({ field: "routingKey", message: "give the service\u2019s integration (routing) key" });
      }
      if (problems.length) { showProblems(problems); return; }
      save.disabled = true;
      save.textContent = "Creating\u2026";
      try {
        var r = (await gql(M_CREATE_CHANNEL, { input: input })).createNotificationChannel;
        if (!ui) return;
        upsertChannel(r.channel);
        renderChannels();
        [name, url, to, routingKey].forEach(function (el) { el.value = ""; });
        if (r.secret) {
          fill(done, secretBox("Signing secret of \u201c" + r.channel.name + "\u201d", r.secret, null, function () { fill(done); name.focus(); }));
        } else {
          fill(done, h("p", { class: "notice", role: "status" }, "Channel \u201c" + r.channel.name + "\u201d created."));
        }
      } catch (err) {
        if (err.code === "BAD_USER_INPUT" && err.fields.length) showProblems(err.fields);
        else {
          fill(summary, h("p", null, "The channel was not created: " + err.message));
          summary.hidden = false;
          summary.focus();
        }
      }
      save.disabled = false;
      save.textContent = "Create channel";
    }
    syncKind();
    return h("aside", { class: "panel", "aria-labelledby": "new-channel-heading" },
      h("h3", { id: "new-channel-heading" }, "New channel"),
      h("p", { class: "muted" }, "Where crossings go. A webhook gets a signing secret, shown once when it is made."),
      h("form", { class: "channel-form", novalidate: true, "aria-labelledby": "new-channel-heading", onsubmit: submit },
        summary,
        field("name", "c-name", "Name", name),
        customer ? field("customerId", "c-customer", "Customer", customer, "Empty: a platform channel, for global alerts.") : null,
        field("kind", "c-kind", "Kind", kind),
        urlField, toField, keyField,
        h("div", { class: "field check" }, enabled, h("label", { for: "c-enabled" }, "Enabled")),
        h("div", { class: "form-actions" }, save)),
      done);
  }

  // ---- the delivery log
  function buildDeliveryLog(s) {
    var log = { rows: [], endCursor: null, hasMore: false, total: 0, loaded: false, seq: 0, rowEls: new Map(), loadError: "", started: false };
    log.channel = select("d-channel", [["", "All channels"]], "");
    log.state = select("d-state", [["", "Every state"]].concat(Object.keys(DELIVERY_STATES).map(function (k) { return [k, DELIVERY_STATES[k]]; })), "");
    log.channel.addEventListener("change", function () {
      location.hash = log.channel.value ? "#/channels/" + encodeURIComponent(log.channel.value) : "#/channels";
    });
    log.state.addEventListener("change", function () { resetDeliveries(s); startNotificationsPoll(s); });
    log.title = h("h3", { id: "deliveries-heading" }, "Delivery log");
    log.summary = h("p", { class: "list-summary", role: "status" }, "Loading the delivery log\u2026");
    log.error = h("p", { class: "notice error", role: "alert", hidden: true });
    log.outcome = h("p", { class: "small", role: "status" });
    log.head = h("tr");
    log.body = h("tbody");
    log.more = h("button", { type: "button", hidden: true, onclick: function () { loadMoreDeliveries(s); } }, "Load more");
    log.el = h("section", { class: "panel deliveries", "aria-labelledby": "deliveries-heading" },
      h("div", { class: "pane-head" },
        h("div", null, log.title, h("p", { class: "muted small" }, "Newest first; refreshed every few seconds while this screen is open.")),
        h("form", { class: "log-filters", role: "search", "aria-label": "Filter deliveries", onsubmit: function (e) { e.preventDefault(); } },
          h("div", { class: "field" }, h("label", { for: "d-channel" }, "Channel"), log.channel),
          h("div", { class: "field" }, h("label", { for: "d-state" }, "State"), log.state))),
      log.error, log.summary, log.outcome,
      h("div", { class: "table-wrap" }, h("table", { class: "delivery-table", id: "deliveries" },
        h("caption", { class: "visually-hidden" }, "Deliveries, newest first"), h("thead", null, log.head), log.body)),
      h("div", { class: "panel-actions" }, log.more));
    return log;
  }

  function renderLogChannelOptions(s) {
    var sel = s.log.channel;
    var wanted = [["", "All channels"]].concat(data.channels.list.map(function (c) { return [c.id, c.name]; }));
    if (s.selected && !data.channels.byId.has(s.selected)) wanted.push([s.selected, "Unknown channel"]);
    var current = Array.from(sel.options).map(function (o) { return o.value + "\u0000" + o.textContent; }).join("\n");
    if (current !== wanted.map(function (w) { return w[0] + "\u0000" + w[1]; }).join("\n")) fill(sel, wanted.map(function (w) { return option(w[0], w[1]); }));
    sel.value = s.selected || "";
    var name = s.selected ? channelName(s.selected) : null;
    var title = s.selected ? "Deliveries to \u201c" + (name || "unknown channel") + "\u201d" : "Delivery log";
    if (s.log.title.textContent !== title) s.log.title.textContent = title;
  }

  function logVariables(s, extra) {
    return Object.assign({ channelId: s.selected || null, state: s.log.state.value || null }, extra);
  }

  /** A changed filter starts the log afresh (the poll reads it); answers to the old filter are dropped. */
  function resetDeliveries(s) {
    var log = s.log;
    log.seq++;
    log.rows = [];
    log.endCursor = null;
    log.hasMore = false;
    log.loaded = false;
    log.rowEls.clear();
    log.outcome.textContent = "";
    fill(log.head,
      ["Created", "Alert", s.selected ? null : "Channel", "Reason", "State", "Attempts", "Last status", "Latency", "Last error", "Next / done", ""]
        .filter(function (t) { return t !== null; })
        .map(function (t) { return h("th", { scope: "col" }, t ? t : h("span", { class: "visually-hidden" }, "Actions")); }));
    renderDeliveries(s);
  }

  /** Re-reads the newest rows (as many as are shown, up to 100); rows loaded past those stay. */
  async function refreshDeliveries(s) {
    var log = s.log;
    var seq = log.seq;
    var first = Math.min(DELIVERY_REFRESH_MAX, Math.max(DELIVERY_PAGE, log.rows.length));
    try {
      var conn = (await gql(Q_DELIVERIES, logVariables(s, { first: first }))).deliveries;
      if (!ui || ui.channels !== s || log.seq !== seq) return;
      var fetched = new Set(conn.nodes.map(function (d) { return d.id; }));
      var tail = [];
      if (conn.pageInfo.hasNextPage && conn.nodes.length > 0 && log.rows.length > first) {
        var at = log.rows.findIndex(function (d) { return d.id === conn.nodes[conn.nodes.length - 1].id; });
        if (at >= 0) tail = log.rows.slice(at + 1).filter(function (d) { return !fetched.has(d.id); });
      }
      log.rows = conn.nodes.concat(tail);
      if (tail.length === 0) { log.endCursor = conn.pageInfo.endCursor; log.hasMore = conn.pageInfo.hasNextPage; }
      log.total = conn.totalCount;
      log.loadError = "";
    } catch (err) {
      if (!ui || ui.channels !== s || log.seq !== seq) return;
      log.loadError = "Could not load the delivery log: " + err.message;
    }
    log.loaded = true;
    renderDeliveries(s);
  }

  async function loadMoreDeliveries(s) {
    var log = s.log;
    var seq = log.seq;
    log.more.disabled = true;
    log.more.textContent = "Loading\u2026";
    try {
      var conn = (await gql(Q_DELIVERIES, logVariables(s, { first: DELIVERY_PAGE, after: log.endCursor }))).deliveries;
      if (!ui || ui.channels !== s || log.seq !== seq) return;
      var known = new Set(log.rows.map(function (d) { return d.id; }));
      log.rows = log.rows.concat(conn.nodes.filter(function (d) { return !known.has(d.id); }));
      log.endCursor = conn.pageInfo.endCursor;
      log.hasMore = conn.pageInfo.hasNextPage;
      log.total = conn.totalCount;
      log.loadError = "";
    } catch (err) {
      log.loadError = "Could not load more deliveries: " + err.message;
    }
    log.more.disabled = false;
    log.more.textContent = "Load more";
    renderDeliveries(s);
  }

  function renderDeliveries(s) {
    var log = s.log;
    log.error.textContent = log.loadError;
    log.error.hidden = !log.loadError;
    var filtered = Boolean(s.selected || log.state.value);
    var summary = !log.loaded ? "Loading the delivery log\u2026"
      : log.rows.length === 0 ? (filtered ? "No delivery matches." : "No deliveries yet: they appear when an alert that notifies a channel crosses its threshold.")
      : "Showing " + fmtNum(log.rows.length) + " of " + fmtNum(log.total) + (log.total === 1 ? " delivery." : " deliveries.");
    if (log.summary.textContent !== summary) log.summary.textContent = summary;
    var rows = log.rows.map(function (d) {
      var key = JSON.stringify(d) + "\u0000" + (channelName(d.channelId) || "") + "\u0000" + Boolean(s.selected);
      var known = log.rowEls.get(d.id);
      if (!known || known.key !== key) { known = { key: key, el: deliveryRow(s, d) }; log.rowEls.set(d.id, known); }
      return known.el;
    });
    var shown = new Set(log.rows.map(function (d) { return d.id; }));
    log.rowEls.forEach(function (v, id) { if (!shown.has(id)) log.rowEls.delete(id); });
    // Keep the existing rows (and so the focus) where the order has not changed.
    var same = log.body.children.length === rows.length && rows.every(function (r, i) { return log.body.children[i] === r; });
    if (!same) fill(log.body, rows);
    log.more.hidden = !log.hasMore;
  }

  function deliveryRow(s, d) {
    var channel = data.channels.byId.get(d.channelId);
    var kind = channel ? channel.kind : null;
    var error = null;
    if (d.lastError) {
      error = d.lastError.length <= ERROR_PREVIEW_CHARS ? h("span", { class: "error-text" }, d.lastError)
        : h("details", { class: "error-more" }, h("summary", { class: "error-text" }, d.lastError.slice(0, ERROR_PREVIEW_CHARS) + "\u2026"), h("span", { class: "error-text" }, d.lastError));
    }
    var when;
    if (d.state === "DELIVERED") when = [h("span", { class: "muted small" }, "Delivered "), timeEl(d.deliveredAt)];
    else if (d.state === "PENDING") when = d.nextAttemptAt ? [h("span", { class: "muted small" }, "Next try "), timeEl(d.nextAttemptAt)] : h("span", { class: "muted" }, "Due now");
    else when = [h("span", { class: "muted small" }, "Gave up; last try "), timeEl(d.lastAttemptAt)];
    var redeliver = null;
    if (canEdit()) {
      redeliver = h("button", { type: "button", class: "small" + (d.state === "FAILED" ? " primary" : ""), "aria-label": "Redeliver \u201c" + d.alertName + "\u201d of " + fmtDate(d.createdAt) }, "Redeliver");
      redeliver.addEventListener("click", function () { redeliverOne(s, d, redeliver); });
    }
    return h("tr", { class: "delivery-" + d.state, "data-delivery-id": d.id, "data-state": d.state },
      h("td", { class: "nowrap" }, timeEl(d.createdAt)),
      h("td", null, h("strong", null, d.alertName), isPlatform() ? h("div", { class: "muted small" }, "Customer " + d.customerId) : null),
      s.selected ? null : h("td", null, channel ? channel.name : h("span", { class: "muted" }, "Unknown channel")),
      h("td", null, DELIVERY_REASONS[d.reason] || d.reason, d.crossingIds.length > 1 ? h("div", { class: "muted small" }, plural(d.crossingIds.length, "crossing")) : null),
      h("td", null, badge(DELIVERY_STATES[d.state] || d.state, "delivery-" + d.state)),
      h("td", { class: "num" }, fmtNum(d.attempts)),
      h("td", null, d.lastStatus === null ? h("span", { class: "muted" }, "\u2014") : answerText(kind, d.lastStatus)),
      h("td", null, d.lastLatencyMs === null ? h("span", { class: "muted" }, "\u2014") : fmtNum(d.lastLatencyMs) + " ms"),
      h("td", null, error || h("span", { class: "muted" }, "\u2014")),
      h("td", null, when),
      h("td", null, redeliver));
  }

  async function redeliverOne(s, d, button) {
    var log = s.log;
    button.disabled = true;
    button.textContent = "Sending\u2026";
    log.outcome.textContent = "";
    log.outcome.className = "small";
    try {
      var r = (await gql(M_REDELIVER, { id: d.id })).redeliver;
      if (!ui || ui.channels !== s) return;
      log.outcome.textContent = "\u201c" + d.alertName + "\u201d is sent again as a new delivery (" + (DELIVERY_STATES[r.state] || r.state).toLowerCase() + "), with the same message id.";
      await refreshDeliveries(s);
    } catch (err) {
      if (!ui || ui.channels !== s) return;
      button.disabled = false;
      button.textContent = "Redeliver";
      log.outcome.className = "small notice error";
      log.outcome.textContent = "Not redelivered: " + err.message;
    }
  }
`;
