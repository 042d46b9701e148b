import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { withClient } from "../support/database";
import { startTestApp, type TestApp } from "../support/app";
import { makeKey } from "../support/keys";
import { ALERT_CHANGES, CREATE_ALERT, DELETE_ALERT, GET_ALERT, LIST_ALERTS, UPDATE_ALERT, minimalAlert } from "../support/queries";

interface AlertData {
  id: string;
  scope: string;
  customerId: string | null;
  name: string;
  description: string;
  severity: string;
  enabled: boolean;
  application: string | null;
  conditions: { path: string; operator: string; value: unknown }[];
  aggregation: { function: string; path: string | null };
  groupBy: string[];
  window: { type: string; seconds: number | null };
  threshold: { operator: string; value: number };
  version: number;
  createdAt: string;
  updatedAt: string;
  jsonPath: string | null;
  entityPath: string | null;
}

let t: TestApp;
let acmeEditor: string;

before(async () => {
  t = await startTestApp();
  acmeEditor = (await makeKey(t, "EDITOR", "acme")).secret;
});
after(() => t?.stop());

const create = async (input: Record<string, unknown>, key?: string) =>
  (await t.ok<{ createAlert: AlertData }>(CREATE_ALERT, { input }, key)).createAlert;

describe("createAlert", () => {
  test("a customer alert with every field, stored as given", async () => {
    const input = {
      customerId: "acme",
      name: "Users without 2FA",
      description: "Users who have not enabled two-factor authentication",
      severity: "HIGH",
      enabled: true,
      application: "gsuite",
      objectType: "user",
      eventType: "user.updated",
      conditions: [
        { path: "$.user.twoFactor", operator: "EQUALS", value: false },
        { path: "$.user.email", operator: "ENDS_WITH", value: "@acme.com" },
        { path: "$.user.roles", operator: "IN", value: [["admin"], ["owner"]] },
        { path: "$.user.suspended", operator: "NOT_EXISTS" },
      ],
      jsonPath: "$.user[?(@.isAdmin == true)]",
      aggregation: { function: "COUNT_DISTINCT", path: "$.user.email" },
      groupBy: ["$.user.department"],
      entityPath: "$.user.email",
      window: { type: "SLIDING", seconds: 3600 },
      threshold: { operator: "GREATER_THAN", value: 5 },
      backfill: false,
    };
    const alert = await create(input);
    assert.equal(alert.scope, "CUSTOMER");
    assert.equal(alert.customerId, "acme");
    assert.equal(alert.version, 1);
    assert.deepEqual(alert.conditions, [
      { path: "$.user.twoFactor", operator: "EQUALS", value: false },
      { path: "$.user.email", operator: "ENDS_WITH", value: "@acme.com" },
      { path: "$.user.roles", operator: "IN", value: [["admin"], ["owner"]] },
      { path: "$.user.suspended", operator: "NOT_EXISTS", value: null },
    ]);
    assert.deepEqual(alert.aggregation, input.aggregation);
    assert.deepEqual(alert.window, input.window);
    assert.deepEqual(alert.groupBy, input.groupBy);
    assert.equal(alert.jsonPath, input.jsonPath);
    assert.match(alert.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const read = (await t.ok<{ alert: AlertData }>(GET_ALERT, { id: alert.id })).alert;
    assert.deepEqual(read, alert);
  });

  test("defaults: MEDIUM, enabled, COUNT, ALL_TIME, no conditions", async () => {
    const alert = await create(minimalAlert({ customerId: "acme" }));
    assert.equal(alert.severity, "MEDIUM");
    assert.equal(alert.enabled, true);
    assert.equal(alert.description, "");
    assert.deepEqual(alert.aggregation, { function: "COUNT", path: null });
    assert.deepEqual(alert.window, { type: "ALL_TIME", seconds: null });
    assert.deepEqual(alert.conditions, []);
    assert.deepEqual(alert.groupBy, []);
  });

  test("a platform key without customerId makes a GLOBAL alert; a customer key's alert is its own", async () => {
    const global = await create(minimalAlert());
    assert.equal(global.scope, "GLOBAL");
    assert.equal(global.customerId, null);
    const own = await create(minimalAlert(), acmeEditor);
    assert.equal(own.scope, "CUSTOMER");
    assert.equal(own.customerId, "acme");
  });

  const invalid: [string, Record<string, unknown>, string][] = [
    ["blank name", { name: "   " }, "name"],
    ["name too long", { name: "x".repeat(201) }, "name"],
    ["description too long", { description: "x".repeat(2001) }, "description"],
    ["invalid condition path", { conditions: [{ path: "$.a[?(@.b ==", operator: "EXISTS" }] }, "conditions[0].path"],
    ["path not starting with $", { conditions: [{ path: "user.name", operator: "EXISTS" }] }, "conditions[0].path"],
    ["IN without a list", { conditions: [{ path: "$.a", operator: "IN", value: "x" }] }, "conditions[0].value"],
    ["NOT_IN without a list", { conditions: [{ path: "$.a", operator: "NOT_IN", value: 3 }] }, "conditions[0].value"],
    ["EQUALS without a value", { conditions: [{ path: "$.a", operator: "EQUALS" }] }, "conditions[0].value"],
    ["GREATER_THAN with an object", { conditions: [{ path: "$.a", operator: "GREATER_THAN", value: { a: 1 } }] }, "conditions[0].value"],
    ["EXISTS with a value", { conditions: [{ path: "$.a", operator: "EXISTS", value: 1 }] }, "conditions[0].value"],
    ["IS_EMPTY with a value", { conditions: [{ path: "$.a", operator: "IS_EMPTY", value: "" }] }, "conditions[0].value"],
    ["MATCHES with a broken regex", { conditions: [{ path: "$.a", operator: "MATCHES", value: "(unclosed" }] }, "conditions[0].value"],
    ["MATCHES with a backreference (not linear time)", { conditions: [{ path: "$.a", operator: "MATCHES", value: "(a)\\1" }] }, "conditions[0].value"],
    ["STARTS_WITH with a number", { conditions: [{ path: "$.a", operator: "STARTS_WITH", value: 1 }] }, "conditions[0].value"],
    ["21 conditions", { conditions: Array.from({ length: 21 }, () => ({ path: "$.a", operator: "EXISTS" })) }, "conditions"],
    ["6 groupBy paths", { groupBy: ["$.a", "$.b", "$.c", "$.d", "$.e", "$.f"] }, "groupBy"],
    ["invalid groupBy path", { groupBy: ["$..["] }, "groupBy[0]"],
    ["invalid jsonPath", { jsonPath: "$.a.b(" }, "jsonPath"],
    ["eval attempt in jsonPath", { jsonPath: "$[?(@.constructor.constructor('return process')())]" }, "jsonPath"],
    ["invalid entityPath", { entityPath: "$[" }, "entityPath"],
    ["SUM without a path", { aggregation: { function: "SUM" } }, "aggregation.path"],
    ["COUNT with a path", { aggregation: { function: "COUNT", path: "$.a" } }, "aggregation.path"],
    ["TUMBLING without seconds", { window: { type: "TUMBLING" } }, "window.seconds"],
    ["SLIDING of 0 s", { window: { type: "SLIDING", seconds: 0 } }, "window.seconds"],
    ["SLIDING over 31 days", { window: { type: "SLIDING", seconds: 31 * 86400 + 1 } }, "window.seconds"],
    ["ALL_TIME with seconds", { window: { type: "ALL_TIME", seconds: 60 } }, "window.seconds"],
    ["LESS_THAN on ALL_TIME", { threshold: { operator: "LESS_THAN", value: 3 } }, "threshold.operator"],
    ["LESS_THAN_OR_EQUAL on ALL_TIME", { threshold: { operator: "LESS_THAN_OR_EQUAL", value: 3 } }, "threshold.operator"],
    ["empty selector", { application: "" }, "application"],
    ["bad customer id", { customerId: "has spaces" }, "customerId"],
  ];
  for (const [name, change, field] of invalid) {
    test(`rejects ${name} with BAD_USER_INPUT naming ${field}`, async () => {
      const result = await t.gql(CREATE_ALERT, { input: minimalAlert({ customerId: "acme", ...change }) });
      assert.equal(result.errors?.[0]?.extensions?.code, "BAD_USER_INPUT", JSON.stringify(result.errors));
      const fields = result.errors[0].extensions?.fields?.map((f) => f.field);
      assert.ok(fields?.includes(field), `expected ${field} among ${JSON.stringify(fields)}`);
      assert.equal(result.status, 400);
    });
  }

  test("LESS_THAN is accepted with a window", async () => {
    const alert = await create(minimalAlert({ window: { type: "TUMBLING", seconds: 60 }, threshold: { operator: "LESS_THAN", value: 3 } }));
    assert.equal(alert.threshold.operator, "LESS_THAN");
  });

  test("an unknown enum value is refused before any resolver runs", async () => {
    const result = await t.gql(CREATE_ALERT, { input: minimalAlert({ severity: "URGENT" }) });
    assert.equal(result.status, 400);
    assert.equal(result.errors?.[0]?.extensions?.code, "BAD_USER_INPUT");
    assert.match(result.errors[0].message, /URGENT/);
  });

  test("a write stores the alert and its audit row together", async () => {
    const alert = await create(minimalAlert({ customerId: "acme" }));
    const changes = (await t.ok<{ alertChanges: { action: string; version: number; definition: { name: string; id: string } }[] }>(ALERT_CHANGES, { alertId: alert.id })).alertChanges;
    assert.equal(changes.length, 1);
    assert.equal(changes[0].action, "CREATED");
    assert.equal(changes[0].version, 1);
    assert.equal(changes[0].definition.id, alert.id);
    assert.equal(changes[0].definition.name, "Admin granted");
  });
});

describe("updateAlert", () => {
  test("changes only the fields given and bumps the version", async () => {
    const alert = await create(minimalAlert({ customerId: "acme", application: "slack", description: "d" }));
    const updated = (await t.ok<{ updateAlert: AlertData }>(UPDATE_ALERT, { id: alert.id, input: { severity: "CRITICAL" } })).updateAlert;
    assert.equal(updated.severity, "CRITICAL");
    assert.equal(updated.application, "slack");
    assert.equal(updated.description, "d");
    assert.equal(updated.version, 2);
    assert.ok(updated.updatedAt >= alert.updatedAt);
    assert.equal(updated.createdAt, alert.createdAt);
  });

  test("an explicit null clears a nullable field; absent keeps it", async () => {
    const alert = await create(minimalAlert({ customerId: "acme", application: "slack", eventType: "login" }));
    const updated = (await t.ok<{ updateAlert: AlertData }>(UPDATE_ALERT, { id: alert.id, input: { application: null } })).updateAlert;
    assert.equal(updated.application, null);
    assert.equal((updated as unknown as { eventType: string }).eventType, "login");
  });

  test("null for a required field is refused", async () => {
    const alert = await create(minimalAlert({ customerId: "acme" }));
    const result = await t.gql(UPDATE_ALERT, { id: alert.id, input: { name: null } });
    assert.equal(result.errors?.[0]?.extensions?.code, "BAD_USER_INPUT");
    assert.deepEqual(result.errors[0].extensions?.fields?.map((f) => f.field), ["name"]);
  });

  test("the merged definition is validated (LESS_THAN after switching to ALL_TIME)", async () => {
    const alert = await create(minimalAlert({ window: { type: "TUMBLING", seconds: 60 }, threshold: { operator: "LESS_THAN", value: 3 } }));
    const result = await t.gql(UPDATE_ALERT, { id: alert.id, input: { window: { type: "ALL_TIME" } } });
    assert.equal(result.errors?.[0]?.extensions?.code, "BAD_USER_INPUT");
    assert.ok(result.errors[0].extensions?.fields?.some((f) => f.field === "threshold.operator"));
  });

  test("expectedVersion: a match applies, a mismatch answers CONFLICT and changes nothing", async () => {
    const alert = await create(minimalAlert({ customerId: "acme" }));
    const ok = await t.ok<{ updateAlert: AlertData }>(UPDATE_ALERT, { id: alert.id, input: { name: "v2" }, v: 1 });
    assert.equal(ok.updateAlert.version, 2);
    const stale = await t.gql(UPDATE_ALERT, { id: alert.id, input: { name: "stale" }, v: 1 });
    assert.equal(stale.errors?.[0]?.extensions?.code, "CONFLICT");
    assert.equal(stale.status, 409);
    const read = (await t.ok<{ alert: AlertData }>(GET_ALERT, { id: alert.id })).alert;
    assert.equal(read.name, "v2");
    assert.equal(read.version, 2);
  });

  test("concurrent updates with the same expectedVersion: exactly one wins", async () => {
    const alert = await create(minimalAlert({ customerId: "acme" }));
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) => t.gql(UPDATE_ALERT, { id: alert.id, input: { name: `racer ${i}` }, v: 1 })),
    );
    assert.equal(results.filter((r) => !r.errors).length, 1);
    assert.equal(results.filter((r) => r.errors?.[0]?.extensions?.code === "CONFLICT").length, 4);
  });

  test("each update adds one audit row with the definition after it", async () => {
    const alert = await create(minimalAlert({ customerId: "acme" }));
    await t.ok(UPDATE_ALERT, { id: alert.id, input: { threshold: { operator: "GREATER_THAN", value: 10 } } });
    await t.ok(UPDATE_ALERT, { id: alert.id, input: { enabled: false } });
    const changes = (await t.ok<{ alertChanges: { action: string; version: number; definition: { enabled: boolean; threshold: { value: number } } }[] }>(ALERT_CHANGES, { alertId: alert.id })).alertChanges;
    assert.deepEqual(changes.map((c) => [c.action, c.version]), [["UPDATED", 3], ["UPDATED", 2], ["CREATED", 1]]);
    assert.equal(changes[0].definition.enabled, false);
    assert.equal(changes[1].definition.threshold.value, 10);
  });
});

