// Every query, mutation and subscription of ../shared/api/contract.graphql, run with every kind of key
// against customer A's objects, customer B's, a global alert's and ones that do not exist (issue "Prove
// it", part 4). The rule is DESIGN.md "Who may do what": a customer key reads its own objects and the
// global alerts (and only its own statuses of them); another customer's object answers NOT_FOUND, as if it
// did not exist; a write beyond the role, or a customer key touching a global alert, answers FORBIDDEN;
// a revoked key answers UNAUTHENTICATED. isolation.test.ts covers alert CRUD and keys in more depth.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { startTestApp, type TestApp } from "../support/app";
import { makeKey, type RoleName } from "../support/keys";
import { REVOKE_KEY } from "../support/queries";
import { subscribe, type Subscription } from "../support/subscriber";
import { waitFor } from "../support/wait";

const A = "cust-a";
const B = "cust-b";
const ROLES: RoleName[] = ["VIEWER", "EDITOR", "ADMIN"];
const A_EVENTS = 2;
const B_EVENTS = 3;

let t: TestApp;

interface Key {
  readonly label: string;
  readonly kind: "customer" | "platform" | "revoked";
  readonly role: RoleName;
  /** The key's customer; for platform keys, the customer of the "own" column (A). */
  readonly own: string;
  readonly other: string;
  readonly secret: string;
}
const keys: Key[] = [];

/** Alerts by owner: read fixtures have statuses and crossings for their customers; write fixtures none. */
const readAlerts: Record<"A" | "B" | "G", string> = { A: "", B: "", G: "" };
const writeAlerts: Record<"A" | "B" | "G", string> = { A: "", B: "", G: "" };

// ---------------------------------------------------------------- setup

const CREATE = `mutation ($input: CreateAlertInput!) { createAlert(input: $input) { id } }`;
const PUBLISH = `mutation ($events: [EventInput!]!) { publishEvents(events: $events) { accepted } }`;
const BACKFILL = `query ($id: ID!) { alert(id: $id) { backfill { state processedEvents totalEvents } } }`;

const threshold = { operator: "GREATER_THAN_OR_EQUAL", value: 1 };
const createAlert = async (input: Record<string, unknown>): Promise<string> =>
  (await t.ok<{ createAlert: { id: string } }>(CREATE, { input: { threshold, ...input } })).createAlert.id;
const events = (customerId: string, n: number, application = "iso") => Array.from({ length: n }, (_, i) => ({ customerId, application, eventType: "e", payload: { n: i } }));
const backfillOf = async (id: string, key = t.adminKey) =>
  (await t.ok<{ alert: { backfill: { state: string; processedEvents: number; totalEvents: number | null } | null } }>(BACKFILL, { id }, key)).alert.backfill;

async function statusAndCrossingCustomers(alertId: string): Promise<{ statuses: string[]; crossings: string[] }> {
  const data = await t.ok<{ alertStatuses: { nodes: { customerId: string }[] }; thresholdCrossings: { nodes: { customerId: string }[] } }>(
    `query ($id: ID) { alertStatuses(alertId: $id, first: 100) { nodes { customerId } } thresholdCrossings(alertId: $id, first: 100) { nodes { customerId } } }`,
    { id: alertId },
  );
  return { statuses: data.alertStatuses.nodes.map((n) => n.customerId).sort(), crossings: data.thresholdCrossings.nodes.map((n) => n.customerId).sort() };
}

before(async () => {
  t = await startTestApp();
  for (const role of ROLES) {
    keys.push({ label: `A:${role}`, kind: "customer", role, own: A, other: B, secret: (await makeKey(t, role, A)).secret });
    keys.push({ label: `B:${role}`, kind: "customer", role, own: B, other: A, secret: (await makeKey(t, role, B)).secret });
    keys.push({ label: `platform:${role}`, kind: "platform", role, own: A, other: B, secret: (await makeKey(t, role, null)).secret });
  }
  const victim = await makeKey(t, "EDITOR", A, "to be revoked");
  await t.ok(REVOKE_KEY, { id: victim.id });
  keys.push({ label: "revoked", kind: "revoked", role: "EDITOR", own: A, other: B, secret: victim.secret });

  readAlerts.A = await createAlert({ name: "A's alert", customerId: A, application: "iso" });
  readAlerts.B = await createAlert({ name: "B's alert", customerId: B, application: "iso" });
  readAlerts.G = await createAlert({ name: "global alert", application: "iso" });
  writeAlerts.A = await createAlert({ name: "A's target", customerId: A, application: "writes" });
  writeAlerts.B = await createAlert({ name: "B's target", customerId: B, application: "writes" });
  writeAlerts.G = await createAlert({ name: "global target", application: "writes" });
  for (const id of [...Object.values(readAlerts), ...Object.values(writeAlerts)]) {
    await waitFor(async () => (await backfillOf(id))?.state === "DONE", `the backfill of alert ${id}`);
  }
  await t.ok(PUBLISH, { events: [...events(A, A_EVENTS), ...events(B, B_EVENTS)] });
  await waitFor(async () => {
    const [a, b, g] = await Promise.all([readAlerts.A, readAlerts.B, readAlerts.G].map(statusAndCrossingCustomers));
    return (
      JSON.stringify([a, b, g]) ===
      JSON.stringify([
        { statuses: [A], crossings: [A] },
        { statuses: [B], crossings: [B] },
        { statuses: [A, B], crossings: [A, B] },
      ])
    );
  }, "statuses and crossings of both customers");
});
after(() => t?.stop());

