// npm run bench:engine — the engine alone, no I/O: events/s through decode → route → qualify →
// aggregate → cross, at 100, 1,000 and 10,000 active alerts over 1,000 customers, against baselines on
// the same bytes in the same run. Each figure is measured in its own child process (this script, forked
// with `child <kind> <alerts> <rate>`) after a warm-up, so JIT state and memory do not leak between them.
//
// Knobs: BENCH_ENGINE_ALERTS (default "100,1000,10000"), BENCH_ENGINE_EVENTS (distinct events, default
// 200000), BENCH_ENGINE_SECONDS (measured seconds per figure, default 4), BENCH_ENGINE_KINDS (which
// figures), BENCH_ENGINE_PROFILE=<dir> (engine children run with --cpu-prof into that directory).
import { fork } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { compileAlert, type AlertVersion } from "../src/engine/compile-alert";
import { decodeEventRecord, payloadFor, type EngineEvent } from "../src/engine/event";
import { AlertRouter } from "../src/engine/router";
import { advance, applyEvent, createStatus, nextDueMs, type StatusSpec, type StatusState } from "../src/engine/status";
import { rulesEngineEvent, rulesEngineIndex, seedStyleEvent, seedStyleIndex } from "./baselines";
import { CUSTOMERS, generateAlerts, generateEvents, loadWorkload, saveWorkload } from "./workload";

const ALERT_COUNTS = (process.env.BENCH_ENGINE_ALERTS ?? "100,1000,10000").split(",").map(Number);
const EVENTS = Number(process.env.BENCH_ENGINE_EVENTS ?? 200_000);
const MEASURE_MS = Number(process.env.BENCH_ENGINE_SECONDS ?? 4) * 1000;
const WARMUP_MS = 1_500;
/** Events used to tune the alerts' selectivity in the parent. */
const TUNE_EVENTS = 20_000;
const TARGET_FRACTION = 0.05;

const KINDS = ["engine", "seedStyle", "seedStyleSelectorsFirst", "rulesEngine", "jsonParse"] as const;
type Kind = (typeof KINDS)[number];
const SELECTED_KINDS: readonly Kind[] = process.env.BENCH_ENGINE_KINDS
  ? (process.env.BENCH_ENGINE_KINDS.split(",") as Kind[])
  : KINDS;

interface Measurement {
  kind: Kind;
  alerts: number;
  /** Events processed in the measured period, and its length. */
  events: number;
  seconds: number;
  /** The median of the slices' rates. */
  perSec: number;
  /** Events per CPU second of this process over the measured period: what other load cannot change. */
  perCpuSec: number;
  meanPerSec: number;
  slicePerSec: number[];
  /** Events with at least one qualifying alert, over the events it saw while warming up and measuring. */
  qualifiedEvents: number;
  seenEvents: number;
  /** engine only: over exactly one pass of all distinct events (the warm-up). */
  passFraction?: number;
  routedPerEvent?: number;
  statuses?: number;
  crossings?: number;
  deadLetters?: number;
  eventBytes?: { min: number; avg: number; max: number };
  setupSeconds: number;
}

const specOf = (def: AlertVersion): StatusSpec => ({
  aggregation: def.aggregation.function,
  window: def.window,
  threshold: def.threshold,
  lateGraceMs: 60_000,
  idleMs: 7 * 86_400_000,
});

const generateId = (): string => {
  throw new Error("every bench event has an id");
};

/** The measured period is cut into this many slices; a figure is the median slice's rate. */
const SLICES = 4;

interface Timing {
  warm: { events: number; qualified: number };
  measured: { events: number; qualified: number; seconds: number; cpuSeconds: number; sliceRates: number[] };
}

/** CPU seconds this process has used (every thread: GC's helpers count too). */
const cpuSeconds = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * Runs `step` over events 0, 1, 2… (looping over the distinct ones): a warm-up of one pass or
 * WARMUP_MS, whichever ends first (exactly one pass when `fullPass`), then MEASURE_MS measured in
 * SLICES slices (a median resists the other processes of a shared machine).
 */
