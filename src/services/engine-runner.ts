import { createHash } from "node:crypto";
import type { Logger } from "pino";
import { REBUILD_FIELDS } from "../engine/alert-definition";
import { compileAlert, type CompiledAlert } from "../engine/compile-alert";
import { AlertRouter } from "../engine/router";
import {
  advance,
  applyEvent,
  createStatus,
  deserializeStatus,
  mergeStatuses,
  nextDueMs,
  rejudge,
  serializeStatus,
  snapshot,
  type Crossing,
  type StatusSpec,
  type StatusState,
} from "../engine/status";
import { TimerHeap } from "../engine/timer-heap";
import type { ControlReader, EventBatch, EventReader } from "../log/log";
import { payloadFor, type EngineEvent } from "../engine/event";
import type { AlertRevision, CrossingRow, DeadLetter, EngineBatch, EngineStore, EventKey, PositionUpdate, StatusKey, StatusRow } from "../store/engine-store";
import type { HistoryStore } from "../store/history-store";
import { Rebuild } from "./rebuild";
import type { EngineCounters } from "./engine-counters";

export const EVENTS_CONSUMER = "events";
export const CONTROLS_CONSUMER = "controls";

export interface EngineOptions {
  readonly lateGraceSeconds: number;
  readonly statusIdleDays: number;
  readonly batchSize?: number;
  /** How often, at most, subscribers hear that one status changed. */
  readonly statusNotifyIntervalMs?: number;
  readonly clock?: () => number;
  /** Kafka mode: the engine deduplicates events by (customer, id) and archives them in its commits. */
  readonly archive?: boolean;
  /** Called with the crossings each commit stored (Kafka mode: announced on the crossings topic). */
  readonly onCommitted?: (crossings: readonly { customerId: string; cursor: bigint; id: string }[]) => Promise<void> | void;
  /** How far back ALL_TIME backfills read (the archive keeps this many days). */
  readonly retentionDays?: number;
  /** The log partition a customer's events arrive on (Kafka); the embedded log has one, 0. */
  readonly partitionOf?: (customerId: string) => number;
}

interface AppliedAlert {
  readonly definition: AlertRevision;
  readonly compiled: CompiledAlert | undefined;
  readonly spec: StatusSpec;
}

interface LiveStatus {
  readonly key: StatusKey;
  readonly partition: number;
  readonly id: string;
  readonly origin: string;
  state: StatusState;
  alertVersion: number;
}

const IDLE_POLL_MS = 250;
const CONTROL_SYNC_TIMEOUT_MS = 5_000;
const MAX_BACKOFF_MS = 10_000;

/**
 * The engine loop: apply controls, read a batch of events, evaluate it, move the clock, and commit
 * statuses, crossings and positions in one transaction. On any failure the in-memory state is
 * dropped and reloaded from the last commit, so every event counts once and every crossing exists once.
 */
export class EngineRunner {
  private readonly router = new AlertRouter();
  private readonly alerts = new Map<string, AppliedAlert>();
  private readonly statuses = new Map<string, LiveStatus>();
  private readonly byAlert = new Map<string, Set<string>>();
  private readonly timers = new TimerHeap();
  /** Next position to read, per owned partition. */
  private positions = new Map<number, bigint>();
  /** Positions as last stored, per owned partition: the commit checks them (fencing). */
  private stored = new Map<number, bigint | null>();
  private owned = new Set<number>();
  private controlPosition = 0n;
  private storedControlPosition: bigint | null = null;
  private lastNowMs = 0;
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly lastNotified = new Map<string, number>();
  private readonly notifyPending = new Set<string>();
  private ready = false;

  // What the next commit writes.
  private dirty = new Set<string>();
  private removed = new Map<string, StatusKey>();
  private deletedAlerts: { partition: number; alertId: string }[] = [];
  private changedAlerts: { partition: number; alert: AlertRevision }[] = [];
  private forgottenAlerts: { partition: number; alertId: string }[] = [];
  private archive: EngineEvent[] = [];
  /** Rebuilds in progress, by `${alertId}:${partition}`: their live crossings wait for the merge. */
  private readonly rebuilds = new Map<string, Rebuild>();
  private mergedRebuilds: Rebuild[] = [];
  private crossings: CrossingRow[] = [];
  private deadLetters: DeadLetter[] = [];
  private positionsMoved = false;

