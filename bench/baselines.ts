// The baselines of `npm run bench:engine`, over the same alerts and the same bytes as the engine.
//
// seedStyle: what the original Flink job did (shared/seed: FilterFunction + QualifierFunction +
// CounterFunction). Alerts are indexed by customer only; for each event EVERY alert of its customer and
// EVERY global alert is considered: its selectors are compared and its condition paths evaluated with
// jsonpath-plus on the parsed event (as the seed read each control's JsonPath for every event of the
// customer), then the operators applied naively (all paths are read before any is judged: no
// short-circuit), and a match counted in a Map keyed customer + alert. The variant
// seedStyleSelectorsFirst (an informational extra figure) compares the selectors first and reads the
// paths of selected alerts only, stopping at the first condition that fails: the seed plus the two
// obvious fixes, still without compiled paths or a selector index.
// jsonpath-plus with `eval: false` throws on filters ("Eval [?(expr)] prevented"), so a filter step
// `[?(...)]` is evaluated as `[*]` here (the filter dropped): the seed-style verdict on those conditions
// may differ, their cost is the wildcard's.
//
// rulesEngine: json-rules-engine with one rule per alert. One Engine per customer holding that
// customer's rules, plus one Engine holding the global rules; each event runs its customer's engine
// (if any) and the global one, so that, as in the seed, there is no selector index (the engine holds
// every rule of the customer). A global rule is held once, not copied into 1,000 customer engines. The
// selectors are conditions on envelope facts at a higher priority, so json-rules-engine stops a rule at
// the first unequal selector before reading any path. Condition paths use the `payload` fact's `path`
// option; the path resolver is jsonpath-plus with wrap: true (its default "safe" evaluator supports the
// filters), and the operators are custom ones with the engine's semantics over the set of values.
import { Engine, type RuleProperties } from "json-rules-engine";
import { JSONPath } from "jsonpath-plus";
import type { AlertVersion } from "../src/engine/compile-alert";
import type { Condition } from "../src/engine/alert-definition";
import { filterFreePath } from "./workload";

type Values = readonly unknown[];
type Test = (values: Values) => boolean;

// ---------------------------------------------------------------------------------------------------
// Naive operators: what someone writes without compiling anything (a regex is built once per alert).

const naiveEqual = (a: unknown, b: unknown): boolean =>
  a === b || (typeof a === "object" && a !== null && typeof b === "object" && b !== null && JSON.stringify(a) === JSON.stringify(b));

const isEmptyValue = (v: unknown): boolean =>
  v === null || v === "" || (Array.isArray(v) && v.length === 0) || (typeof v === "object" && v !== null && Object.keys(v).length === 0);

function naivePositive(operator: Condition["operator"], operand: unknown, regex: RegExp | null): (v: unknown) => boolean {
  switch (operator) {
    case "EQUALS":
    case "NOT_EQUALS":
      return (v) => naiveEqual(v, operand);
    case "GREATER_THAN":
      return (v) => typeof v === typeof operand && (v as number) > (operand as number);
    case "GREATER_THAN_OR_EQUAL":
      return (v) => typeof v === typeof operand && (v as number) >= (operand as number);
    case "LESS_THAN":
      return (v) => typeof v === typeof operand && (v as number) < (operand as number);
    case "LESS_THAN_OR_EQUAL":
      return (v) => typeof v === typeof operand && (v as number) <= (operand as number);
    case "CONTAINS":
    case "NOT_CONTAINS":
      return (v) =>
        typeof v === "string" ? typeof operand === "string" && v.includes(operand) : Array.isArray(v) && v.some((x) => naiveEqual(x, operand));
    case "STARTS_WITH":
      return (v) => typeof v === "string" && v.startsWith(operand as string);
    case "ENDS_WITH":
      return (v) => typeof v === "string" && v.endsWith(operand as string);
    case "MATCHES":
      return (v) => typeof v === "string" && (regex as RegExp).test(v);
    case "IN":
    case "NOT_IN":
      return (v) => (operand as unknown[]).some((x) => naiveEqual(x, v));
    case "IS_EMPTY":
    case "IS_NOT_EMPTY":
      return isEmptyValue;
    case "EXISTS":
    case "NOT_EXISTS":
      return () => true;
  }
}

