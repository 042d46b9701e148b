// The seeded workload of `npm run bench:engine`: realistic SaaS events encoded once to bytes, and alert
// definitions over them. Everything derives from fixed seeds (mulberry32), so every process of a run,
// and every run, sees the same bytes and the same alerts.
import { readFileSync, writeFileSync } from "node:fs";
import type { AlertVersion } from "../src/engine/compile-alert";
import type { Condition } from "../src/engine/alert-definition";

/** mulberry32: a small, fast, seeded 32-bit PRNG; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;
const int = (rng: Rng, n: number): number => Math.floor(rng() * n);
const pick = <T>(rng: Rng, items: readonly T[]): T => items[int(rng, items.length)];
const pad = (n: number, width: number): string => String(n).padStart(width, "0");

export const EVENT_SEED = 0x5eed_e7e7;
export const ALERT_SEED = 0xa1e7_0001;

export const CUSTOMERS = 1_000;
export const APPLICATIONS = ["slack", "gdrive", "dropbox", "zendesk", "github", "okta", "salesforce", "jira", "box", "office365"] as const;
export const EVENT_TYPES = [
  "user.created", "user.deleted", "user.suspended", "user.admin_granted", "user.admin_revoked",
  "user.2fa_disabled", "user.login_failed", "user.login", "user.password_changed", "file.shared_public",
  "file.shared_external", "file.downloaded", "file.deleted", "file.created", "group.member_added",
  "group.member_removed", "group.created", "device.enrolled", "device.unmanaged", "app.authorized",
] as const;
/** 10 applications × 20 event types. */
export const PAIRS = APPLICATIONS.length * EVENT_TYPES.length;

export const customerId = (c: number): string => `cust-${pad(c, 4)}`;
export const objectTypeOf = (eventType: string): string => eventType.slice(0, eventType.indexOf("."));
const pairOf = (p: number): { application: string; eventType: string } => ({
  application: APPLICATIONS[p % APPLICATIONS.length],
  eventType: EVENT_TYPES[Math.floor(p / APPLICATIONS.length)],
});

const DEPARTMENTS = Array.from({ length: 20 }, (_, i) => `dept-${pad(i, 2)}`);
const COUNTRIES = ["US", "GB", "DE", "FR", "NL", "SE", "ES", "IT", "PL", "IE", "CA", "MX", "BR", "AR", "JP", "KR", "IN", "SG", "AU", "ZA"];
const FIRST = ["alex", "sam", "maria", "li", "noah", "emma", "omar", "yuki", "ivan", "zoe", "lucas", "mia", "arjun", "lea", "tom", "nina"];
const LAST = ["smith", "garcia", "chen", "muller", "rossi", "novak", "tanaka", "silva", "kim", "dubois", "jones", "patel"];
const TITLES = ["Engineer", "Sales Representative", "Account Executive", "Designer", "Support Agent", "Product Manager", "Recruiter", "Analyst"];
const ROLES = ["member", "admin", "owner", "viewer", "billing"];
const MEMBER_ROLES = ["member", "member", "member", "member", "member", "member", "admin", "guest", "guest", "viewer"];
const OS = ["macOS", "Windows", "Linux", "iOS", "Android"];
const MODELS = ["MBP-14", "MBP-16", "XPS-13", "ThinkPad-X1", "Pixel-8", "iPhone-15", "Galaxy-S24", "Surface-9"];
const MIME = ["application/pdf", "text/plain", "image/png", "application/vnd.ms-excel", "application/zip", "video/mp4"];
const VISIBILITY = ["private", "private", "private", "private", "domain", "domain", "public", "external"];
const AGENTS = ["Chrome/124.0 (Windows NT 10.0)", "Safari/17.4 (macOS 14.4)", "okta-sync/3.2", "Slack/4.38 (darwin arm64)"];
const WORDS = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua".split(" ");

/** The event time of event 0: an hour (and day) boundary, so every window length used aligns with it. */
export const T0_MS = Date.UTC(2024, 4, 1, 0, 0, 0);
/** Event i is sent at T0 + i * STEP_MS (its occurredAt a little earlier, up to 20 s). */
export const STEP_MS = 3;