function timeLoop(count: number, fullPass: boolean, step: (n: number) => boolean): Timing {
  let n = 0;
  let qualified = 0;
  const warmStart = performance.now();
  for (; n < count; n++) {
    if (step(n)) qualified++;
    if (!fullPass && (n & 63) === 63 && performance.now() - warmStart > WARMUP_MS) {
      n++;
      break;
    }
  }
  const warm = { events: n, qualified };
  qualified = 0;
  const sliceMs = MEASURE_MS / SLICES;
  const sliceRates: number[] = [];
  const cpuStart = cpuSeconds();
  const start = performance.now();
  let sliceStart = start;
  let sliceFirst = n;
  const first = n;
  let now = start;
  while (sliceRates.length < SLICES) {
    if (step(n++)) qualified++;
    if ((n & 15) === 0 && (now = performance.now()) - sliceStart >= sliceMs) {
      sliceRates.push(((n - sliceFirst) * 1000) / (now - sliceStart));
      sliceStart = now;
      sliceFirst = n;
    }
  }
  return { warm, measured: { events: n - first, qualified, seconds: (now - start) / 1000, cpuSeconds: cpuSeconds() - cpuStart, sliceRates } };
}

async function timeLoopAsync(count: number, step: (n: number) => Promise<boolean>): Promise<Timing> {
  let n = 0;
  let qualified = 0;
  const warmStart = performance.now();
  while (n < count && performance.now() - warmStart < WARMUP_MS) if (await step(n++)) qualified++;
  const warm = { events: n, qualified };
  qualified = 0;
  const sliceMs = MEASURE_MS / SLICES;
  const sliceRates: number[] = [];
  const cpuStart = cpuSeconds();
  const start = performance.now();
  let sliceStart = start;
  let sliceFirst = n;
  const first = n;
  let now = start;
  while (sliceRates.length < SLICES) {
    if (await step(n++)) qualified++;
    if ((now = performance.now()) - sliceStart >= sliceMs) {
      sliceRates.push(((n - sliceFirst) * 1000) / (now - sliceStart));
      sliceStart = now;
      sliceFirst = n;
    }
  }
  return { warm, measured: { events: n - first, qualified, seconds: (now - start) / 1000, cpuSeconds: cpuSeconds() - cpuStart, sliceRates } };
}

// ---------------------------------------------------------------------------------------------------
// The child measurements