/** The operator over the set of values, as DESIGN "Qualify" says: any, none, or (IS_EMPTY) all. */
function naiveTest(operator: Condition["operator"], operand: unknown, regex: RegExp | null): Test {
  const positive = naivePositive(operator, operand, regex);
  switch (operator) {
    case "NOT_EQUALS":
    case "NOT_CONTAINS":
    case "NOT_IN":
    case "NOT_EXISTS":
    case "IS_NOT_EMPTY":
      return operator === "IS_NOT_EMPTY" ? (values) => values.some((v) => !positive(v)) : (values) => !values.some(positive);
    case "IS_EMPTY":
      return (values) => values.every(positive);
    default:
      return (values) => values.some(positive);
  }
}

// ---------------------------------------------------------------------------------------------------
// seedStyle

interface SeedAlert {
  readonly id: string;
  readonly application: string | null;
  readonly objectType: string | null;
  readonly eventType: string | null;
  readonly conditions: readonly { readonly path: string; readonly test: Test }[];
}

export interface SeedIndex {
  readonly byCustomer: Map<string, SeedAlert[]>;
  readonly globals: SeedAlert[];
  /** customer + alert id -> count, as the seed's CounterFunction. */
  readonly counts: Map<string, number>;
  /** When true, selectors are compared first and the paths of an alert whose selectors differ are not read. */
  readonly selectorsFirst: boolean;
}

export function seedStyleIndex(alerts: readonly AlertVersion[], selectorsFirst: boolean): SeedIndex {
  const byCustomer = new Map<string, SeedAlert[]>();
  const globals: SeedAlert[] = [];
  for (const def of alerts) {
    if (!def.enabled) continue;
    const alert: SeedAlert = {
      id: def.id,
      application: def.application,
      objectType: def.objectType,
      eventType: def.eventType,
      conditions: def.conditions.map((c) => ({
        path: filterFreePath(c.path),
        test: naiveTest(c.operator, c.value, c.operator === "MATCHES" ? new RegExp(c.value as string) : null),
      })),
    };
    if (def.scope === "GLOBAL") globals.push(alert);
    else {
      let list = byCustomer.get(def.customerId as string);
      if (list === undefined) byCustomer.set(def.customerId as string, (list = []));
      list.push(alert);
    }
  }
  return { byCustomer, globals, counts: new Map(), selectorsFirst };
}

interface ParsedEvent {
  customerId: string;
  application: string;
  objectType: string | null;
  eventType: string;
  payload: Record<string, unknown>;
}

function seedQualifies(index: SeedIndex, alert: SeedAlert, event: ParsedEvent): boolean {
  const selected = (alert.application === null || alert.application === event.application) &&
    (alert.objectType === null || alert.objectType === event.objectType) &&
    (alert.eventType === null || alert.eventType === event.eventType);
  if (index.selectorsFirst) {
    // the variant: selectors first, then paths until the first condition that fails
    if (!selected) return false;
    for (const condition of alert.conditions) {
      if (!condition.test(JSONPath({ path: condition.path, json: event.payload, wrap: true, eval: false }) as unknown[])) return false;
    }
    return true;
  }
  // as the seed's QualifierFunction: every path of every candidate alert is read, then judged
  const values = alert.conditions.map((c) => JSONPath({ path: c.path, json: event.payload, wrap: true, eval: false }) as unknown[]);
  return selected && alert.conditions.every((c, i) => c.test(values[i]));
}