export interface Workload {
  /** All events' bytes back to back. */
  readonly bytes: Buffer;
  /** The events' record bytes: views into `bytes`, one distinct region each. */
  readonly records: Buffer[];
  /** When event i arrives (the engine's clock for it), before any loop shift. */
  readonly arrivalMs: Float64Array;
  /** How long one pass over the events lasts on the event clock: a loop shifts times by this per pass. */
  readonly spanMs: number;
}

function sentence(rng: Rng, chars: number): string {
  let s = "";
  while (s.length < chars) s += (s.length > 0 ? " " : "") + pick(rng, WORDS);
  return s.slice(0, chars);
}

/**
 * A realistic SaaS event, 0.5–2 KB of JSON. Events are spread uniformly over 1,000 customers and the
 * 200 (application, event type) pairs. The distributions below are what the alert conditions rely on
 * to be selective: risk.score uniform 0..9999, session.durationMs uniform 0..99999, geo.region uniform
 * r00..r99, user.employeeId uniform E0000..E9999; members[0] is always the owner. `file` is there for file
 * events and 30% of others, `device` for device events and 30% of others.
 */
function makeEvent(rng: Rng, i: number, occurredAtMs: number): Record<string, unknown> {
  const c = int(rng, CUSTOMERS);
  const { application, eventType } = pairOf(int(rng, PAIRS));
  const objectType = objectTypeOf(eventType);
  const cust = customerId(c);
  const domain = `${cust}.example.com`;
  const userNo = int(rng, 200);
  const memberCount = int(rng, 6);
  const members = [];
  for (let m = 0; m < memberCount; m++) {
    const external = m > 0 && rng() < 0.15;
    members.push({
      id: `m-${c}-${int(rng, 5000)}`,
      email: external ? `${pick(rng, FIRST)}${int(rng, 999)}@gmail.com` : `${pick(rng, FIRST)}.${pick(rng, LAST)}@${domain}`,
      role: m === 0 ? "owner" : pick(rng, MEMBER_ROLES),
      external,
      joinedDaysAgo: int(rng, 1500),
    });
  }
  const roleCount = 1 + int(rng, 3);
  const roles: string[] = [];
  for (let r = 0; r < roleCount; r++) roles.push(pick(rng, ROLES));
  const tags: string[] = [];
  const tagCount = 1 + int(rng, 4);
  for (let t = 0; t < tagCount; t++) tags.push(`tag-${pad(int(rng, 100), 2)}`);
  const score = int(rng, 10_000);
  const internal = rng() < 0.9;
  const payload: Record<string, unknown> = {
    user: {
      id: `u-${c}-${userNo}`,
      email: `${pick(rng, FIRST)}.${pick(rng, LAST)}${userNo}@${domain}`,
      department: pick(rng, DEPARTMENTS),
      title: pick(rng, TITLES),
      employeeId: `E${pad(int(rng, 10_000), 4)}`,
      isAdmin: rng() < 0.08,
      twoFactor: rng() < 0.8,
      roles,
      suspensionReason: rng() < 0.05 ? "policy violation" : null,
    },
    actor: {
      email: `admin${int(rng, 50)}@${domain}`,
      ip: internal ? `10.${int(rng, 256)}.${int(rng, 256)}.${int(rng, 256)}` : `203.0.113.${int(rng, 256)}`,
      userAgent: pick(rng, AGENTS),
      isAdmin: rng() < 0.3,
    },
  };
  if (objectType === "file" || rng() < 0.3) {
    const sharedWith = [];
    const sharedCount = int(rng, 4);
    for (let s = 0; s < sharedCount; s++) {
      const d = rng() < 0.7 ? domain : pick(rng, ["gmail.com", "partner.io", "contractor.dev"]);
      sharedWith.push({ email: `${pick(rng, FIRST)}@${d}`, domain: d, canEdit: rng() < 0.3 });
    }
    payload.file = {
      id: `f-${int(rng, 1e9)}`,
      name: `${pick(rng, WORDS)}-${int(rng, 10_000)}.${pick(rng, ["pdf", "txt", "png", "xlsx", "zip", "mp4"])}`,
      mimeType: pick(rng, MIME),
      bytes: int(rng, 50_000_000),
      visibility: pick(rng, VISIBILITY),
      sharedWith,
    };
  }
  if (objectType === "device" || rng() < 0.3) {
    payload.device = { os: pick(rng, OS), osVersion: `${1 + int(rng, 17)}.${int(rng, 10)}`, model: pick(rng, MODELS), managed: rng() < 0.7, encrypted: rng() < 0.9 };
  }
  payload.members = members;
  payload.flags = { suspicious: rng() < 0.05, automated: rng() < 0.3, external: !internal };
  payload.risk = { score, level: score >= 9000 ? "high" : score >= 6000 ? "medium" : "low" };
  payload.geo = { region: `r${pad(int(rng, 100), 2)}`, country: pick(rng, COUNTRIES) };
  payload.session = { durationMs: int(rng, 100_000) };
  payload.attempts = int(rng, 100);
  payload.tags = tags;
  payload.note = sentence(rng, int(rng, 180));
  return {
    id: `evt-${pad(i, 7)}`,
    customerId: cust,
    application,
    objectType,
    eventType,
    occurredAt: new Date(occurredAtMs).toISOString(),
    payload,
  };
}