// ---------------------------------------------------------------- the table

const OK = "OK";
/** OK, and the rows returned belong exactly to the customers the caller may see (see `seen`). */
const R = "ROWS";
const NF = "NOT_FOUND";
const FB = "FORBIDDEN";
/** Not applicable. */
const __ = "-";
type Outcome = typeof OK | typeof R | typeof NF | typeof FB | typeof __;
type Column = "own" | "other" | "global" | "missing";
const COLUMNS: Column[] = ["own", "other", "global", "missing"];
type Row = readonly [own: Outcome, other: Outcome, global: Outcome, missing: Outcome];

interface Operation {
  readonly name: string;
  /** Customer VIEWER, EDITOR, ADMIN; platform VIEWER, EDITOR, ADMIN. A revoked key: UNAUTHENTICATED wherever a cell applies. */
  readonly table: readonly [Row, Row, Row, Row, Row, Row];
  /** Runs the operation against the column's target; the error code (or OK) and, for lists, the customers of the rows. */
  run(key: Key, column: Column): Promise<{ code: string; customers?: (string | null)[] }>;
  /** For ROWS cells: the customers (null: global/platform) whose rows the caller must see, exactly. */
  seen?(key: Key, column: Column): (string | null)[];
}

// Columns: the object of the key's own customer | of the other customer | a global alert (or: no
// customer) | an id that does not exist. For platform keys, "own" is customer A and "other" customer B.
//
//                         own  other global missing
const READ_ANY: Row =       [R,  NF,   R,     NF];
const READ_ALL: Row =       [R,  R,    R,     NF];
const LIST_OWN: Row =       [R,  R,    R,     R]; // filtered lists: never an error, only the rows the key may see
const WRITE_NONE: Row =     [FB, NF,   FB,    NF]; // a VIEWER: another customer's object still does not exist
const WRITE_OWN: Row =      [OK, NF,   FB,    NF];
const WRITE_ANY_NONE: Row = [FB, FB,   FB,    NF];
const WRITE_ANY: Row =      [OK, OK,   OK,    NF];
const WATCH_ANY: Row =      [OK, NF,   OK,    NF];
const WATCH_ALL: Row =      [OK, OK,   OK,    NF];