describe("deleteAlert", () => {
  test("removes the alert and records DELETED; the id then answers NOT_FOUND", async () => {
    const alert = await create(minimalAlert({ customerId: "acme" }));
    const deleted = await t.ok<{ deleteAlert: { id: string; deleted: boolean } }>(DELETE_ALERT, { id: alert.id });
    assert.deepEqual(deleted.deleteAlert, { id: alert.id, deleted: true });
    const read = await t.gql(GET_ALERT, { id: alert.id });
    assert.equal(read.errors?.[0]?.extensions?.code, "NOT_FOUND");
    const again = await t.gql(DELETE_ALERT, { id: alert.id });
    assert.equal(again.errors?.[0]?.extensions?.code, "NOT_FOUND");
    const changes = (await t.ok<{ alertChanges: { action: string; version: number; definition: unknown }[] }>(ALERT_CHANGES, { alertId: alert.id })).alertChanges;
    assert.deepEqual(changes[0], { ...changes[0], action: "DELETED", version: 2, definition: null });
  });

  test("a malformed id answers NOT_FOUND, not an internal error", async () => {
    for (const id of ["nope", "'; DROP TABLE alerts; --", "00000000-0000-0000-0000-000000000000"]) {
      const result = await t.gql(DELETE_ALERT, { id });
      assert.equal(result.errors?.[0]?.extensions?.code, "NOT_FOUND", id);
    }
  });
});