/** The first `count` events of the fixed sequence, each encoded to its bytes once. */
export function generateEvents(count: number): Workload {
  const rng = mulberry32(EVENT_SEED);
  const arrivalMs = new Float64Array(count);
  const parts: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const sentMs = T0_MS + i * STEP_MS;
    arrivalMs[i] = sentMs + 250;
    // out of order by up to 20 s, most a little
    const occurredAtMs = sentMs - Math.floor(rng() * rng() * 20_000);
    parts.push(Buffer.from(JSON.stringify(makeEvent(rng, i, occurredAtMs)), "utf8"));
  }
  const bytes = Buffer.concat(parts);
  const records: Buffer[] = new Array<Buffer>(count);
  let offset = 0;
  for (let i = 0; i < count; i++) {
    records[i] = bytes.subarray(offset, offset + parts[i].length);
    offset += parts[i].length;
  }
  return { bytes, records, arrivalMs, spanMs: count * STEP_MS };
}

// ---------------------------------------------------------------------------------------------------
// Alerts

/** How a condition path with a filter was rewritten for jsonpath-plus with eval: false (which refuses filters). */
export const filterFreePath = (path: string): string => path.replace(/\[\?\((?:[^()]|\([^()]*\))*\)\]/g, "[*]");

/** Regex for r00..r{k-1} (k in 1..100): two-digit region numbers below k. */
function regionBelow(k: number): string {
  if (k >= 100) return "^r\\d\\d$";
  const tens = Math.floor(k / 10);
  const ones = k % 10;
  const alternatives: string[] = [];
  if (tens > 0) alternatives.push(tens === 1 ? "0\\d" : `[0-${tens - 1}]\\d`);
  if (ones > 0) alternatives.push(ones === 1 ? `${tens}0` : `${tens}[0-${ones - 1}]`);
  return `^r(${alternatives.join("|")})$`;
}

/** Draws made for one alert, fixed whatever the selectivity, so that tuning changes operands only. */
interface AlertDraws {
  customer: number;
  pair: number;
  objectTypeSelector: boolean;
  conditionCount: number;
  selectiveKind: number;
  selectiveOffset: number;
  aux: number[];
  filterAux: number;
  order: number[];
  groupBy: number[];
  aggregation: number;
  entity: boolean;
  windowSeconds: number;
  less: boolean;
  threshold: number;
}

/**
 * Conditions that nearly always hold (pass rates 0.85–1, mixed operators), so that an alert's
 * selectivity is its one selective condition's; they still cost what they cost to evaluate.
 */