const OPERATIONS: Operation[] = [
  // ------------------------------------------------ queries
  {
    name: "alert (with its statuses, crossings and backfill)",
    //       customer VIEWER  EDITOR    ADMIN     platform VIEWER  EDITOR    ADMIN
    table: [READ_ANY, READ_ANY, READ_ANY, READ_ALL, READ_ALL, READ_ALL],
    run: (key, column) =>
      http(
        key,
        `query ($id: ID!) { alert(id: $id) { id statuses(first: 100) { nodes { customerId } } crossings(first: 100) { nodes { customerId } } backfill { state } } }`,
        { id: alertFor(readAlerts, key, column) },
        (d: { alert: { statuses: { nodes: { customerId: string }[] }; crossings: { nodes: { customerId: string }[] } } }) => [
          ...d.alert.statuses.nodes.map((n) => n.customerId),
          ...d.alert.crossings.nodes.map((n) => n.customerId),
        ],
      ),
    seen: (key, column) => visible(key, statusCustomers(key, column)),
  },
  {
    name: "alerts",
    table: [[R, __, __, __], [R, __, __, __], [R, __, __, __], [R, __, __, __], [R, __, __, __], [R, __, __, __]],
    run: (key) => http(key, `{ alerts(first: 100) { nodes { customerId } } }`, {}, (d: { alerts: { nodes: { customerId: string | null }[] } }) => d.alerts.nodes.map((n) => n.customerId)),
    seen: (key) => visible(key, [A, B, null]),
  },
  {
    name: "thresholdCrossings",
    table: [LIST_OWN, LIST_OWN, LIST_OWN, LIST_OWN, LIST_OWN, LIST_OWN],
    run: (key, column) =>
      http(key, `query ($id: ID) { thresholdCrossings(alertId: $id, first: 100) { nodes { customerId alert { id } } } }`, { id: alertFor(readAlerts, key, column) }, (d: {
        thresholdCrossings: { nodes: { customerId: string; alert: { id: string } | null }[] };
      }) => {
        // The crossing's alert is readable by whoever reads the crossing.
        assert.ok(d.thresholdCrossings.nodes.every((n) => n.alert !== null), `${key.label}: a crossing whose alert is null`);
        return d.thresholdCrossings.nodes.map((n) => n.customerId);
      }),
    seen: (key, column) => visible(key, statusCustomers(key, column)),
  },
  {
    name: "alertStatuses",
    table: [LIST_OWN, LIST_OWN, LIST_OWN, LIST_OWN, LIST_OWN, LIST_OWN],
    run: (key, column) =>
      http(key, `query ($id: ID) { alertStatuses(alertId: $id, first: 100) { nodes { customerId } } }`, { id: alertFor(readAlerts, key, column) }, (d: {
        alertStatuses: { nodes: { customerId: string }[] };
      }) => d.alertStatuses.nodes.map((n) => n.customerId)),
    seen: (key, column) => visible(key, statusCustomers(key, column)),
  },
  {
    name: "testAlert",
    // Any role may dry-run a definition of its own customer; another customer's is FORBIDDEN, as in createAlert.
    table: [[OK, FB, OK, __], [OK, FB, OK, __], [OK, FB, OK, __], [OK, OK, OK, __], [OK, OK, OK, __], [OK, OK, OK, __]],
    run: (key, column) =>
      http(key, `query ($alert: CreateAlertInput!, $event: EventInput!) { testAlert(alert: $alert, event: $event) { matched } }`, {
        alert: { name: "dry run", application: "iso", threshold, ...customerInput(key, column) },
        event: events(customerFor(key, column) ?? key.own, 1)[0],
      }),
  },
  {
    name: "previewAlert",
    table: [[R, FB, R, __], [R, FB, R, __], [R, FB, R, __], [R, R, R, __], [R, R, R, __], [R, R, R, __]],
    run: (key, column) =>
      http(
        key,
        `query ($alert: CreateAlertInput!, $since: DateTime!) { previewAlert(alert: $alert, since: $since) { statuses { customerId } crossings { customerId } } }`,
        { alert: { name: "backtest", application: "iso", threshold, ...customerInput(key, column) }, since: new Date(Date.now() - 3_600_000).toISOString() },
        (d: { previewAlert: { statuses: { customerId: string }[]; crossings: { customerId: string }[] } }) => [
          ...d.previewAlert.statuses.map((s) => s.customerId),
          ...d.previewAlert.crossings.map((c) => c.customerId),
        ],
      ),
    // A customer key's definition is its own customer's, so it only ever counts its own events.
    seen: (key, column) => (column === "global" ? visible(key, [A, B]) : [customerFor(key, column)]),
  },
  {
    name: "alertChanges",
    table: [LIST_OWN, LIST_OWN, LIST_OWN, LIST_OWN, LIST_OWN, LIST_OWN],
    run: (key, column) =>
      http(key, `query ($id: ID) { alertChanges(alertId: $id, first: 100) { customerId keyId } }`, { id: alertFor(readAlerts, key, column) }, (d: {
        alertChanges: { customerId: string | null; keyId: string | null }[];
      }) => {
        // Which platform key changed a global alert is the platform's business.
        if (key.kind === "customer") assert.ok(d.alertChanges.every((c) => c.customerId !== null || c.keyId === null), `${key.label}: a platform key id on a global alert's change`);
        return d.alertChanges.map((c) => c.customerId);
      }),
    seen: (key, column) => visible(key, column === "missing" ? [] : [column === "global" ? null : customerFor(key, column)]),
  },
  {
    name: "apiKeys",
    table: [[FB, __, __, __], [FB, __, __, __], [R, __, __, __], [FB, __, __, __], [FB, __, __, __], [R, __, __, __]],
    run: (key) => http(key, `{ apiKeys { customerId } }`, {}, (d: { apiKeys: { customerId: string | null }[] }) => d.apiKeys.map((k) => k.customerId)),
    // A customer ADMIN does not see platform keys.
    seen: (key) => (key.kind === "platform" ? [A, B, null] : [key.own]),
  },
  {
    name: "viewer",
    table: [[OK, __, __, __], [OK, __, __, __], [OK, __, __, __], [OK, __, __, __], [OK, __, __, __], [OK, __, __, __]],
    run: (key) => http(key, `{ viewer { keyId customerId role } }`, {}),
  },
  // ------------------------------------------------ mutations
  {
    name: "createAlert",
    table: [[FB, FB, FB, __], [R, FB, R, __], [R, FB, R, __], [FB, FB, FB, __], [R, R, R, __], [R, R, R, __]],
    run: (key, column) =>
      http(key, `mutation ($input: CreateAlertInput!) { createAlert(input: $input) { customerId } }`, {
        input: { name: "made in the table", application: "created", backfill: false, threshold, ...customerInput(key, column) },
      }, (d: { createAlert: { customerId: string | null } }) => [d.createAlert.customerId]),
    // Omitting customerId makes a customer key's own alert, and a platform key's global one.
    seen: (key, column) => [column === "global" && key.kind === "platform" ? null : (customerFor(key, column) ?? key.own)],
  },
  {
    name: "updateAlert",
    table: [WRITE_NONE, WRITE_OWN, WRITE_OWN, WRITE_ANY_NONE, WRITE_ANY, WRITE_ANY],
    run: (key, column) => http(key, `mutation ($id: ID!) { updateAlert(id: $id, input: {description: "touched"}) { id } }`, { id: alertFor(writeAlerts, key, column) }),
  },
  {
    name: "deleteAlert",
    table: [WRITE_NONE, WRITE_OWN, WRITE_OWN, WRITE_ANY_NONE, WRITE_ANY, WRITE_ANY],
    run: async (key, column) => {
      const customerId = column === "missing" ? A : customerFor(key, column);
      const id = column === "missing" ? randomUUID() : await createAlert({ name: "to delete", application: "deleted", backfill: false, ...(customerId ? { customerId } : {}) });
      return http(key, `mutation ($id: ID!) { deleteAlert(id: $id) { deleted } }`, { id });
    },
  },
  {
    name: "publishEvents",
    // The global column publishes for both customers at once.
    table: [[FB, FB, FB, __], [OK, FB, FB, __], [OK, FB, FB, __], [FB, FB, FB, __], [OK, OK, OK, __], [OK, OK, OK, __]],
    run: (key, column) =>
      http(key, PUBLISH, { events: column === "global" ? [...events(A, 1, "pub"), ...events(B, 1, "pub")] : events(customerFor(key, column)!, 1, "pub") }),
  },
  {
    name: "replayAlert",
    table: [WRITE_NONE, WRITE_OWN, WRITE_OWN, WRITE_ANY_NONE, WRITE_ANY, WRITE_ANY],
    run: (key, column) => http(key, `mutation ($id: ID!) { replayAlert(id: $id) { alertId state } }`, { id: alertFor(writeAlerts, key, column) }),
  },
  {
    name: "createApiKey",
    table: [[FB, FB, FB, __], [FB, FB, FB, __], [R, FB, R, __], [FB, FB, FB, __], [FB, FB, FB, __], [R, R, R, __]],
    run: (key, column) =>
      http(key, `mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { customerId } } }`, {
        input: { name: "made in the table", role: "VIEWER", customerId: customerFor(key, column) },
      }, (d: { createApiKey: { apiKey: { customerId: string | null } } }) => [d.createApiKey.apiKey.customerId]),
    // customerId null: a platform key, or the customer ADMIN's own customer.
    seen: (key, column) => [customerFor(key, column) ?? (key.kind === "platform" ? null : key.own)],
  },
  {
    name: "revokeApiKey",
    // Only ADMINs get as far as looking the key up: the answer does not depend on whether it exists.
    table: [[FB, FB, FB, FB], [FB, FB, FB, FB], [OK, NF, NF, NF], [FB, FB, FB, FB], [FB, FB, FB, FB], [OK, OK, OK, NF]],
    run: async (key, column) => {
      const id = column === "missing" ? randomUUID() : (await makeKey(t, "VIEWER", customerFor(key, column), "to revoke")).id;
      return http(key, REVOKE_KEY, { id });
    },
  },
  // ------------------------------------------------ subscriptions
  {
    name: "thresholdCrossed",
    // A filter on an alert it cannot see is not an error: it just never delivers (see the tests below).
    table: [[OK, OK, OK, OK], [OK, OK, OK, OK], [OK, OK, OK, OK], [OK, OK, OK, OK], [OK, OK, OK, OK], [OK, OK, OK, OK]],
    run: (key, column) => ws(key, `subscription ($id: ID) { thresholdCrossed(alertId: $id) { id } }`, { id: alertFor(readAlerts, key, column) }, "registered"),
  },
  {
    name: "alertStatusChanged",
    table: [[OK, OK, OK, OK], [OK, OK, OK, OK], [OK, OK, OK, OK], [OK, OK, OK, OK], [OK, OK, OK, OK], [OK, OK, OK, OK]],
    run: (key, column) => ws(key, `subscription ($id: ID) { alertStatusChanged(alertId: $id) { count } }`, { id: alertFor(readAlerts, key, column) }, "registered"),
  },
  {
    name: "backfillProgress",
    table: [WATCH_ANY, WATCH_ANY, WATCH_ANY, WATCH_ALL, WATCH_ALL, WATCH_ALL],
    run: (key, column) => ws(key, `subscription ($id: ID!) { backfillProgress(alertId: $id) { alertId state } }`, { id: alertFor(readAlerts, key, column) }, "message"),
  },
];