async function child(kind: Kind, alertCount: number, rate: number, workloadFile: string): Promise<Measurement> {
  const setupStart = performance.now();
  const work = loadWorkload(workloadFile);
  const defs = generateAlerts(alertCount, rate);
  const N = work.records.length;
  const { records } = work;
  const base = { kind, alerts: alertCount };
  const finish = (r: Timing, setupSeconds: number, extra: Partial<Measurement> = {}): Measurement => ({
    ...base,
    events: r.measured.events,
    seconds: r.measured.seconds,
    perSec: Math.round(median(r.measured.sliceRates)),
    perCpuSec: Math.round(r.measured.events / r.measured.cpuSeconds),
    meanPerSec: Math.round(r.measured.events / r.measured.seconds),
    slicePerSec: r.measured.sliceRates.map(Math.round),
    qualifiedEvents: r.warm.qualified + r.measured.qualified,
    seenEvents: r.warm.events + r.measured.events,
    setupSeconds,
    ...extra,
  });

  if (kind === "jsonParse") {
    const setupSeconds = (performance.now() - setupStart) / 1000;
    // the parsed value is used (never true), so the parse cannot be optimized away
    const r = timeLoop(N, false, (n) => (JSON.parse(records[n % N].toString("utf8")) as { payload: unknown }).payload === undefined);
    return finish(r, setupSeconds);
  }

  if (kind === "seedStyle" || kind === "seedStyleSelectorsFirst") {
    const index = seedStyleIndex(defs, kind === "seedStyleSelectorsFirst");
    const setupSeconds = (performance.now() - setupStart) / 1000;
    return finish(timeLoop(N, false, (n) => seedStyleEvent(index, records[n % N])), setupSeconds);
  }

  if (kind === "rulesEngine") {
    const index = rulesEngineIndex(defs);
    const setupSeconds = (performance.now() - setupStart) / 1000;
    const r = await timeLoopAsync(N, async (n) => (await rulesEngineEvent(index, records[n % N])) > 0);
    return finish(r, setupSeconds);
  }

  // engine: the real path, src/engine only
  const router = new AlertRouter();
  const specs = new Map<string, StatusSpec>();
  for (const def of defs) {
    router.upsert(compileAlert(def));
    specs.set(def.id, specOf(def));
  }
  const statuses = new Map<string, StatusState>();
  let routed = 0;
  let crossings = 0;
  let deadLetters = 0;
  const { arrivalMs, spanMs } = work;
  const setupSeconds = (performance.now() - setupStart) / 1000;

  const step = (n: number): boolean => {
    const i = n % N;
    // each further pass over the same bytes happens spanMs later on the engine's clock, so windows keep
    // sliding and rolling instead of seeing the same times again (late events)
    const shift = Math.floor(n / N) * spanMs;
    const nowMs = arrivalMs[i] + shift;
    const decoded = decodeEventRecord(records[i], nowMs, generateId);
    if (!("event" in decoded)) {
      deadLetters++;
      return false;
    }
    const event: EngineEvent = decoded.event;
    const matches = router.route(event);
    routed += matches.length;
    let any = false;
    for (let m = 0; m < matches.length; m++) {
      const alert = matches[m];
      const payload = payloadFor(event, matches.length === 1 ? alert.payloadKeys : null);
      if (!alert.qualifies(payload)) continue;
      any = true;
      const spec = specs.get(alert.id) as StatusSpec;
      const groupKey = alert.groupKey(payload);
      const key = `${alert.id}\u0000${event.customerId}\u0000${groupKey ?? ""}`;
      let state = statuses.get(key);
      if (state !== undefined) {
        // bring the status to nowMs: advance stops at each crossing or removal
        for (let due = nextDueMs(spec, state, nowMs); due !== null && due <= nowMs; due = nextDueMs(spec, state, nowMs)) {
          const moved = advance(spec, state, nowMs);
          if (moved.crossing !== null) crossings++;
          if (moved.remove) {
            statuses.delete(key);
            state = undefined;
            break;
          }
          if (!moved.changed && moved.crossing === null) break;
        }
      }
      const created = state === undefined;
      if (state === undefined) state = createStatus(spec, nowMs);
      const result = applyEvent(spec, state, {
        eventTimeMs: event.occurredAtMs + shift,
        values: alert.aggregateValues(payload),
        entity: alert.entity(payload),
      }, nowMs);
      if (result.outcome === "applied" && created) statuses.set(key, state);
      if (result.crossing !== null) crossings++;
    }
    return any;
  };
  const r = timeLoop(N, true, step);
  let min = Infinity;
  let max = 0;
  for (const record of records) {
    min = Math.min(min, record.length);
    max = Math.max(max, record.length);
  }
  return finish(r, setupSeconds, {
    passFraction: r.warm.qualified / r.warm.events,
    routedPerEvent: routed / (r.warm.events + r.measured.events),
    statuses: statuses.size,
    crossings,
    deadLetters,
    eventBytes: { min, avg: Math.round(work.bytes.length / N), max },
  });
}

// ---------------------------------------------------------------------------------------------------
// The parent: tuning, children, table, results.json

/** The fraction of `events` that qualify for at least one of `alerts`, by the engine. */
function qualifyingFraction(alerts: readonly AlertVersion[], events: readonly EngineEvent[]): number {
  const router = new AlertRouter();
  for (const def of alerts) router.upsert(compileAlert(def));
  let qualified = 0;
  for (const event of events) {
    const matches = router.route(event);
    for (let m = 0; m < matches.length; m++) {
      if (matches[m].qualifies(event.payload)) {
        qualified++;
        break;
      }
    }
  }
  return qualified / events.length;
}