const AUX: readonly ((d: number) => Condition)[] = [
  () => ({ path: "$.device.encrypted", operator: "NOT_EQUALS", value: false }),
  (d) => ({ path: "$.user.department", operator: "NOT_EQUALS", value: DEPARTMENTS[d % 20] }),
  () => ({ path: "$.user.email", operator: "EXISTS" }),
  () => ({ path: "$.user.suspensionReason", operator: "IS_EMPTY" }),
  () => ({ path: "$.user.roles", operator: "IS_NOT_EMPTY" }),
  () => ({ path: "$.user.employeeId", operator: "STARTS_WITH", value: "E" }),
  () => ({ path: "$.user.email", operator: "CONTAINS", value: "@cust-" }),
  (d) => ({ path: "$.tags", operator: "NOT_CONTAINS", value: `tag-${pad(d % 100, 2)}` }),
  () => ({ path: "$.file.visibility", operator: "NOT_IN", value: ["quarantined", "deleted"] }),
  () => ({ path: "$.attempts", operator: "GREATER_THAN_OR_EQUAL", value: 0 }),
  () => ({ path: "$.actor.ip", operator: "MATCHES", value: "^(10|203)\\." }),
  () => ({ path: "$.actor.email", operator: "ENDS_WITH", value: ".example.com" }),
  (d) => ({ path: "$.geo.country", operator: "NOT_EQUALS", value: COUNTRIES[d % 20] }),
  () => ({ path: "$.risk.level", operator: "NOT_EQUALS", value: "critical" }),
  () => ({ path: "$.flags.external", operator: "EQUALS", value: false }),
];

/** Conditions over several values: a filter `[?(...)]` or a wildcard `[*]` (pass rates 0.85–1). */
const FILTER_AUX: readonly Condition[] = [
  { path: "$.members[?(@.role == 'owner')].email", operator: "NOT_CONTAINS", value: "@gmail.com" },
  { path: "$.members[?(@.external == true)].email", operator: "NOT_EQUALS", value: "nobody@gmail.com" },
  { path: "$.members[?(@.joinedDaysAgo > 30)].role", operator: "NOT_IN", value: ["banned", "deleted"] },
  { path: "$.members[*].role", operator: "NOT_EQUALS", value: "banned" },
  { path: "$.user.roles[*]", operator: "IN", value: ["member", "admin", "owner", "viewer", "billing"] },
  { path: "$.tags[*]", operator: "STARTS_WITH", value: "tag-" },
  { path: "$.file.sharedWith[*].domain", operator: "NOT_EQUALS", value: "evil.example" },
  { path: "$.members[?(@.role == 'admin' || @.role == 'owner')].id", operator: "NOT_CONTAINS", value: "x" },
];

const GROUP_BY = ["$.user.department", "$.geo.country", "$.device.os", "$.actor.email", "$.user.email"];
const AGGREGATIONS: readonly AlertVersion["aggregation"][] = [
  { function: "COUNT", path: null },
  { function: "COUNT", path: null },
  { function: "COUNT", path: null },
  { function: "SUM", path: "$.file.bytes" },
  { function: "COUNT_DISTINCT", path: "$.user.email" },
  { function: "MAX", path: "$.attempts" },
  { function: "AVG", path: "$.session.durationMs" },
  { function: "MIN", path: "$.risk.score" },
];
const WINDOW_SECONDS = [60, 300, 900, 3600];

/**
 * The one condition that makes the alert selective, passing for about a fraction `rate` of events, with
 * one of five operators (GREATER_THAN, LESS_THAN, IN, MATCHES, STARTS_WITH).
 */