  constructor(
    private readonly store: EngineStore,
    private readonly history: HistoryStore,
    private readonly events: EventReader,
    private readonly controls: ControlReader,
    private readonly counters: EngineCounters,
    private readonly logger: Logger,
    private readonly options: EngineOptions,
  ) {}

  /** The next position to read, per owned partition (for consumer lag). */
  positionsSnapshot(): ReadonlyMap<number, bigint> {
    return new Map(this.positions);
  }

  /** Running rebuilds: archived events processed and planned, per alert (summed over partitions). */
  backfillProgress(): ReadonlyMap<string, { processed: number; total: number }> {
    const progress = new Map<string, { processed: number; total: number }>();
    for (const rebuild of this.rebuilds.values()) {
      const sum = progress.get(rebuild.revision.id) ?? { processed: 0, total: 0 };
      progress.set(rebuild.revision.id, { processed: sum.processed + rebuild.processed, total: sum.total + rebuild.total });
    }
    return progress;
  }

  /** Whether the engine has loaded its state and is consuming. */
  get isReady(): boolean {
    return this.ready;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.events.close();
    await this.loop;
  }

  private async run(): Promise<void> {
    let backoffMs = 200;
    let loaded = false;
    while (this.running) {
      try {
        if (!loaded) {
          await this.load();
          loaded = true;
          this.ready = true;
        }
        const busy = await this.step();
        backoffMs = 200;
        if (!busy && this.running) await this.events.waitForMore(this.idleWaitMs());
      } catch (err) {
        this.ready = false;
        loaded = false;
        this.logger.warn({ err: (err as Error).message, retryInMs: backoffMs }, "engine paused; will reload its state and resume");
        await sleep(backoffMs);
        backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
      }
    }
    this.ready = false;
  }

  /** One iteration; true when it consumed anything (so the next one should not wait). */
  private async step(): Promise<boolean> {
    const startedAt = performance.now();
    await this.followAssignment();
    const controls = await this.applyControls();
    // A rebuild's cutover is here, before this step's events: they are its live part.
    await this.launchRebuilds(this.now());
    const batch = await this.events.poll(this.positions, this.options.batchSize ?? 1000);
    const tx = this.store.batch();
    let worked: number;
    try {
      worked = await this.process(batch, tx, startedAt);
    } catch (err) {
      await tx.rollback();
      throw err;
    }
    for (const rebuild of this.mergedRebuilds) await rebuild.done(this.history).catch(() => undefined);
    this.mergedRebuilds = [];
    return controls + worked > 0 || batch.records.length > 0;
  }

  /** Evaluates a batch and commits what it changed in tx; returns how many late controls and merges it applied. */
  private async process(batch: EventBatch, tx: EngineBatch, startedAt: number): Promise<number> {
    // Controls saved before these events were published apply to them (a separate stream may lag);
    // meanwhile the batch claims its event keys, in the transaction that will commit its results.
    const sync = batch.records.length > 0 && this.controls.sync !== undefined;
    const [, duplicates] = await settleAll(
      sync ? this.controls.sync!(CONTROL_SYNC_TIMEOUT_MS) : undefined,
      this.options.archive ? this.claimEvents(tx, batch) : undefined,
    );
    const lateControls = sync ? await this.applyControls() : 0;
    if (lateControls > 0) await this.launchRebuilds(this.now());
    const nowMs = this.now();
    this.evaluate(batch, nowMs, duplicates);
    this.tick(nowMs);
    const merged = this.mergeRebuilds(nowMs);
    this.collectStatusNotices(nowMs);
    if (this.hasChanges()) {
      await this.commit(tx, nowMs);
      if (batch.records.length > 0) this.counters.observeBatch(performance.now() - startedAt);
    } else {
      await tx.rollback();
    }
    return lateControls + merged;
  }