/** The per-alert selectivity that makes about TARGET_FRACTION of events qualify for some alert (bisection). */
function tuneRate(alertCount: number, events: readonly EngineEvent[]): { rate: number; fraction: number } {
  const at = (rate: number): number => qualifyingFraction(generateAlerts(alertCount, rate), events);
  let fraction = at(1);
  if (fraction <= TARGET_FRACTION) return { rate: 1, fraction };
  let lo = 0;
  let hi = 1;
  let best = { rate: 1, fraction };
  for (let i = 0; i < 14; i++) {
    const mid = (lo + hi) / 2;
    fraction = at(mid);
    if (Math.abs(fraction - TARGET_FRACTION) < Math.abs(best.fraction - TARGET_FRACTION)) best = { rate: mid, fraction };
    if (Math.abs(fraction - TARGET_FRACTION) < 0.001) break;
    if (fraction < TARGET_FRACTION) lo = mid;
    else hi = mid;
  }
  return best;
}

function runChild(kind: Kind, alertCount: number, rate: number, workloadFile: string): Promise<Measurement> {
  const profileDir = process.env.BENCH_ENGINE_PROFILE;
  const execArgv = profileDir && kind === "engine" ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=engine-${alertCount}.cpuprofile`] : [];
  return new Promise((resolve, reject) => {
    const proc = fork(__filename, ["child", kind, String(alertCount), String(rate), workloadFile], { execArgv, stdio: "inherit" });
    let result: Measurement | undefined;
    proc.on("message", (m) => (result = m as Measurement));
    proc.on("error", reject);
    proc.on("exit", (code) => (result && code === 0 ? resolve(result) : reject(new Error(`${kind} at ${alertCount} alerts exited with ${code}`))));
  });
}

const fmt = (n: number | undefined): string => (n === undefined ? "—" : Math.round(n).toLocaleString("en"));
const ratio = (a: number | undefined, b: number | undefined): string => (a === undefined || b === undefined ? "—" : `${(a / b).toFixed(a / b >= 10 ? 0 : 2)}×`);
const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;

async function parent(): Promise<void> {
  const started = performance.now();
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? "cpu"}, ${Math.round(totalmem() / 1024 ** 3)} GiB, Node ${process.version}`;
  const loadAtStart = loadavg()[0];
  process.stdout.write(`engine bench: ${EVENTS.toLocaleString("en")} distinct events over ${CUSTOMERS.toLocaleString("en")} customers, ` +
    `${MEASURE_MS / 1000} s per figure, each in its own process; ${machine}; load average ${loadAtStart.toFixed(2)}\n`);

  // the events are generated and encoded once; the children read the bytes from a file
  const workDir = mkdtempSync(join(tmpdir(), "alerts-bench-engine-"));
  const workloadFile = join(workDir, "events.bin");
  const generateStart = performance.now();
  const work = generateEvents(EVENTS);
  saveWorkload(work, workloadFile);
  process.stdout.write(`  generated ${(work.bytes.length / 1024 ** 2).toFixed(0)} MiB of events in ${((performance.now() - generateStart) / 1000).toFixed(1)} s\n`);
  try {
    await measureAll(machine, work.records.slice(0, TUNE_EVENTS), work.arrivalMs, workloadFile, started, loadAtStart);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

async function measureAll(
  machine: string,
  sampleRecords: readonly Buffer[],
  arrivalMs: Float64Array,
  workloadFile: string,
  started: number,
  loadAtStart: number,
): Promise<void> {
  // tune each alert count's selectivity on a sample (the first events)
  const sampleEvents = sampleRecords.map((bytes, i) => {
    const decoded = decodeEventRecord(bytes, arrivalMs[i], generateId);
    if (!("event" in decoded)) throw new Error(`bench event ${i} does not decode: ${decoded.reason}`);
    return decoded.event;
  });
  const rates = new Map<number, { rate: number; fraction: number }>();
  for (const alertCount of ALERT_COUNTS) {
    const tuned = tuneRate(alertCount, sampleEvents);
    rates.set(alertCount, tuned);
    process.stdout.write(`  ${alertCount.toLocaleString("en")} alerts: per-alert selectivity ${tuned.rate.toPrecision(3)} → ${pct(tuned.fraction)} of sample events qualify\n`);
  }

  const rows: Record<number, Partial<Record<Kind, Measurement>>> = {};
  for (const alertCount of ALERT_COUNTS) {
    rows[alertCount] = {};
    for (const kind of SELECTED_KINDS) {
      const m = await runChild(kind, alertCount, (rates.get(alertCount) as { rate: number }).rate, workloadFile);
      rows[alertCount][kind] = m;
      process.stdout.write(`  ${kind.padEnd(23)} ${alertCount.toLocaleString("en").padStart(6)} alerts: ${fmt(m.perSec).padStart(9)} events/s ` +
        `(median of ${m.slicePerSec.map((x) => x.toLocaleString("en")).join(" / ")}; ${fmt(m.perCpuSec)} per CPU second; ${m.events.toLocaleString("en")} events in ${m.seconds.toFixed(1)} s; setup ${m.setupSeconds.toFixed(1)} s; ` +
        `${pct(m.qualifiedEvents / m.seenEvents)} of ${m.seenEvents.toLocaleString("en")} events qualified)\n`);
    }
  }

  const header = ["alerts", "engine", "seedStyle", "rulesEngine", "jsonParse", "engine/seedStyle", "engine/jsonParse", "qualifying"];
  const table = ALERT_COUNTS.map((alertCount) => {
    const r = rows[alertCount];
    return [
      alertCount.toLocaleString("en"),
      fmt(r.engine?.perSec),
      fmt(r.seedStyle?.perSec),
      fmt(r.rulesEngine?.perSec),
      fmt(r.jsonParse?.perSec),
      ratio(r.engine?.perSec, r.seedStyle?.perSec),
      ratio(r.engine?.perSec, r.jsonParse?.perSec),
      r.engine?.passFraction === undefined ? "—" : pct(r.engine.passFraction),
    ];
  });
  const widths = header.map((h, c) => Math.max(h.length, ...table.map((row) => row[c].length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  ");
  process.stdout.write(`\n${line(header)}\n${widths.map((w) => "-".repeat(w)).join("  ")}\n${table.map(line).join("\n")}\n`);

  const engineInfo = ALERT_COUNTS.map((a) => rows[a].engine).filter((m): m is Measurement => m !== undefined);
  if (engineInfo.length > 0) {
    const bytes = engineInfo[0].eventBytes;
    if (bytes) process.stdout.write(`\nevent records: ${bytes.min}–${bytes.max} bytes, ${bytes.avg} on average\n`);
    for (const m of engineInfo) {
      process.stdout.write(`${m.alerts.toLocaleString("en")} alerts: ${pct(m.passFraction ?? 0)} of the ${EVENTS.toLocaleString("en")} events qualify for at least one alert ` +
        `(${(m.passFraction ?? 0) >= 0.03 && (m.passFraction ?? 0) <= 0.08 ? "within" : "OUTSIDE"} 3–8%); ${(m.routedPerEvent ?? 0).toFixed(2)} alerts routed per event; ` +
        `${fmt(m.statuses)} statuses, ${fmt(m.crossings)} crossings, ${m.deadLetters} dead letters\n`);
    }
    for (const a of ALERT_COUNTS) {
      const s = rows[a].seedStyleSelectorsFirst;
      if (s && rows[a].engine) {
        process.stdout.write(`${a.toLocaleString("en")} alerts: seed style with selectors compared first (paths read only for selected alerts): ` +
          `${fmt(s.perSec)} events/s, engine ${ratio(rows[a].engine?.perSec, s.perSec)} that\n`);
      }
    }
  }

  const target = (label: string, row: Partial<Record<Kind, Measurement>> | undefined, baseline: Kind, min: number): void => {
    const a = row?.engine;
    const b = row?.[baseline];
    const value = a && b ? a.perSec / b.perSec : undefined;
    const verdict = value === undefined ? "not measured" : value >= min ? "MET" : "NOT MET";
    const cpu = a && b ? `; per CPU second ${(a.perCpuSec / b.perCpuSec).toFixed(2)}` : "";
    process.stdout.write(`  ${label}: ${value === undefined ? "—" : value.toFixed(2)} (target ≥ ${min}) ${verdict}${cpu}\n`);
  };
  const r1k = rows[1000];
  const r10k = rows[10000];
  const loadAtEnd = loadavg()[0];
  process.stdout.write(`\nload average ${loadAtStart.toFixed(2)} at the start, ${loadAtEnd.toFixed(2)} at the end on ${cpus().length} cores` +
    `${Math.max(loadAtStart, loadAtEnd) > cpus().length / 2 ? ": other processes were busy, figures are noisy (compare ratios within one run)" : ""}\n`);
  process.stdout.write(`\ntargets\n`);
  target("1,000 alerts, engine / seedStyle", r1k, "seedStyle", 20);
  target("1,000 alerts, engine / jsonParse", r1k, "jsonParse", 0.5);
  target("10,000 alerts, engine / jsonParse", r10k, "jsonParse", 0.3);

  const figures = ALERT_COUNTS.map((alertCount) => {
    const r = rows[alertCount];
    return {
      alerts: alertCount,
      eventsPerSec: r.engine?.perSec ?? null,
      seedStylePerSec: r.seedStyle?.perSec ?? null,
      rulesEnginePerSec: r.rulesEngine?.perSec ?? null,
      jsonParsePerSec: r.jsonParse?.perSec ?? null,
      seedStyleSelectorsFirstPerSec: r.seedStyleSelectorsFirst?.perSec ?? null,
      perCpuSecond: Object.fromEntries(KINDS.map((kind) => [kind, r[kind]?.perCpuSec ?? null])),
      qualifyingFraction: r.engine?.passFraction === undefined ? null : Number(r.engine.passFraction.toFixed(4)),
      routedPerEvent: r.engine?.routedPerEvent === undefined ? null : Number(r.engine.routedPerEvent.toFixed(3)),
      statuses: r.engine?.statuses ?? null,
    };
  });
  if (process.env.BENCH_ENGINE_KINDS || process.env.BENCH_ENGINE_PROFILE) {
    process.stdout.write(`\nnot writing bench/results.json: a partial or profiled run\n`);
    return;
  }
  const resultsFile = join(__dirname, "..", "..", "bench", "results.json");
  mkdirSync(join(__dirname, "..", "..", "bench"), { recursive: true });
  let results: Record<string, unknown> = {};
  try {
    results = JSON.parse(readFileSync(resultsFile, "utf8")) as Record<string, unknown>;
  } catch {
    // first run
  }
  const engineRun = {
    distinctEvents: EVENTS,
    customers: CUSTOMERS,
    measuredSecondsPerFigure: MEASURE_MS / 1000,
    eventBytes: engineInfo[0]?.eventBytes ?? null,
    loadAverage: [Number(loadAtStart.toFixed(2)), Number(loadAtEnd.toFixed(2))],
  };
  writeFileSync(resultsFile, JSON.stringify({ ...results, machine, engine: figures, engineRun }, null, 2) + "\n");
  process.stdout.write(`\nwrote bench/results.json (key "engine"), ${((performance.now() - started) / 1000).toFixed(0)} s in all\n`);
}

if (process.argv[2] === "child") {
  const [kind, alerts, rate, workloadFile] = process.argv.slice(3);
  child(kind as Kind, Number(alerts), Number(rate), workloadFile)
    .then((m) => process.send?.(m, () => process.exit(0)))
    .catch((err: unknown) => {
      process.stderr.write(`bench child ${kind} failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    });
} else {
  parent().catch((err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