describe("alerts (list)", () => {
  let lister: TestApp;
  before(async () => {
    lister = await startTestApp();
    const make = (input: Record<string, unknown>) => lister.ok(CREATE_ALERT, { input: minimalAlert(input) });
    for (let i = 0; i < 7; i++) await make({ customerId: "globex", name: `Globex ${i}`, application: i % 2 ? "slack" : "github", severity: i < 3 ? "HIGH" : "LOW" });
    await make({ customerId: "initech", name: "Initech files shared", description: "Files shared PUBLICLY" });
    await make({ name: "Global no-2FA", enabled: false });
  });
  after(() => lister?.stop());

  const list = async (vars: Record<string, unknown>, key?: string) =>
    (await lister.ok<{ alerts: { totalCount: number; edges: { cursor: string; node: { name: string } }[]; nodes: { id: string }[]; pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null; startCursor: string | null } } }>(LIST_ALERTS, vars, key)).alerts;

  test("pages through everything in creation order with opaque cursors", async () => {
    const names: string[] = [];
    let afterCursor: string | null = null;
    let pages = 0;
    for (;;) {
      const page = await list({ first: 4, after: afterCursor });
      assert.equal(page.totalCount, 9);
      assert.equal(page.nodes.length, page.edges.length);
      assert.equal(page.pageInfo.hasPreviousPage, afterCursor !== null);
      names.push(...page.edges.map((e) => e.node.name));
      pages++;
      if (!page.pageInfo.hasNextPage) break;
      afterCursor = page.pageInfo.endCursor;
      assert.doesNotMatch(afterCursor ?? "", /^\d+$/);
    }
    assert.equal(pages, 3);
    assert.deepEqual(names.slice(0, 3), ["Globex 0", "Globex 1", "Globex 2"]);
    assert.equal(new Set(names).size, 9);
  });

  test("filters: scope, customerId, enabled, application, severity, search (case-insensitive)", async () => {
    assert.equal((await list({ filter: { scope: "GLOBAL" } })).totalCount, 1);
    assert.equal((await list({ filter: { customerId: "globex" } })).totalCount, 7);
    assert.equal((await list({ filter: { enabled: false } })).totalCount, 1);
    assert.equal((await list({ filter: { application: "slack" } })).totalCount, 3);
    assert.equal((await list({ filter: { severity: "HIGH", customerId: "globex" } })).totalCount, 3);
    assert.deepEqual((await list({ filter: { search: "public" } })).edges.map((e) => e.node.name), ["Initech files shared"]);
    assert.equal((await list({ filter: { search: "%" } })).totalCount, 0, "LIKE wildcards in search are literal");
  });

  test("a customer key lists its own alerts and the global ones only", async () => {
    const initech = (await makeKey(lister, "VIEWER", "initech")).secret;
    const page = await list({}, initech);
    assert.deepEqual(page.edges.map((e) => e.node.name).sort(), ["Global no-2FA", "Initech files shared"]);
    assert.equal(page.totalCount, 2);
    assert.equal((await list({ filter: { customerId: "globex" } }, initech)).totalCount, 0);
  });

  test("first outside 1..100 and forged cursors answer BAD_USER_INPUT", async () => {
    for (const vars of [{ first: 0 }, { first: 101 }, { first: -5 }, { after: "bm90LWEtY3Vyc29y" }, { after: "!!!" }, { after: Buffer.from("change:1").toString("base64url") }]) {
      const result = await lister.gql(LIST_ALERTS, vars);
      assert.equal(result.errors?.[0]?.extensions?.code, "BAD_USER_INPUT", JSON.stringify(vars));
    }
  });
});