  private async load(): Promise<void> {
    this.resetMemory();
    if (this.controls.durable) {
      this.storedControlPosition = (await this.store.loadPositions(CONTROLS_CONSUMER)).get(0) ?? null;
      this.controlPosition = this.storedControlPosition ?? 0n;
    }
    // Start from the truth; each partition is then brought from what its statuses reflect to it
    // (reconcile), and controls tell of what changes after.
    for (const definition of await this.store.loadAllAlerts()) this.install(definition);
    await this.followAssignment();
    this.logger.info({ alerts: this.alerts.size, statuses: this.statuses.size, partitions: [...this.owned] }, "engine state loaded");
  }

  /**
   * Takes over newly assigned partitions (their statuses, positions and applied definitions, brought
   * up to the definitions we know) and lets go of revoked ones. Runs between batches, when nothing is
   * pending: every batch commits before the next step.
   */
  private async followAssignment(): Promise<void> {
    const assigned = new Set(this.events.assignment());
    for (const partition of [...this.owned]) {
      if (assigned.has(partition)) continue;
      this.owned.delete(partition);
      for (const [key, rebuild] of this.rebuilds) {
        if (rebuild.partition !== partition) continue;
        rebuild.cancel();
        this.rebuilds.delete(key);
      }
      this.positions.delete(partition);
      this.stored.delete(partition);
      for (const live of [...this.statuses.values()]) {
        if (live.partition !== partition) continue;
        this.statuses.delete(live.id);
        this.byAlert.get(live.key.alertId)?.delete(live.id);
      }
      this.logger.info({ partition }, "partition revoked");
    }
    const added = [...assigned].filter((p) => !this.owned.has(p));
    if (added.length === 0) return;
    const positions = await this.store.loadPositions(EVENTS_CONSUMER);
    const rows = await this.store.loadStatuses(added);
    const nowMs = this.now();
    for (const partition of added) {
      const next = positions.get(partition) ?? null;
      this.owned.add(partition);
      this.stored.set(partition, next);
      if (next !== null) {
        this.positions.set(partition, next);
        this.events.seek(partition, next);
      }
    }
    for (const row of rows) {
      const live: LiveStatus = { key: row.key, partition: row.partition, id: statusId(row.key), origin: row.origin, state: deserializeStatus(row.data), alertVersion: row.alertVersion };
      this.track(live);
    }
    for (const partition of added) await this.reconcile(partition, nowMs);
    for (const row of rows) {
      const live = this.statuses.get(statusId(row.key));
      const applied = live && this.alerts.get(live.key.alertId);
      if (live && applied) this.schedule(live, applied, nowMs);
    }
    this.logger.info({ partitions: added }, "partitions assigned");
  }

  /** Brings a partition's statuses from the definitions they were built with to the ones we know. */
  private async reconcile(partition: number, nowMs: number): Promise<void> {
    const appliedHere = new Map((await this.store.loadEngineAlerts(partition)).map((a) => [a.id, a]));
    for (const [alertId, current] of this.alerts) {
      const before = appliedHere.get(alertId);
      appliedHere.delete(alertId);
      if (before && !newer(current.definition, before)) continue;
      this.applyChange(before, current, nowMs, [partition]);
    }
    for (const alertId of appliedHere.keys()) this.dropStatuses(alertId, [partition], true);
  }

  /** Claims the keys of the events evaluate() will count; returns the indexes of those seen before. */
  private async claimEvents(tx: EngineBatch, batch: EventBatch): Promise<Set<number>> {
    const keys: EventKey[] = [];
    const next = new Map(this.positions);
    batch.records.forEach((r, index) => {
      const from = next.get(r.partition);
      if (!this.owned.has(r.partition) || (from !== undefined && r.position < from)) return; // as evaluate() skips it
      next.set(r.partition, r.position + 1n);
      if ("event" in r) keys.push({ index, customerId: r.event.customerId, id: r.event.id });
    });
    const fresh = await tx.claimEventKeys(keys);
    return new Set(keys.filter((k) => !fresh.has(k.index)).map((k) => k.index));
  }

