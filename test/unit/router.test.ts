import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { compileAlert, selectorsMatch, type AlertVersion, type CompiledAlert } from "../../src/engine/compile-alert";
import { AlertRouter, type RoutingEnvelope } from "../../src/engine/router";
import { baseDefinition } from "../support/definitions";

const base: AlertVersion = { ...baseDefinition, id: "a", version: 1 };

const alert = (patch: Partial<AlertVersion>) => compileAlert({ ...base, ...patch });
const ids = (alerts: readonly CompiledAlert[]) => alerts.map((a) => a.id).sort();
const envelope = (patch: Partial<RoutingEnvelope> = {}): RoutingEnvelope => ({
  customerId: "acme",
  application: "github",
  objectType: "user",
  eventType: "admin_granted",
  ...patch,
});

/** mulberry32: small, seeded, good enough to spread test data. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("AlertRouter: one alert at a time", () => {
  const cases: ReadonlyArray<readonly [name: string, patch: Partial<AlertVersion>, event: Partial<RoutingEnvelope>, routed: boolean]> = [
    ["customer alert, same customer", {}, {}, true],
    ["customer alert, other customer", {}, { customerId: "globex" }, false],
    ["global alert, any customer", { scope: "GLOBAL", customerId: null }, { customerId: "globex" }, true],
    ["application selector equal", { application: "github" }, {}, true],
    ["application selector differs", { application: "slack" }, {}, false],
    ["eventType selector equal", { eventType: "admin_granted" }, {}, true],
    ["eventType selector differs", { eventType: "login" }, {}, false],
    ["objectType selector equal", { objectType: "user" }, {}, true],
    ["objectType selector differs", { objectType: "repo" }, {}, false],
    ["objectType selector, event without objectType", { objectType: "user" }, { objectType: null }, false],
    ["no objectType selector, event without objectType", {}, { objectType: null }, true],
    ["every selector equal", { application: "github", objectType: "user", eventType: "admin_granted" }, {}, true],
    ["every selector but one equal", { application: "github", objectType: "user", eventType: "login" }, {}, false],
    ["disabled", { enabled: false }, {}, false],
    ["a customer id that is a prefix is another customer", { customerId: "acm" }, {}, false],
    ["a selector that looks like a wildcard is literal", { application: "*" }, {}, false],
  ];
  for (const [name, patch, event, routed] of cases) {
    test(`${name} -> ${routed ? "routed" : "not routed"}`, () => {
      const router = new AlertRouter();
      router.upsert(alert(patch));
      assert.deepEqual(ids(router.route(envelope(event))), routed ? ["a"] : []);
    });
  }
});

describe("AlertRouter: bookkeeping", () => {
  test("get and size hold disabled alerts too; remove forgets", () => {
    const router = new AlertRouter();
    router.upsert(alert({ id: "on" }));
    router.upsert(alert({ id: "off", enabled: false }));
    assert.equal(router.size, 2);
    assert.equal(router.get("off")?.definition.enabled, false);
    assert.deepEqual(ids(router.route(envelope())), ["on"]);
    router.remove("on");
    router.remove("off");
    router.remove("never-there");
    assert.equal(router.size, 0);
    assert.equal(router.get("on"), undefined);
    assert.deepEqual(ids(router.route(envelope())), []);
  });

  test("upsert replaces the same id and moves it where its new definition belongs", () => {
    const router = new AlertRouter();
    const moves: ReadonlyArray<readonly [patch: Partial<AlertVersion>, routedFor: ReadonlyArray<Partial<RoutingEnvelope>>, notFor: ReadonlyArray<Partial<RoutingEnvelope>>]> = [
      [{}, [{}], [{ customerId: "globex" }]],
      [{ customerId: "globex" }, [{ customerId: "globex" }], [{}]],
      [{ scope: "GLOBAL", customerId: null }, [{}, { customerId: "globex" }], []],
      [{ scope: "GLOBAL", customerId: null, application: "slack" }, [{ application: "slack" }], [{}]],
      [{ application: "github", eventType: "login" }, [{ eventType: "login" }], [{}, { customerId: "globex", eventType: "login" }]],
      [{ objectType: "repo" }, [{ objectType: "repo" }], [{}, { objectType: null }]],
      [{ objectType: "repo", enabled: false }, [], [{ objectType: "repo" }, {}]],
      [{ objectType: "user", enabled: true }, [{}], [{ objectType: "repo" }]],
    ];
    let version = 1;
    for (const [patch, routedFor, notFor] of moves) {
      router.upsert(alert({ ...patch, version: version++ }));
      assert.equal(router.size, 1);
      assert.equal(router.get("a")?.version, version - 1);
      for (const event of routedFor) {
        const routed = router.route(envelope(event));
        assert.deepEqual(ids(routed), ["a"], `${JSON.stringify(patch)} routes ${JSON.stringify(event)}`);
        assert.equal(routed[0].version, version - 1, "the new version, not the old one");
      }
      for (const event of notFor) assert.deepEqual(ids(router.route(envelope(event))), [], `${JSON.stringify(patch)} ignores ${JSON.stringify(event)}`);
    }
  });

  test("nothing matching returns the same frozen empty array: no allocation per call", () => {
    const router = new AlertRouter();
    router.upsert(alert({ customerId: "globex" }));
    const first = router.route(envelope());
    const second = router.route(envelope({ customerId: "initech" }));
    assert.equal(first.length, 0);
    assert.equal(first, second);
    assert.ok(Object.isFrozen(first));
  });

  test("the result buffer is reused: the next route() overwrites it", () => {
    const router = new AlertRouter();
    router.upsert(alert({ id: "x" }));
    router.upsert(alert({ id: "y", customerId: "globex" }));
    const first = router.route(envelope());
    assert.deepEqual(ids(first), ["x"]);
    const second = router.route(envelope({ customerId: "globex" }));
    assert.equal(first, second);
    assert.deepEqual(ids(second), ["y"]);
  });

  test("an alert matching through several 'any' keys is returned once", () => {
    const router = new AlertRouter();
    router.upsert(alert({ id: "g", scope: "GLOBAL", customerId: null }));
    router.upsert(alert({ id: "c" }));
    router.upsert(alert({ id: "s", application: "github", objectType: "user", eventType: "admin_granted" }));
    assert.deepEqual(ids(router.route(envelope())), ["c", "g", "s"]);
    assert.deepEqual(ids(router.route(envelope({ objectType: null }))), ["c", "g"]);
  });
});

describe("AlertRouter: equivalence with a brute-force filter", () => {
  const APPLICATIONS = ["github", "slack", "okta", "gdrive", "zoom"];
  const OBJECT_TYPES = ["user", "file", "repo", "group"];
  const EVENT_TYPES = ["login", "admin_granted", "file_shared", "mfa_disabled", "deleted", "created"];
  const CUSTOMERS = Array.from({ length: 1000 }, (_, i) => `cust-${i}`);

  const pick = <T>(rand: () => number, list: readonly T[]): T => list[Math.floor(rand() * list.length)];
  const maybe = <T>(rand: () => number, list: readonly T[], pNull: number): T | null => (rand() < pNull ? null : pick(rand, list));

  function randomDefinition(rand: () => number, id: string, version: number): AlertVersion {
    const global = rand() < 0.01;
    return {
      ...base,
      id,
      version,
      scope: global ? "GLOBAL" : "CUSTOMER",
      customerId: global ? null : pick(rand, CUSTOMERS),
      enabled: rand() < 0.9,
      application: maybe(rand, APPLICATIONS, 0.4),
      objectType: maybe(rand, OBJECT_TYPES, 0.6),
      eventType: maybe(rand, EVENT_TYPES, 0.4),
    };
  }

  function randomEvent(rand: () => number): RoutingEnvelope {
    return {
      customerId: rand() < 0.05 ? "unknown-customer" : pick(rand, CUSTOMERS),
      application: rand() < 0.05 ? "unknown-app" : pick(rand, APPLICATIONS),
      objectType: rand() < 0.3 ? null : rand() < 0.05 ? "unknown-type" : pick(rand, OBJECT_TYPES),
      eventType: pick(rand, EVENT_TYPES),
    };
  }

  function bruteForce(alerts: Iterable<CompiledAlert>, event: RoutingEnvelope): string[] {
    const out: string[] = [];
    for (const a of alerts) if (a.definition.enabled && selectorsMatch(a.definition, event)) out.push(a.id);
    return out.sort();
  }

  function assertEquivalent(router: AlertRouter, all: Map<string, CompiledAlert>, rand: () => number, events: number): number {
    let routedTotal = 0;
    for (let i = 0; i < events; i++) {
      const event = randomEvent(rand);
      const routed = ids(router.route(event));
      routedTotal += routed.length;
      assert.deepEqual(routed, bruteForce(all.values(), event), `event ${JSON.stringify(event)}`);
    }
    return routedTotal;
  }

  test("10,000 alerts over 1,000 customers: route() equals the filter, also after moves and removals", () => {
    const rand = prng(20240501);
    const router = new AlertRouter();
    const all = new Map<string, CompiledAlert>();
    for (let i = 0; i < 10_000; i++) {
      const compiled = compileAlert(randomDefinition(rand, `alert-${i}`, 1));
      router.upsert(compiled);
      all.set(compiled.id, compiled);
    }
    assert.equal(router.size, 10_000);
    const routed = assertEquivalent(router, all, rand, 3000);
    assert.ok(routed > 3000, `the data routes something (${routed} matches)`);

    // change customer, selectors and enabled of a fifth of the alerts; remove a twentieth
    for (let i = 0; i < 2000; i++) {
      const id = `alert-${Math.floor(rand() * 10_000)}`;
      const compiled = compileAlert(randomDefinition(rand, id, (all.get(id)?.version ?? 0) + 1));
      router.upsert(compiled);
      all.set(id, compiled);
    }
    for (let i = 0; i < 500; i++) {
      const id = `alert-${Math.floor(rand() * 10_000)}`;
      router.remove(id);
      all.delete(id);
    }
    assert.equal(router.size, all.size);
    for (const [id, compiled] of all) assert.equal(router.get(id), compiled);
    assertEquivalent(router, all, rand, 3000);
  });

  test("removing every alert leaves nothing routable", () => {
    const rand = prng(7);
    const router = new AlertRouter();
    const all = new Map<string, CompiledAlert>();
    for (let i = 0; i < 500; i++) {
      const compiled = compileAlert(randomDefinition(rand, `alert-${i}`, 1));
      router.upsert(compiled);
      all.set(compiled.id, compiled);
    }
    for (const id of all.keys()) router.remove(id);
    assert.equal(router.size, 0);
    assertEquivalent(router, new Map(), rand, 500);
  });
});