// ---------------------------------------------------------------- how a cell runs

function customerFor(key: Key, column: Column): string | null {
  return column === "own" ? key.own : column === "other" ? key.other : null;
}
/** A customerId input for the column: own/other customer, omitted for "global". */
const customerInput = (key: Key, column: Column) => (column === "global" ? {} : { customerId: customerFor(key, column) });

function alertFor(alerts: Record<"A" | "B" | "G", string>, key: Key, column: Column): string {
  if (column === "missing") return randomUUID();
  if (column === "global") return alerts.G;
  return customerFor(key, column) === A ? alerts.A : alerts.B;
}

/** Whose statuses and crossings the column's alert has (before visibility). */
function statusCustomers(key: Key, column: Column): string[] {
  if (column === "missing") return [];
  if (column === "global") return [A, B];
  return [customerFor(key, column)!];
}

/** What the key may see of rows owned by these customers (null: global). */
function visible(key: Key, owners: (string | null)[]): (string | null)[] {
  return key.kind === "platform" ? owners : owners.filter((c) => c === key.own || c === null);
}

async function http<D>(key: Key, query: string, variables: Record<string, unknown>, rows?: (data: D) => (string | null)[]): Promise<{ code: string; customers?: (string | null)[] }> {
  const result = await t.gql<D>(query, variables, key.secret);
  const code = result.errors?.[0]?.extensions?.code ?? "OK";
  if (code === "UNAUTHENTICATED") assert.equal(result.status, 401, `${key.label}: UNAUTHENTICATED with HTTP ${result.status}`);
  if (code !== "OK" || !rows) return { code };
  return { code, customers: rows(result.data as D) };
}