function selectiveCondition(kind: number, offset: number, rate: number): Condition {
  const r = Math.min(1, Math.max(0, rate));
  switch (kind) {
    case 0:
      return { path: "$.risk.score", operator: "GREATER_THAN", value: Math.round(10_000 * (1 - r)) - 1 };
    case 1:
      return { path: "$.session.durationMs", operator: "LESS_THAN", value: Math.round(100_000 * r) };
    case 2: {
      const k = Math.min(100, Math.max(1, Math.round(100 * r)));
      return { path: "$.geo.region", operator: "IN", value: Array.from({ length: k }, (_, i) => `r${pad((offset + i) % 100, 2)}`) };
    }
    case 3:
      return { path: "$.geo.region", operator: "MATCHES", value: regionBelow(Math.min(100, Math.max(1, Math.round(100 * r)))) };
    default: {
      // employeeId is E + 4 uniform digits: a prefix of d digits passes 10^-d of events
      const digits = -Math.round(Math.log10(startsWithRate(r)));
      return { path: "$.user.employeeId", operator: "STARTS_WITH", value: `E${pad(offset % 10 ** digits, digits).slice(0, digits)}` };
    }
  }
}

function drawAlert(rng: Rng): AlertDraws {
  return {
    customer: int(rng, CUSTOMERS),
    pair: int(rng, PAIRS),
    objectTypeSelector: rng() < 0.5,
    conditionCount: 1 + int(rng, 4),
    selectiveKind: int(rng, 5),
    selectiveOffset: int(rng, 10_000),
    aux: [int(rng, AUX.length * 20), int(rng, AUX.length * 20), int(rng, AUX.length * 20)],
    filterAux: int(rng, FILTER_AUX.length),
    order: [rng(), rng(), rng(), rng()],
    groupBy: rng() < 0.5 ? [int(rng, GROUP_BY.length)] : [int(rng, GROUP_BY.length), int(rng, GROUP_BY.length)],
    aggregation: int(rng, AGGREGATIONS.length),
    entity: rng() < 0.5,
    windowSeconds: pick(rng, WINDOW_SECONDS),
    less: rng() < 0.1,
    threshold: rng(),
  };
}

/**
 * `count` alerts. Each selects one application and one event type (half also the object type); every
 * 10th is GLOBAL (spread evenly over the 200 pairs), the others belong to a random customer; 1–4
 * conditions in random order: one selective (passing for about `rate` of events) plus nearly-always-true
 * ones; exactly a quarter (rounded) have a filter or wildcard condition, a third a groupBy, a third each
 * window ALL_TIME, TUMBLING and SLIDING, drawn independently of each other and of the scope. The draws
 * do not depend on `rate`.
 */
export function generateAlerts(count: number, rate: number): AlertVersion[] {
  const rng = mulberry32(ALERT_SEED ^ count);
  const globalPairs = Array.from({ length: PAIRS }, (_, i) => i);
  for (let i = globalPairs.length - 1; i > 0; i--) {
    const k = int(rng, i + 1);
    [globalPairs[i], globalPairs[k]] = [globalPairs[k], globalPairs[i]];
  }
  // exact shares, each feature independent of the others and of the scope: shuffled flags
  const shuffled = <T>(make: (k: number) => T): T[] => {
    const items = Array.from({ length: count }, (_, k) => make(k));
    for (let i = items.length - 1; i > 0; i--) {
      const k = int(rng, i + 1);
      [items[i], items[k]] = [items[k], items[i]];
    }
    return items;
  };
  const filterFlags = shuffled((k) => k % 4 === 0);
  const groupFlags = shuffled((k) => k % 3 === 0);
  const windowTypes = shuffled((k) => (["ALL_TIME", "TUMBLING", "SLIDING"] as const)[k % 3]);
  const alerts: AlertVersion[] = [];
  let globals = 0;
  for (let j = 0; j < count; j++) {
    const d = drawAlert(rng);
    const global = j % 10 === 0;
    const { application, eventType } = pairOf(global ? globalPairs[globals++ % PAIRS] : d.pair);
    const usesFilter = filterFlags[j];
    const conditions: Condition[] = [selectiveCondition(d.selectiveKind, d.selectiveOffset, rate)];
    // a STARTS_WITH prefix passes 1, 0.1 or 0.01 of events: the risk score makes up the rest of the rate
    if (d.selectiveKind === 4) conditions.push(selectiveCondition(0, 0, rate / startsWithRate(rate)));
    if (usesFilter) conditions.push(FILTER_AUX[d.filterAux]);
    const conditionCount = Math.max(conditions.length, d.conditionCount);
    for (let a = 0; conditions.length < conditionCount; a++) conditions.push(AUX[d.aux[a] % AUX.length](Math.floor(d.aux[a] / AUX.length)));
    const ordered = conditions.map((c, i) => ({ c, k: d.order[i % 4] + i * 1e-9 })).sort((x, y) => x.k - y.k).map((x) => x.c);
    const windowType = windowTypes[j];
    const aggregation = AGGREGATIONS[d.aggregation];
    const less = windowType !== "ALL_TIME" && d.less;
    alerts.push({
      id: `00000000-0000-4000-8000-${pad(j, 12)}`,
      version: 1,
      scope: global ? "GLOBAL" : "CUSTOMER",
      customerId: global ? null : customerId(d.customer),
      name: `bench alert ${j}`,
      description: "",
      severity: "MEDIUM",
      enabled: true,
      application,
      objectType: d.objectTypeSelector ? objectTypeOf(eventType) : null,
      eventType,
      conditions: ordered,
      jsonPath: null,
      aggregation,
      groupBy: groupFlags[j] ? [...new Set(d.groupBy.map((g) => GROUP_BY[g]))] : [],
      entityPath: d.entity ? "$.user.email" : null,
      window: windowType === "ALL_TIME" ? { type: "ALL_TIME", seconds: null } : { type: windowType, seconds: d.windowSeconds },
      threshold: threshold(aggregation.function, less, d.threshold),
    });
  }
  return alerts;
}