  private resetMemory(): void {
    for (const rebuild of this.rebuilds.values()) rebuild.cancel();
    this.rebuilds.clear();
    for (const id of [...this.alerts.keys()]) this.router.remove(id);
    this.alerts.clear();
    this.statuses.clear();
    this.byAlert.clear();
    this.timers.clear();
    this.owned.clear();
    this.positions.clear();
    this.stored.clear();
    this.clearPending();
  }

  private clearPending(): void {
    this.dirty = new Set();
    this.removed = new Map();
    this.deletedAlerts = [];
    this.changedAlerts = [];
    this.forgottenAlerts = [];
    this.archive = [];
    this.crossings = [];
    this.deadLetters = [];
    this.positionsMoved = false;
  }

  /** Controls are notices: load the alert's current row and apply it if it is newer than ours. */
  private async applyControls(): Promise<number> {
    const controls = await this.controls.poll(this.controlPosition, 500);
    for (const control of controls) {
      const current = await this.store.loadAlert(control.alertId);
      const previous = this.alerts.get(control.alertId);
      const nowMs = this.now();
      if (!current) {
        if (previous) this.forget(control.alertId);
      } else if (!previous || newer(current, previous.definition)) {
        const applied = this.install(current);
        this.applyChange(previous?.definition, applied, nowMs, [...this.owned]);
      }
      this.logger.debug({ alertId: control.alertId, version: control.version, applied: this.alerts.get(control.alertId)?.definition.version ?? null }, "control applied");
      this.controlPosition = control.position;
      this.positionsMoved = true;
    }
    return controls.length;
  }

  /**
   * The statuses on these partitions were built with `before` (undefined: none); `current` is now
   * installed. DESIGN "Changes": qualifying, grouping, aggregation or window changes, an enable, or a
   * replay rebuild the statuses from history; a new alert counts its history when asked to; a
   * threshold change re-judges them; a disabled alert's statuses stay frozen.
   */
  private applyChange(before: AlertRevision | undefined, current: AppliedAlert, nowMs: number, partitions: readonly number[]): void {
    const def = current.definition;
    const fieldsChanged =
      before !== undefined &&
      (REBUILD_FIELDS.some((field) => JSON.stringify(before[field]) !== JSON.stringify(def[field])) || (!before.enabled && def.enabled));
    const replayed = before !== undefined && def.replayGeneration > before.replayGeneration;
    const recount = def.enabled && (fieldsChanged || replayed || (before === undefined && def.backfill));
    const thresholdChanged = before !== undefined && JSON.stringify(before.threshold) !== JSON.stringify(def.threshold);
    for (const partition of partitions) {
      if (!recount) {
        if (fieldsChanged) this.dropStatuses(def.id, [partition], false);
        this.changedAlerts.push({ partition, alert: def });
        continue;
      }
      const key = `${def.id}:${partition}`;
      const superseded = this.rebuilds.get(key);
      superseded?.cancel();
      const firingBefore = superseded?.firingBefore ?? this.firingOf(def.id, partition);
      this.dropStatuses(def.id, [partition], false);
      // engine_alerts for this partition moves to `def` only when the merge commits: a crash before then
      // makes the next owner rebuild again.
      this.rebuilds.set(key, new Rebuild(def, partition, firingBefore, replayed ? def.replaySinceMs : null));
    }
    const here = new Set(partitions);
    for (const key of this.byAlert.get(def.id) ?? []) {
      const live = this.statuses.get(key)!;
      if (!here.has(live.partition)) continue;
      live.alertVersion = def.version;
      this.markDirty(live);
      if (!def.enabled) continue;
      if (thresholdChanged) {
        const crossing = rejudge(current.spec, live.state, nowMs);
        if (crossing) this.record(live, current, crossing, nowMs);
      }
      this.schedule(live, current, nowMs);
    }
  }

