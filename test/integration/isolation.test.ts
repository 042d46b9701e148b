// The role table of DESIGN.md "Who may do what", operation by operation, for every kind of key.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestApp, type TestApp } from "../support/app";
import { makeKey, type RoleName } from "../support/keys";
import {
  ALERT_CHANGES,
  API_KEYS,
  CREATE_ALERT,
  CREATE_KEY,
  DELETE_ALERT,
  GET_ALERT,
  LIST_ALERTS,
  REVOKE_KEY,
  UPDATE_ALERT,
  VIEWER,
  minimalAlert,
} from "../support/queries";

let t: TestApp;
const keys: Record<string, { secret: string; id: string }> = {};
let acmeAlert: string;
let globexAlert: string;
let globalAlert: string;

const ROLES: RoleName[] = ["VIEWER", "EDITOR", "ADMIN"];

before(async () => {
  t = await startTestApp();
  for (const role of ROLES) {
    keys[`acme-${role}`] = await makeKey(t, role, "acme");
    keys[`globex-${role}`] = await makeKey(t, role, "globex");
    keys[`platform-${role}`] = await makeKey(t, role, null);
  }
  const make = async (input: Record<string, unknown>) =>
    (await t.ok<{ createAlert: { id: string } }>(CREATE_ALERT, { input: minimalAlert(input) })).createAlert.id;
  acmeAlert = await make({ customerId: "acme", name: "acme alert" });
  globexAlert = await make({ customerId: "globex", name: "globex alert" });
  globalAlert = await make({ name: "global alert" });
});
after(() => t?.stop());

const code = async (query: string, variables: Record<string, unknown>, key: string) => {
  const result = await t.gql(query, variables, key);
  return result.errors?.[0]?.extensions?.code ?? "OK";
};

describe("reading alerts", () => {
  for (const role of ROLES) {
    test(`a customer ${role} reads its own and global alerts; another customer's is NOT_FOUND`, async () => {
      const key = keys[`acme-${role}`].secret;
      assert.equal(await code(GET_ALERT, { id: acmeAlert }, key), "OK");
      assert.equal(await code(GET_ALERT, { id: globalAlert }, key), "OK");
      assert.equal(await code(GET_ALERT, { id: globexAlert }, key), "NOT_FOUND");
      const listed = (await t.ok<{ alerts: { nodes: { id: string }[] } }>(LIST_ALERTS, {}, key)).alerts.nodes.map((n) => n.id);
      assert.deepEqual(new Set(listed), new Set([acmeAlert, globalAlert]));
    });
    test(`a platform ${role} reads every alert`, async () => {
      const key = keys[`platform-${role}`].secret;
      for (const id of [acmeAlert, globexAlert, globalAlert]) assert.equal(await code(GET_ALERT, { id }, key), "OK");
    });
  }

  test("the audit trail of another customer's alert is invisible", async () => {
    const changes = (await t.ok<{ alertChanges: unknown[] }>(ALERT_CHANGES, { alertId: globexAlert }, keys["acme-ADMIN"].secret)).alertChanges;
    assert.deepEqual(changes, []);
    const all = (await t.ok<{ alertChanges: { customerId: string | null }[] }>(ALERT_CHANGES, {}, keys["acme-VIEWER"].secret)).alertChanges;
    assert.ok(all.length > 0);
    assert.ok(all.every((c) => c.customerId === "acme" || c.customerId === null));
  });
});

describe("writing alerts", () => {
  test("VIEWERs cannot create, update or delete: FORBIDDEN", async () => {
    for (const who of ["acme-VIEWER", "platform-VIEWER"]) {
      const key = keys[who].secret;
      assert.equal(await code(CREATE_ALERT, { input: minimalAlert() }, key), "FORBIDDEN", who);
      assert.equal(await code(UPDATE_ALERT, { id: acmeAlert, input: { name: "x" } }, key), "FORBIDDEN", who);
      assert.equal(await code(DELETE_ALERT, { id: acmeAlert }, key), "FORBIDDEN", who);
    }
  });

  for (const role of ["EDITOR", "ADMIN"] as const) {
    test(`a customer ${role} changes its own alerts only; global alerts are FORBIDDEN, another customer's NOT_FOUND`, async () => {
      const key = keys[`acme-${role}`].secret;
      const own = (await t.ok<{ createAlert: { id: string; customerId: string } }>(CREATE_ALERT, { input: minimalAlert() }, key)).createAlert;
      assert.equal(own.customerId, "acme");
      assert.equal(await code(CREATE_ALERT, { input: minimalAlert({ customerId: "globex" }) }, key), "FORBIDDEN");
      assert.equal(await code(UPDATE_ALERT, { id: own.id, input: { name: "mine" } }, key), "OK");
      assert.equal(await code(UPDATE_ALERT, { id: globexAlert, input: { name: "x" } }, key), "NOT_FOUND");
      assert.equal(await code(DELETE_ALERT, { id: globexAlert }, key), "NOT_FOUND");
      assert.equal(await code(UPDATE_ALERT, { id: globalAlert, input: { name: "x" } }, key), "FORBIDDEN");
      assert.equal(await code(DELETE_ALERT, { id: globalAlert }, key), "FORBIDDEN");
      assert.equal(await code(DELETE_ALERT, { id: own.id }, key), "OK");
    });

    test(`a platform ${role} changes any customer's alerts and global ones`, async () => {
      const key = keys[`platform-${role}`].secret;
      const global = (await t.ok<{ createAlert: { id: string; scope: string } }>(CREATE_ALERT, { input: minimalAlert() }, key)).createAlert;
      assert.equal(global.scope, "GLOBAL");
      const forGlobex = (await t.ok<{ createAlert: { id: string } }>(CREATE_ALERT, { input: minimalAlert({ customerId: "globex" }) }, key)).createAlert;
      assert.equal(await code(UPDATE_ALERT, { id: global.id, input: { name: "g" } }, key), "OK");
      assert.equal(await code(UPDATE_ALERT, { id: forGlobex.id, input: { name: "x" } }, key), "OK");
      assert.equal(await code(DELETE_ALERT, { id: global.id }, key), "OK");
      assert.equal(await code(DELETE_ALERT, { id: forGlobex.id }, key), "OK");
    });
  }

  test("a VIEWER asking about another customer's alert hears NOT_FOUND, not FORBIDDEN (no existence leak)", async () => {
    assert.equal(await code(UPDATE_ALERT, { id: globexAlert, input: { name: "x" } }, keys["acme-VIEWER"].secret), "NOT_FOUND");
  });
});