/** Subscribes; OK once the server registered it ("registered") or sent a first message ("message"). */
async function ws(key: Key, query: string, variables: Record<string, unknown>, okWhen: "registered" | "message"): Promise<{ code: string }> {
  const before = t.app.activeSubscriptions();
  const sub = subscribe(t.url, key.secret, query, variables);
  try {
    await waitFor(() => sub.errors.length > 0 || (okWhen === "message" ? sub.received.length > 0 : t.app.activeSubscriptions() > before), `${key.label}: ${query}`, 10_000, 10);
    return { code: sub.errors.length > 0 ? errorCode(sub.errors[0]) : "OK" };
  } finally {
    await sub.close();
    await waitFor(() => t.app.activeSubscriptions() <= before, "the subscription to end", 10_000, 10);
  }
}

/** The code of what a graphql-ws client reports: GraphQL errors, or the close of a refused connection. */
function errorCode(error: unknown): string {
  const first = Array.isArray(error) ? (error[0] as { extensions?: { code?: string } }) : undefined;
  if (first) return first.extensions?.code ?? "NO CODE";
  const close = (error as { code?: unknown }).code;
  if (close === 4403 || close === 4401) return "UNAUTHENTICATED";
  return `unexpected: ${String(close ?? error)}`;
}

const sameSet = (a: readonly (string | null)[], b: readonly (string | null)[]) => {
  const norm = (xs: readonly (string | null)[]) => [...new Set(xs.map((x) => x ?? "(global)"))].sort();
  return JSON.stringify(norm(a)) === JSON.stringify(norm(b));
};

function expected(op: Operation, key: Key): Row {
  if (key.kind === "revoked") return op.table[0].map((o) => (o === __ ? __ : "UNAUTHENTICATED")) as unknown as Row;
  return op.table[ROLES.indexOf(key.role) + (key.kind === "platform" ? 3 : 0)];
}

/** The keys as the brief lists them: A's, B's, the platform's, then the revoked one (made in `before`). */
const KEY_LABELS = [...ROLES.map((r) => `A:${r}`), ...ROLES.map((r) => `B:${r}`), ...ROLES.map((r) => `platform:${r}`), "revoked"];
const keyByLabel = (label: string): Key => {
  const key = keys.find((k) => k.label === label);
  if (!key) throw new Error(`no key ${label}`);
  return key;
};

describe("the role table, operation by operation", () => {
  for (const op of OPERATIONS) {
    describe(op.name, () => {
      for (const label of KEY_LABELS) {
        test(`${op.name} as ${label}`, async () => {
          const key = keyByLabel(label);
          const row = expected(op, key);
          const mismatches: string[] = [];
          for (const [i, column] of COLUMNS.entries()) {
            const want = row[i];
            if (want === __) continue;
            const { code, customers } = await op.run(key, column);
            const wantCode = want === R ? OK : want;
            if (code !== wantCode) {
              mismatches.push(`${column}: expected ${wantCode}, got ${code}`);
            } else if (want === R) {
              const seen = op.seen!(key, column);
              if (!sameSet(customers ?? [], seen)) {
                mismatches.push(`${column}: expected rows of ${JSON.stringify(seen)} only, got rows of ${JSON.stringify([...new Set(customers)])}`);
              }
            }
          }
          assert.deepEqual(mismatches, [], `${op.name} as ${label} (expected ${COLUMNS.map((c, i) => `${c} ${row[i]}`).join(", ")})`);
        });
      }
    });
  }
});

// ---------------------------------------------------------------- what subscribers receive