describe("alertChanges", () => {
  test("newest first, paged with cursors; customer keys see their own and global changes, without platform key ids", async () => {
    const app = await startTestApp();
    try {
      const acme = (await makeKey(app, "VIEWER", "acme")).secret;
      const own = await app.ok<{ createAlert: { id: string } }>(CREATE_ALERT, { input: minimalAlert({ customerId: "acme" }) });
      await app.ok(CREATE_ALERT, { input: minimalAlert({ customerId: "other" }) });
      const global = await app.ok<{ createAlert: { id: string } }>(CREATE_ALERT, { input: minimalAlert() });
      await app.ok(UPDATE_ALERT, { id: own.createAlert.id, input: { name: "renamed" } });

      type Change = { alertId: string; action: string; keyId: string | null; cursor: string };
      const all = (await app.ok<{ alertChanges: Change[] }>(ALERT_CHANGES, {})).alertChanges;
      assert.equal(all.length, 4);
      const firstTwo = (await app.ok<{ alertChanges: Change[] }>(ALERT_CHANGES, { first: 2 })).alertChanges;
      const rest = (await app.ok<{ alertChanges: Change[] }>(ALERT_CHANGES, { after: firstTwo[1].cursor })).alertChanges;
      assert.deepEqual([...firstTwo, ...rest], all);

      const seen = (await app.ok<{ alertChanges: Change[] }>(ALERT_CHANGES, {}, acme)).alertChanges;
      assert.deepEqual(seen.map((c) => [c.alertId, c.action]), [[own.createAlert.id, "UPDATED"], [global.createAlert.id, "CREATED"], [own.createAlert.id, "CREATED"]]);
      assert.equal(seen.find((c) => c.alertId === global.createAlert.id)?.keyId, null);
      assert.ok(seen.find((c) => c.alertId === own.createAlert.id)?.keyId);
    } finally {
      await app.stop();
    }
  });
});

test("the audit row and the alert are written in one transaction (a failed audit insert leaves no alert)", async () => {
  // Make the audit insert fail: a unique (alert_id, version) row that an update would collide with.
  const alert = await create(minimalAlert({ customerId: "acme" }));
  await withClient(t.databaseUrl, (c) =>
    c.query(`INSERT INTO alert_changes (alert_id, customer_id, action, version) VALUES ($1, 'acme', 'UPDATED', 2)`, [alert.id]),
  );
  const result = await t.gql(UPDATE_ALERT, { id: alert.id, input: { name: "never stored" } });
  assert.equal(result.errors?.[0]?.extensions?.code, "INTERNAL_SERVER_ERROR");
  assert.doesNotMatch(JSON.stringify(result.errors), /alert_changes|duplicate key|INSERT|\/work\//);
  const read = (await t.ok<{ alert: AlertData }>(GET_ALERT, { id: alert.id })).alert;
  assert.equal(read.name, "Admin granted");
  assert.equal(read.version, 1);
});