const startsWithRate = (rate: number): number => (rate >= 0.3 ? 1 : rate >= 0.03 ? 0.1 : 0.01);

function threshold(fn: AlertVersion["aggregation"]["function"], less: boolean, draw: number): AlertVersion["threshold"] {
  if (less) return { operator: "LESS_THAN", value: 1 + Math.floor(draw * 3) };
  switch (fn) {
    case "COUNT":
      return { operator: "GREATER_THAN", value: 1 + Math.floor(draw * 10) };
    case "COUNT_DISTINCT":
      return { operator: "GREATER_THAN_OR_EQUAL", value: 2 + Math.floor(draw * 5) };
    case "SUM":
      return { operator: "GREATER_THAN", value: Math.round(5e7 + draw * 2e8) };
    case "MAX":
      return { operator: "GREATER_THAN", value: 90 + Math.floor(draw * 9) };
    case "AVG":
      return { operator: "GREATER_THAN", value: 60_000 + Math.floor(draw * 30_000) };
    case "MIN":
      return { operator: "GREATER_THAN", value: 5_000 + Math.floor(draw * 4_000) };
  }
}

/** Writes a workload to `file` (a cache for child processes: reading is much faster than generating). */
export function saveWorkload(work: Workload, file: string): void {
  const header = Buffer.alloc(8 + work.records.length * 12);
  header.writeUInt32LE(work.records.length, 0);
  header.writeUInt32LE(work.spanMs, 4);
  for (let i = 0; i < work.records.length; i++) {
    header.writeUInt32LE(work.records[i].length, 8 + i * 12);
    header.writeDoubleLE(work.arrivalMs[i], 12 + i * 12);
  }
  writeFileSync(file, Buffer.concat([header, work.bytes]));
}

export function loadWorkload(file: string): Workload {
  const data = readFileSync(file);
  const count = data.readUInt32LE(0);
  const spanMs = data.readUInt32LE(4);
  const arrivalMs = new Float64Array(count);
  const bytes = data.subarray(8 + count * 12);
  const records: Buffer[] = new Array<Buffer>(count);
  let offset = 0;
  for (let i = 0; i < count; i++) {
    const length = data.readUInt32LE(8 + i * 12);
    arrivalMs[i] = data.readDoubleLE(12 + i * 12);
    records[i] = bytes.subarray(offset, offset + length);
    offset += length;
  }
  return { bytes, records, arrivalMs, spanMs };
}