describe("subscriptions deliver only the subscriber's own customer's activity", () => {
  interface Crossing {
    thresholdCrossed: { alertId: string; customerId: string; cursor: string };
  }
  interface Status {
    alertStatusChanged: { alertId: string; customerId: string; count: number };
  }
  interface Progress {
    backfillProgress: { alertId: string; state: string; processedEvents: number; totalEvents: number | null };
  }
  const CROSSED = `subscription ($alertId: ID, $customerId: ID, $after: String) {
    thresholdCrossed(alertId: $alertId, customerId: $customerId, after: $after) { alertId customerId cursor } }`;
  const STATUS = `subscription ($alertId: ID, $customerId: ID) { alertStatusChanged(alertId: $alertId, customerId: $customerId) { alertId customerId count } }`;
  const PROGRESS = `subscription ($alertId: ID!) { backfillProgress(alertId: $alertId) { alertId state processedEvents totalEvents } }`;
  const keyOf = (label: string) => keyByLabel(label).secret;

  test("A's subscribers never receive B's crossings, statuses or backfills; B's alert is NOT_FOUND for backfillProgress", async () => {
    const act = {
      A: await createAlert({ name: "A activity", customerId: A, application: "act", backfill: false }),
      B: await createAlert({ name: "B activity", customerId: B, application: "act", backfill: false }),
      G: await createAlert({ name: "global activity", application: "act", backfill: false }),
    };
    const a = keyOf("A:VIEWER");
    const before = t.app.activeSubscriptions();
    const subs = {
      crossings: subscribe<Crossing>(t.url, a, CROSSED, {}),
      crossingsOfB: subscribe<Crossing>(t.url, a, CROSSED, { alertId: act.B }),
      crossingsForB: subscribe<Crossing>(t.url, a, CROSSED, { customerId: B }),
      statuses: subscribe<Status>(t.url, a, STATUS, {}),
      statusesOfB: subscribe<Status>(t.url, a, STATUS, { alertId: act.B }),
      statusesForB: subscribe<Status>(t.url, a, STATUS, { customerId: B }),
      // What the platform sees: proof that B's activity happened and was pushed.
      platformCrossings: subscribe<Crossing>(t.url, keyOf("platform:VIEWER"), CROSSED, {}),
      platformStatuses: subscribe<Status>(t.url, keyOf("platform:VIEWER"), STATUS, {}),
    };
    const progress = {
      own: subscribe<Progress>(t.url, a, PROGRESS, { alertId: act.A }),
      global: subscribe<Progress>(t.url, a, PROGRESS, { alertId: act.G }),
      ofB: subscribe<Progress>(t.url, a, PROGRESS, { alertId: act.B }),
    };
    const all: Subscription<unknown>[] = [...Object.values(subs), ...Object.values(progress)];
    try {
      await waitFor(() => t.app.activeSubscriptions() >= before + Object.keys(subs).length, "every subscription registered");
      await waitFor(() => progress.ofB.errors.length > 0, "backfillProgress of B's alert to fail");
      assert.equal(errorCode(progress.ofB.errors[0]), "NOT_FOUND");

      // B's activity first: crossings and statuses of B's alert and of the global alert, and a replay of B's alert.
      await t.ok(PUBLISH, { events: events(B, 2, "act") });
      await waitFor(() => subs.platformCrossings.received.filter((c) => c.thresholdCrossed.customerId === B).length === 2, "B's two crossings at the platform");
      await waitFor(() => subs.platformStatuses.received.some((s) => s.alertStatusChanged.customerId === B && s.alertStatusChanged.alertId === act.G), "B's status change at the platform");
      await t.ok(`mutation ($id: ID!) { replayAlert(id: $id) { state } }`, { id: act.B });
      await waitFor(async () => (await backfillOf(act.B))?.state === "DONE", "the replay of B's alert");

      // Then A's: everything A's subscribers receive arrives after what B's activity would have sent them.
      await t.ok(PUBLISH, { events: events(A, 1, "act") });
      await waitFor(() => subs.crossings.received.length >= 2, "A's two crossings");
      await waitFor(() => subs.statuses.received.some((s) => s.alertStatusChanged.alertId === act.G), "A's status change of the global alert");
      for (const id of [act.A, act.G]) await t.ok(`mutation ($id: ID!) { replayAlert(id: $id) { state } }`, { id });
      await waitFor(() => progress.own.received.some((p) => p.backfillProgress.state === "DONE") && progress.global.received.some((p) => p.backfillProgress.state === "DONE"), "A's replays done");

      const customers = (list: { customerId: string }[]) => [...new Set(list.map((x) => x.customerId))];
      assert.deepEqual(customers(subs.crossings.received.map((c) => c.thresholdCrossed)), [A], "thresholdCrossed without filters");
      assert.deepEqual(new Set(subs.crossings.received.map((c) => c.thresholdCrossed.alertId)), new Set([act.A, act.G]));
      assert.deepEqual(subs.crossingsOfB.received, [], "thresholdCrossed(alertId: B's alert)");
      assert.deepEqual(subs.crossingsForB.received, [], "thresholdCrossed(customerId: B)");
      assert.deepEqual(customers(subs.statuses.received.map((s) => s.alertStatusChanged)), [A], "alertStatusChanged without filters");
      assert.deepEqual(subs.statusesOfB.received, [], "alertStatusChanged(alertId: B's alert)");
      assert.deepEqual(subs.statusesForB.received, [], "alertStatusChanged(customerId: B)");
      assert.ok(progress.own.received.every((p) => p.backfillProgress.alertId === act.A));
      assert.ok(progress.global.received.every((p) => p.backfillProgress.alertId === act.G));
      for (const [name, sub] of Object.entries(subs)) assert.deepEqual(sub.errors, [], name);
      // The platform saw both customers: the filters above had something to filter.
      assert.deepEqual(new Set(customers(subs.platformCrossings.received.map((c) => c.thresholdCrossed))), new Set([A, B]));
    } finally {
      await Promise.all(all.map((s) => s.close()));
    }
  });

  test("resuming thresholdCrossed with after replays only the key's own customer's crossings", async () => {
    const a = keyOf("A:VIEWER");
    const origin = Buffer.from("crossing:0").toString("base64url");
    const own = (await t.ok<{ thresholdCrossings: { nodes: { customerId: string; historical: boolean }[] } }>(
      `{ thresholdCrossings(first: 100) { nodes { customerId historical } } }`,
      {},
      a,
    )).thresholdCrossings.nodes.filter((c) => !c.historical);
    assert.ok(own.length > 0, "A has live crossings to replay");
    const resumed = subscribe<Crossing>(t.url, a, CROSSED, { after: origin });
    const resumedForB = subscribe<Crossing>(t.url, a, CROSSED, { after: origin, customerId: B });
    try {
      await waitFor(() => resumed.received.length >= own.length, `A's ${own.length} live crossings replayed`);
      assert.deepEqual([...new Set(resumed.received.map((c) => c.thresholdCrossed.customerId))], [A]);
      assert.ok(resumedForB.received.every((c) => c.thresholdCrossed.customerId !== B), "customerId: B replayed B's crossings to A");
      assert.deepEqual(resumed.errors, []);
    } finally {
      await Promise.all([resumed.close(), resumedForB.close()]);
    }
  });

  test("a revoked key cannot open any subscription", async () => {
    for (const query of [CROSSED, STATUS, PROGRESS]) {
      const sub = subscribe(t.url, keyOf("revoked"), query, { alertId: readAlerts.A });
      try {
        await waitFor(() => sub.errors.length > 0, "the connection to be refused");
        assert.equal(errorCode(sub.errors[0]), "UNAUTHENTICATED");
        assert.deepEqual(sub.received, []);
      } finally {
        await sub.close();
      }
    }
  });
});