  private firingOf(alertId: string, partition: number): Map<string, boolean> {
    const firing = new Map<string, boolean>();
    for (const key of this.byAlert.get(alertId) ?? []) {
      const live = this.statuses.get(key);
      if (live && live.partition === partition) firing.set(key, live.state.firing);
    }
    return firing;
  }

  /** Starts the archive scans of rebuilds that begin at this step's cutover. */
  private async launchRebuilds(nowMs: number): Promise<void> {
    for (const rebuild of this.rebuilds.values()) {
      if (rebuild.cutoverMs !== 0) continue;
      const applied = this.alerts.get(rebuild.revision.id);
      if (!applied?.compiled) continue;
      // Embedded log: what this engine has read is history; Kafka: what it has archived.
      const beforeSeq = this.options.archive ? await this.history.nextSeq() : (this.positions.get(rebuild.partition) ?? 1n);
      const partitionOf = this.options.partitionOf;
      rebuild.start({
        history: this.history,
        alert: applied.compiled,
        spec: applied.spec,
        beforeSeq,
        cutoverMs: nowMs,
        retentionStartMs: nowMs - (this.options.retentionDays ?? 30) * 86_400_000,
        accept: partitionOf ? (event) => partitionOf(event.customerId) === rebuild.partition : undefined,
        logger: this.logger,
      });
    }
  }

  /**
   * Merges finished history into the live part (exactly: counts and sums add, distinct sets unite,
   * sliding windows bucket by bucket), judges each status against its state before the rebuild, and
   * stores history's crossings as historical. Returns how many rebuilds ended.
   */
  private mergeRebuilds(nowMs: number): number {
    let ended = 0;
    for (const [key, rebuild] of [...this.rebuilds]) {
      if (!rebuild.finished) continue;
      this.rebuilds.delete(key);
      ended++;
      const applied = this.alerts.get(rebuild.revision.id);
      if (!applied || applied.definition !== rebuild.revision) continue; // superseded meanwhile
      this.changedAlerts.push({ partition: rebuild.partition, alert: rebuild.revision });
      if (rebuild.error || !rebuild.result) continue; // FAILED is stored; the live part stands
      for (const h of rebuild.result.statuses.values()) {
        const live = this.statuses.get(h.id);
        if (live) live.state = mergeStatuses(applied.spec, h.state, live.state, nowMs);
        else this.track({ key: h.key, partition: rebuild.partition, id: h.id, origin: h.origin, state: h.state, alertVersion: rebuild.revision.version });
      }
      for (const id of this.byAlert.get(rebuild.revision.id) ?? []) {
        const live = this.statuses.get(id)!;
        if (live.partition !== rebuild.partition) continue;
        live.alertVersion = rebuild.revision.version;
        if (!this.catchUp(live, applied, nowMs)) continue;
        live.state.firing = rebuild.firingBefore.get(id) ?? false;
        const crossing = rejudge(applied.spec, live.state, nowMs);
        if (crossing) this.record(live, applied, crossing, nowMs);
        this.markDirty(live);
        this.schedule(live, applied, nowMs);
      }
      for (const { status, crossing } of rebuild.result.crossings) {
        if (crossing.atMs >= rebuild.cutoverMs) continue;
        this.crossings.push(this.crossingRow(status, applied, crossing, nowMs, `${status.origin}|g${rebuild.revision.replayGeneration}`, true));
      }
      this.mergedRebuilds.push(rebuild);
    }
    return ended;
  }

  private install(definition: AlertRevision): AppliedAlert {
    let compiled: CompiledAlert | undefined;
    try {
      compiled = compileAlert(definition);
    } catch (err) {
      // Saved definitions were validated; one that no longer compiles is skipped, never fatal.
      this.logger.error({ alertId: definition.id, err: (err as Error).message }, "alert does not compile; not evaluating it");
    }
    const applied: AppliedAlert = { definition, compiled, spec: this.specOf(definition) };
    this.alerts.set(definition.id, applied);
    if (compiled && definition.enabled) this.router.upsert(compiled);
    else this.router.remove(definition.id);
    return applied;
  }