describe("API keys", () => {
  test("only ADMINs list, create and revoke keys", async () => {
    for (const who of ["acme-VIEWER", "acme-EDITOR", "platform-VIEWER", "platform-EDITOR"]) {
      const key = keys[who].secret;
      assert.equal(await code(API_KEYS, {}, key), "FORBIDDEN", who);
      assert.equal(await code(CREATE_KEY, { input: { name: "k", role: "VIEWER" } }, key), "FORBIDDEN", who);
      assert.equal(await code(REVOKE_KEY, { id: keys["acme-VIEWER"].id }, key), "FORBIDDEN", who);
    }
  });

  test("a customer ADMIN sees and makes keys of its own customer only", async () => {
    const key = keys["acme-ADMIN"].secret;
    const listed = (await t.ok<{ apiKeys: { customerId: string | null }[] }>(API_KEYS, {}, key)).apiKeys;
    assert.ok(listed.length >= 3);
    assert.ok(listed.every((k) => k.customerId === "acme"));
    const made = (await t.ok<{ createApiKey: { apiKey: { customerId: string; role: string } } }>(CREATE_KEY, { input: { name: "ci", role: "EDITOR" } }, key)).createApiKey;
    assert.equal(made.apiKey.customerId, "acme");
    assert.equal(await code(CREATE_KEY, { input: { name: "x", role: "VIEWER", customerId: "globex" } }, key), "FORBIDDEN");
    assert.equal(await code(REVOKE_KEY, { id: keys["globex-VIEWER"].id }, key), "NOT_FOUND");
    assert.equal(await code(REVOKE_KEY, { id: keys["platform-VIEWER"].id }, key), "NOT_FOUND");
  });

  test("a platform ADMIN sees every key", async () => {
    const listed = (await t.ok<{ apiKeys: { customerId: string | null }[] }>(API_KEYS, {}, keys["platform-ADMIN"].secret)).apiKeys;
    assert.deepEqual(new Set(listed.map((k) => k.customerId)), new Set([null, "acme", "globex"]));
  });

  test("viewer reports the calling key", async () => {
    for (const [who, { id }] of Object.entries(keys)) {
      const viewer = (await t.ok<{ viewer: { keyId: string; customerId: string | null; role: string } }>(VIEWER, {}, keys[who].secret)).viewer;
      const [customer, role] = who.split("-");
      assert.deepEqual(viewer, { keyId: id, customerId: customer === "platform" ? null : customer, role });
    }
  });

  test("a revoked key stops working at once, for every operation", async () => {
    const victim = await makeKey(t, "EDITOR", "acme", "to be revoked");
    assert.equal(await code(VIEWER, {}, victim.secret), "OK");
    const revoked = (await t.ok<{ revokeApiKey: { id: string; revokedAt: string | null } }>(REVOKE_KEY, { id: victim.id }, keys["acme-ADMIN"].secret)).revokeApiKey;
    assert.ok(revoked.revokedAt);
    for (const [query, variables] of [[VIEWER, {}], [GET_ALERT, { id: acmeAlert }], [CREATE_ALERT, { input: minimalAlert() }], [LIST_ALERTS, {}]] as const) {
      const result = await t.gql(query, variables, victim.secret);
      assert.equal(result.status, 401);
      assert.equal(result.errors?.[0]?.extensions?.code, "UNAUTHENTICATED");
    }
  });

  test("no key, a malformed header or an unknown key: UNAUTHENTICATED with 401", async () => {
    for (const key of [null, "ak_unknown-secret-value", "x"]) {
      const result = await t.gql(VIEWER, {}, key);
      assert.equal(result.status, 401);
      assert.equal(result.errors?.[0]?.extensions?.code, "UNAUTHENTICATED");
    }
    const raw = await fetch(t.url, { method: "POST", headers: { "content-type": "application/json", authorization: "Basic abc" }, body: '{"query":"{viewer{role}}"}' });
    assert.equal(raw.status, 401);
  });
});