// ---------------------------------------------------------------- reads of the other customer by filter

describe("filters that name the other customer", () => {
  test("alertStatuses and thresholdCrossings with customerId: B answer nothing to A's keys, everything to the platform", async () => {
    for (const role of ROLES) {
      const a = keyByLabel(`A:${role}`).secret;
      for (const field of ["alertStatuses", "thresholdCrossings"]) {
        const data = await t.ok<Record<string, { totalCount: number; nodes: unknown[] }>>(`query ($c: ID) { ${field}(customerId: $c) { totalCount nodes { customerId } } }`, { c: B }, a);
        assert.deepEqual([data[field].totalCount, data[field].nodes], [0, []], `${field}(customerId: B) as A:${role}`);
      }
    }
    const platform = await t.ok<{ alertStatuses: { nodes: { customerId: string }[] } }>(`query ($c: ID) { alertStatuses(customerId: $c) { nodes { customerId } } }`, { c: B }, keyByLabel("platform:VIEWER").secret);
    assert.ok(platform.alertStatuses.nodes.length >= 2);
    assert.ok(platform.alertStatuses.nodes.every((s) => s.customerId === B));
  });

  test("alerts(filter: {customerId: B}) answers nothing to A's keys", async () => {
    for (const role of ROLES) {
      const data = await t.ok<{ alerts: { totalCount: number; nodes: unknown[] } }>(`query ($c: ID) { alerts(filter: {customerId: $c}) { totalCount nodes { id } } }`, { c: B }, keyByLabel(`A:${role}`).secret);
      assert.deepEqual([data.alerts.totalCount, data.alerts.nodes], [0, []], `as A:${role}`);
    }
  });

  test("totalCount of a global alert's statuses counts only the caller's own customer", async () => {
    const a = keyByLabel("A:VIEWER").secret;
    const data = await t.ok<{ alert: { statuses: { totalCount: number }; crossings: { totalCount: number } } }>(
      `query ($id: ID!) { alert(id: $id) { statuses { totalCount } crossings { totalCount } } }`,
      { id: readAlerts.G },
      a,
    );
    assert.deepEqual(data.alert, { statuses: { totalCount: 1 }, crossings: { totalCount: 1 } });
  });
});