  private forget(alertId: string): void {
    this.changedAlerts = this.changedAlerts.filter((c) => c.alert.id !== alertId);
    this.dropStatuses(alertId, [...this.owned], true);
    this.router.remove(alertId);
    this.alerts.delete(alertId);
  }

  /** Removes an alert's statuses on these partitions, emitting nothing (DESIGN: delete and rebuild). */
  private dropStatuses(alertId: string, partitions: readonly number[], forget: boolean): void {
    const here = new Set(partitions);
    const keys = this.byAlert.get(alertId) ?? new Set<string>();
    for (const key of [...keys]) {
      const live = this.statuses.get(key);
      if (!live || !here.has(live.partition)) continue;
      this.statuses.delete(key);
      keys.delete(key);
      this.dirty.delete(key);
      this.removed.delete(key);
      this.notifyPending.delete(key);
    }
    for (const partition of partitions) {
      this.deletedAlerts.push({ partition, alertId });
      if (forget) this.forgottenAlerts.push({ partition, alertId });
    }
  }

  private evaluate(batch: EventBatch, nowMs: number, duplicates: Set<number> | undefined): void {
    for (let r = 0; r < batch.records.length; r++) {
      const record = batch.records[r];
      const next = this.positions.get(record.partition);
      if (!this.owned.has(record.partition) || (next !== undefined && record.position < next)) continue; // revoked, or already counted
      this.positions.set(record.partition, record.position + 1n);
      this.positionsMoved = true;
      if ("reason" in record) {
        this.deadLetters.push({ source: EVENTS_CONSUMER, position: `${record.partition}:${record.position}`, reason: record.reason, raw: record.raw });
        this.counters.deadLetters++;
        continue;
      }
      const event = record.event;
      this.counters.eventsIn++;
      if (duplicates?.has(r)) continue;
      if (this.options.archive) this.archive.push(event);
      const matches = this.router.route(event);
      for (let i = 0; i < matches.length; i++) {
        const alert = matches[i];
        this.counters.eventsEvaluated++;
        const payload = payloadFor(event, matches.length === 1 ? alert.payloadKeys : null);
        if (!alert.qualifies(payload)) continue;
        this.counters.eventsQualified++;
        const applied = this.alerts.get(alert.id)!;
        const key: StatusKey = { alertId: alert.id, customerId: event.customerId, groupKey: alert.groupKey(payload) };
        const id = statusId(key);
        let live = this.statuses.get(id);
        if (live && !this.catchUp(live, applied, nowMs)) live = undefined;
        const created = live === undefined;
        if (!live) {
          live = { key, partition: record.partition, id, origin: `${record.partition}:${record.position}`, state: createStatus(applied.spec, nowMs), alertVersion: alert.version };
        }
        const input = { eventTimeMs: event.occurredAtMs, values: alert.aggregateValues(payload), entity: alert.entity(payload) };
        const { outcome, crossing } = applyEvent(applied.spec, live.state, input, nowMs);
        if (outcome === "late") this.counters.lateEvents++;
        if (outcome !== "applied" && created) continue;
        if (created) this.track(live);
        if (crossing) this.record(live, applied, crossing, nowMs);
        this.markDirty(live);
        this.schedule(live, applied, nowMs);
      }
    }
  }

  /** Moves every status whose window changes by nowMs: slides, rolls, LESS_THAN judgements, idle removal. */
  private tick(nowMs: number): void {
    for (let due = this.timers.popDue(nowMs); due; due = this.timers.popDue(nowMs)) {
      const live = this.statuses.get(due.key);
      if (!live) continue;
      const applied = this.alerts.get(live.key.alertId);
      if (!applied || !applied.definition.enabled) continue;
      if (this.catchUp(live, applied, nowMs)) this.schedule(live, applied, nowMs);
    }
  }