/** One event's bytes through the seed-style path; true when some alert qualified it. */
export function seedStyleEvent(index: SeedIndex, bytes: Buffer): boolean {
  const event = JSON.parse(bytes.toString("utf8")) as ParsedEvent;
  let any = false;
  const own = index.byCustomer.get(event.customerId);
  for (const list of own === undefined ? [index.globals] : [own, index.globals]) {
    for (const alert of list) {
      if (!seedQualifies(index, alert, event)) continue;
      any = true;
      const key = event.customerId + alert.id;
      index.counts.set(key, (index.counts.get(key) ?? 0) + 1);
    }
  }
  return any;
}

// ---------------------------------------------------------------------------------------------------
// json-rules-engine

const OPERATOR_PREFIX = "set_";

function addSetOperators(engine: Engine): void {
  const operators: Condition["operator"][] = [
    "EQUALS", "NOT_EQUALS", "GREATER_THAN", "GREATER_THAN_OR_EQUAL", "LESS_THAN", "LESS_THAN_OR_EQUAL", "CONTAINS", "NOT_CONTAINS",
    "STARTS_WITH", "ENDS_WITH", "MATCHES", "IN", "NOT_IN", "IS_EMPTY", "IS_NOT_EMPTY", "EXISTS", "NOT_EXISTS",
  ];
  for (const operator of operators) {
    // json-rules-engine hands the operand on each call: build the test once per operand (arrays by identity)
    const tests = new Map<unknown, Test>();
    engine.addOperator(OPERATOR_PREFIX + operator, (factValue: unknown, operand: unknown) => {
      let test = tests.get(operand);
      if (test === undefined) {
        test = naiveTest(operator, operand, operator === "MATCHES" ? new RegExp(operand as string) : null);
        tests.set(operand, test);
      }
      return test(Array.isArray(factValue) ? factValue : []);
    });
  }
}

function ruleOf(def: AlertVersion): RuleProperties {
  const selectors = [];
  for (const fact of ["application", "objectType", "eventType"] as const) {
    if (def[fact] !== null) selectors.push({ fact, operator: "equal", value: def[fact], priority: 10 });
  }
  return {
    name: def.id,
    priority: 1,
    event: { type: "qualified", params: { alertId: def.id } },
    conditions: {
      all: [
        ...selectors,
        ...def.conditions.map((c) => ({ fact: "payload", path: c.path, operator: OPERATOR_PREFIX + c.operator, value: c.value ?? null, priority: 1 })),
      ],
    },
  };
}

export interface RulesIndex {
  readonly byCustomer: Map<string, Engine>;
  readonly global: Engine;
}

export function rulesEngineIndex(alerts: readonly AlertVersion[]): RulesIndex {
  const make = (): Engine => {
    const engine = new Engine([], {
      allowUndefinedFacts: true,
      pathResolver: (value: object, path: string) => JSONPath({ path, json: value, wrap: true }) as unknown,
    });
    addSetOperators(engine);
    return engine;
  };
  const byCustomer = new Map<string, Engine>();
  const global = make();
  for (const def of alerts) {
    if (!def.enabled) continue;
    if (def.scope === "GLOBAL") {
      global.addRule(ruleOf(def));
      continue;
    }
    let engine = byCustomer.get(def.customerId as string);
    if (engine === undefined) byCustomer.set(def.customerId as string, (engine = make()));
    engine.addRule(ruleOf(def));
  }
  return { byCustomer, global };
}

/** One event's bytes through json-rules-engine; resolves to how many rules succeeded. */
export async function rulesEngineEvent(index: RulesIndex, bytes: Buffer): Promise<number> {
  const event = JSON.parse(bytes.toString("utf8")) as ParsedEvent;
  const facts = {
    customerId: event.customerId,
    application: event.application,
    objectType: event.objectType,
    eventType: event.eventType,
    payload: event.payload,
  };
  let successes = 0;
  const own = index.byCustomer.get(event.customerId);
  if (own !== undefined) successes += (await own.run(facts)).events.length;
  successes += (await index.global.run(facts)).events.length;
  return successes;
}