// ---------------------------------------------------------------- backfill progress of global alerts

describe("backfill progress of a global alert", () => {
  test("a customer key's view of a global alert's backfill counts only its own customer's events", async () => {
    // Created after the fixture events were archived: its backfill reads A's and B's.
    const id = await createAlert({ name: "global, counted from history", application: "iso" });
    await waitFor(async () => (await backfillOf(id))?.state === "DONE", "the backfill");
    const platform = (await backfillOf(id))!;
    assert.equal(platform.processedEvents, A_EVENTS + B_EVENTS, "the platform sees the whole scan");
    const asA = (await backfillOf(id, keyByLabel("A:VIEWER").secret))!;
    assert.ok(asA.processedEvents <= A_EVENTS, `customer A sees ${asA.processedEvents} processed events of a global alert, of which only ${A_EVENTS} are its own: B's event volume leaks`);
    assert.ok(asA.totalEvents === null || asA.totalEvents <= A_EVENTS, `customer A sees totalEvents ${asA.totalEvents}`);
    const sub = subscribe<{ backfillProgress: { processedEvents: number } }>(t.url, keyByLabel("A:VIEWER").secret, `subscription ($id: ID!) { backfillProgress(alertId: $id) { processedEvents } }`, { id });
    try {
      await waitFor(() => sub.received.length > 0 || sub.errors.length > 0, "backfillProgress");
      assert.deepEqual(sub.errors, []);
      assert.ok(sub.received.every((p) => p.backfillProgress.processedEvents <= A_EVENTS), `backfillProgress shows ${JSON.stringify(sub.received)}`);
    } finally {
      await sub.close();
    }
  });
});

// ---------------------------------------------------------------- no existence oracle

describe("another customer's objects are indistinguishable from missing ones", () => {
  test("every write on B's objects answers A's keys exactly as on an id that does not exist", async () => {
    const disabled = await createAlert({ name: "B's disabled alert", customerId: B, application: "writes", enabled: false, backfill: false });
    const bKey = (await makeKey(t, "VIEWER", B, "B's key to revoke")).id;
    const future = new Date(Date.now() + 86_400_000).toISOString();
    // [what, document, which of B's objects, variables for an id]
    const cases: [string, string, string, (id: string) => Record<string, unknown>][] = [
      ["updateAlert with a stale expectedVersion", `mutation ($id: ID!) { updateAlert(id: $id, input: {name: "x"}, expectedVersion: 999) { id } }`, writeAlerts.B, (id) => ({ id })],
      ["updateAlert with an invalid change", `mutation ($id: ID!) { updateAlert(id: $id, input: {threshold: {operator: LESS_THAN, value: 1}}) { id } }`, writeAlerts.B, (id) => ({ id })],
      ["replayAlert of a disabled alert", `mutation ($id: ID!) { replayAlert(id: $id) { state } }`, disabled, (id) => ({ id })],
      ["replayAlert since the future", `mutation ($id: ID!, $since: DateTime) { replayAlert(id: $id, since: $since) { state } }`, writeAlerts.B, (id) => ({ id, since: future })],
      ["deleteAlert", `mutation ($id: ID!) { deleteAlert(id: $id) { deleted } }`, writeAlerts.B, (id) => ({ id })],
      ["alert", `query ($id: ID!) { alert(id: $id) { id } }`, readAlerts.B, (id) => ({ id })],
      ["revokeApiKey", REVOKE_KEY, bKey, (id) => ({ id })],
    ];
    const mismatches: string[] = [];
    for (const label of ["A:VIEWER", "A:EDITOR", "A:ADMIN"]) {
      const key = keyByLabel(label).secret;
      for (const [name, query, ofB, variables] of cases) {
        const [onB, onNothing] = await Promise.all([t.gql(query, variables(ofB), key), t.gql(query, variables(randomUUID()), key)]);
        const answer = (r: typeof onB) => `HTTP ${r.status} ${r.errors?.[0]?.extensions?.code ?? "OK"}`;
        if (answer(onB) !== answer(onNothing)) mismatches.push(`${name} as ${label}: B's object answers ${answer(onB)}, a missing one ${answer(onNothing)}`);
      }
    }
    assert.deepEqual(mismatches, []);
  });

  test("an event id customer B used does not swallow customer A's event with the same id", async () => {
    const id = `shared-${randomUUID()}`;
    const publish = async (label: string, customerId: string) =>
      (await t.ok<{ publishEvents: { accepted: number } }>(PUBLISH, { events: [{ id, customerId, application: "dedup", eventType: "e", payload: {} }] }, keyByLabel(label).secret)).publishEvents.accepted;
    assert.equal(await publish("B:EDITOR", B), 1);
    assert.equal(await publish("A:EDITOR", A), 1, "A's event was taken for a duplicate of B's");
    assert.equal(await publish("A:EDITOR", A), 0, "the same id twice within A counts once");
  });
});