  /**
   * Brings a status to nowMs: advance() stops at each crossing or removal, so call it until nothing is
   * due. Returns false when the status was removed (idle).
   */
  private catchUp(live: LiveStatus, applied: AppliedAlert, nowMs: number): boolean {
    for (let due = nextDueMs(applied.spec, live.state, nowMs); due !== null && due <= nowMs; due = nextDueMs(applied.spec, live.state, nowMs)) {
      const moved = advance(applied.spec, live.state, nowMs);
      if (moved.crossing) this.record(live, applied, moved.crossing, nowMs);
      if (moved.remove) {
        this.untrack(live);
        return false;
      }
      if (moved.changed || moved.crossing) this.markDirty(live);
      else break;
    }
    return true;
  }

  private schedule(live: LiveStatus, applied: AppliedAlert, nowMs: number): void {
    const due = nextDueMs(applied.spec, live.state, nowMs);
    if (due !== null) this.timers.push(due, live.id);
  }

  private record(live: LiveStatus, applied: AppliedAlert, crossing: Crossing, nowMs: number): void {
    // Until a rebuild merges, its alert's statuses on that partition emit nothing (DESIGN "History").
    if (this.rebuilds.has(`${live.key.alertId}:${live.partition}`)) return;
    this.crossings.push(this.crossingRow(live, applied, crossing, nowMs, `${live.origin}|v${applied.definition.version}`, false));
    if (crossing.direction === "RAISED") this.counters.crossingsRaised++;
    else this.counters.crossingsCleared++;
  }

  private crossingRow(
    status: { key: StatusKey },
    applied: AppliedAlert,
    crossing: Crossing,
    nowMs: number,
    lifetime: string,
    historical: boolean,
  ): CrossingRow {
    const def = applied.definition;
    return {
      ...status.key,
      id: crossingId(status.key, lifetime, crossing.sequence),
      alertVersion: def.version,
      direction: crossing.direction,
      value: crossing.value,
      count: crossing.count,
      threshold: def.threshold,
      severity: def.severity,
      windowStartMs: crossing.windowStartMs,
      windowEndMs: crossing.windowEndMs,
      occurredAtMs: crossing.atMs,
      detectedAtMs: nowMs,
      historical,
      entities: crossing.entities,
    };
  }

  private track(live: LiveStatus): void {
    this.statuses.set(live.id, live);
    let set = this.byAlert.get(live.key.alertId);
    if (!set) {
      set = new Set();
      this.byAlert.set(live.key.alertId, set);
    }
    set.add(live.id);
  }

  private untrack(live: LiveStatus): void {
    this.statuses.delete(live.id);
    this.byAlert.get(live.key.alertId)?.delete(live.id);
    this.dirty.delete(live.id);
    this.removed.set(live.id, live.key);
    this.notifyPending.add(live.id);
  }

  private markDirty(live: LiveStatus): void {
    this.dirty.add(live.id);
    this.removed.delete(live.id);
    this.notifyPending.add(live.id);
  }

  private notices: StatusKey[] = [];

  /** About once a second per status: subscribers of alertStatusChanged hear of the latest state. */
  private collectStatusNotices(nowMs: number): void {
    const interval = this.options.statusNotifyIntervalMs ?? 1000;
    this.notices = [];
    for (const id of this.notifyPending) {
      if (nowMs - (this.lastNotified.get(id) ?? 0) < interval) continue;
      const key = this.statuses.get(id)?.key ?? this.removed.get(id);
      this.notifyPending.delete(id);
      if (!key) continue;
      this.lastNotified.set(id, nowMs);
      this.notices.push(key);
    }
    if (this.lastNotified.size > 4 * (this.statuses.size + 1000)) {
      for (const [id, at] of this.lastNotified) if (nowMs - at > interval) this.lastNotified.delete(id);
    }
  }

  private hasChanges(): boolean {
    return (
      this.positionsMoved ||
      this.dirty.size > 0 ||
      this.removed.size > 0 ||
      this.crossings.length > 0 ||
      this.deletedAlerts.length > 0 ||
      this.changedAlerts.length > 0 ||
      this.forgottenAlerts.length > 0 ||
      this.notices.length > 0
    );
  }

  private async commit(tx: EngineBatch, nowMs: number): Promise<void> {
    const upserts: StatusRow[] = [];
    for (const id of this.dirty) {
      const live = this.statuses.get(id);
      const applied = live && this.alerts.get(live.key.alertId);
      if (!live || !applied) continue;
      const view = snapshot(applied.spec, live.state, nowMs);
      upserts.push({
        ...live.key,
        partition: live.partition,
        alertVersion: live.alertVersion,
        firing: view.firing,
        value: view.value,
        count: view.count,
        windowStartMs: view.windowStartMs,
        windowEndMs: view.windowEndMs,
        lastEventAtMs: view.lastEventAtMs,
        lastCrossingAtMs: view.lastCrossingAtMs,
        entities: view.entities,
        data: serializeStatus(live.state),
        origin: live.origin,
      });
    }
    const positions: PositionUpdate[] = [...this.positions].map(([partition, next]) => ({
      consumer: EVENTS_CONSUMER,
      partition,
      next,
      expected: this.stored.get(partition) ?? null,
    }));
    if (this.controls.durable) {
      positions.push({ consumer: CONTROLS_CONSUMER, partition: 0, next: this.controlPosition, expected: this.storedControlPosition });
    }
    const stored = await tx.commit({
      positions,
      upserts,
      deletes: [...this.removed.values()],
      deleteAlerts: this.deletedAlerts,
      engineAlerts: this.changedAlerts,
      forgetAlerts: this.forgottenAlerts,
      archive: this.archive,
      crossings: this.crossings,
      deadLetters: this.deadLetters,
      notifyStatuses: this.notices,
    });
    for (const p of positions) {
      if (p.consumer === EVENTS_CONSUMER) this.stored.set(p.partition, p.next);
      else this.storedControlPosition = p.next;
    }
    this.events.committed?.(positions.filter((p) => p.consumer === EVENTS_CONSUMER));
    this.clearPending();
    if (stored.length > 0) await this.options.onCommitted?.(stored);
  }

  private idleWaitMs(): number {
    const next = this.timers.peek();
    if (next === undefined) return IDLE_POLL_MS;
    return Math.max(0, Math.min(IDLE_POLL_MS, next - this.now()));
  }

  private now(): number {
    this.lastNowMs = Math.max(this.lastNowMs, (this.options.clock ?? Date.now)());
    return this.lastNowMs;
  }

  private specOf(definition: AlertRevision): StatusSpec {
    return {
      aggregation: definition.aggregation.function,
      window: definition.window,
      threshold: definition.threshold,
      lateGraceMs: this.options.lateGraceSeconds * 1000,
      idleMs: this.options.statusIdleDays * 86_400_000,
    };
  }
}

/** A control is applied only when it brings a newer version, or a newer replay of the same one. */
const newer = (a: AlertRevision, b: AlertRevision): boolean =>
  a.version > b.version || (a.version === b.version && a.replayGeneration > b.replayGeneration);

const statusId = (key: StatusKey): string => `${key.alertId}\u0000${key.customerId}\u0000${key.groupKey ?? ""}`;

/**
 * Deterministic: the same transition of the same status always has the same id, across crashes and
 * replays. `origin` names the status's lifetime (the event that created it, and the alert version).
 */
export function crossingId(key: StatusKey, origin: string, sequence: number): string {
  const hex = createHash("sha256").update(`${key.alertId}|${key.customerId}|${key.groupKey ?? ""}|${origin}|${sequence}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Waits for every piece of work, then fails with the first failure: none is left running behind our back. */
async function settleAll<A, B>(a: Promise<A> | undefined, b: Promise<B> | undefined): Promise<[A | undefined, B | undefined]> {
  const [ra, rb] = await Promise.allSettled([a, b]);
  if (ra.status === "rejected") throw ra.reason;
  if (rb.status === "rejected") throw rb.reason;
  return [ra.value, rb.value];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
