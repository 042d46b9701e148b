import { reportedAggregate } from "../engine/aggregate";
import { compileAlert } from "../engine/compile-alert";
import { snapshot, type StatusSpec } from "../engine/status";
import type { BackfillRow, BackfillStateName, HistoryStore } from "../store/history-store";
import type { CrossingRecord, StatusRecord } from "../store/monitoring-store";
import type { CreateAlertCommand } from "./alert-input";
import type { AlertService } from "./alert-service";
import { AppError } from "./errors";
import { evaluateHistory } from "./history-scan";
import { isPlatform, type Principal } from "./principal";
import { PushQueue } from "./push-queue";

export interface BackfillView {
  readonly alertId: string;
  readonly state: BackfillStateName;
  readonly processedEvents: number;
  readonly totalEvents: number | null;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
  readonly error: string | null;
}

export interface PreviewResult {
  readonly scannedEvents: number;
  readonly qualifyingEvents: number;
  readonly crossings: CrossingRecord[];
  readonly statuses: StatusRecord[];
}

const PROGRESS_POLL_MS = 250;

/** Backfill progress, replays and backtests (DESIGN "History: backfill and replay"). */
export class HistoryService {
  constructor(
    private readonly history: HistoryStore,
    private readonly alerts: AlertService,
    private readonly settings: { previewMaxEvents: number; lateGraceSeconds: number; statusIdleDays: number; clock?: () => number },
  ) {}

  /** The latest backfill or replay of a visible alert: its partitions' progress, summed. */
  async backfill(principal: Principal, alertId: string): Promise<BackfillView | null> {
    const alert = await this.alerts.get(principal, alertId);
    const view = summarize(alertId, alert.replayGeneration, await this.history.progress(alertId));
    // A global alert's backfill scans every customer's events: a customer key sees its state and
    // times, never the platform-wide counts (they would tell other customers' volumes).
    if (view && alert.customerId === null && !isPlatform(principal)) return { ...view, processedEvents: 0, totalEvents: null, error: view.error ? "the backfill failed" : null };
    return view;
  }

  async replay(principal: Principal, alertId: string, since: Date | null | undefined): Promise<BackfillView> {
    const nowMs = (this.settings.clock ?? Date.now)();
    if (since && since.getTime() > nowMs) {
      throw new AppError("BAD_USER_INPUT", "since: must not be in the future", [{ field: "since", message: "must not be in the future" }]);
    }
    await this.alerts.replay(principal, alertId, since ?? null);
    return { alertId, state: "PENDING", processedEvents: 0, totalEvents: null, startedAt: null, finishedAt: null, error: null };
  }

  /** backfillProgress: the alert's backfill whenever it changes (polled, at least twice a second). */
  progress(principal: Principal, alertId: string): Promise<AsyncIterableIterator<BackfillView>> {
    return this.alerts.get(principal, alertId).then(() => {
      const queue = new PushQueue<BackfillView>(() => clearInterval(timer));
      let last = "";
      const poll = async () => {
        const view = await this.backfill(principal, alertId).catch(() => null);
        const text = JSON.stringify(view);
        if (view && text !== last) {
          last = text;
          queue.push(view);
        }
      };
      const timer = setInterval(() => void poll(), PROGRESS_POLL_MS);
      void poll();
      return queue;
    });
  }

  /** previewAlert: the live evaluator over the archive for an unsaved definition; stores nothing. */
  async preview(principal: Principal, input: CreateAlertCommand, since: Date, until: Date | null | undefined): Promise<PreviewResult> {
    const nowMs = (this.settings.clock ?? Date.now)();
    const untilMs = until ? until.getTime() : nowMs;
    if (untilMs <= since.getTime()) {
      throw new AppError("BAD_USER_INPUT", "until: must be after since", [{ field: "until", message: "must be after since" }]);
    }
    const definition = this.alerts.validateForPreview(principal, input);
    const alert = compileAlert({ ...definition, id: "00000000-0000-0000-0000-000000000000", version: 0 });
    const query = {
      customerId: definition.customerId,
      application: definition.application,
      objectType: definition.objectType,
      eventType: definition.eventType,
      fromMs: since.getTime(),
      untilMs,
    };
    const max = this.settings.previewMaxEvents;
    const total = await this.history.count(query, max);
    if (total > max) {
      throw new AppError(
        "BAD_USER_INPUT",
        `since: the range holds more than ${max} archived events (PREVIEW_MAX_EVENTS); choose a shorter range or narrower selectors`,
        [{ field: "since", message: `more than ${max} events in range` }],
      );
    }
    const spec: StatusSpec = {
      aggregation: definition.aggregation.function,
      window: definition.window,
      threshold: definition.threshold,
      lateGraceMs: this.settings.lateGraceSeconds * 1000,
      idleMs: this.settings.statusIdleDays * 86_400_000,
    };
    const result = await evaluateHistory({ alert, spec, pages: this.history.scan(query), endMs: untilMs });
    let n = 0n;
    const crossings: CrossingRecord[] = result.crossings.map(({ status, crossing }) => ({
      seq: ++n,
      id: `preview-${n}`,
      customerId: status.key.customerId,
      cursor: n,
      alertId: alert.id,
      alertVersion: 0,
      groupKey: status.key.groupKey,
      direction: crossing.direction,
      ...reportedAggregate(crossing.value),
      count: crossing.count,
      thresholdOperator: definition.threshold.operator,
      thresholdValue: definition.threshold.value,
      severity: definition.severity,
      windowStart: crossing.windowStartMs === null ? null : new Date(crossing.windowStartMs),
      windowEnd: crossing.windowEndMs === null ? null : new Date(crossing.windowEndMs),
      occurredAt: new Date(crossing.atMs),
      detectedAt: new Date(crossing.atMs),
      historical: true,
      entities: crossing.entities,
    }));
    const statuses: StatusRecord[] = [...result.statuses.values()].map((status, i) => {
      const view = snapshot(spec, status.state, untilMs);
      return {
        seq: BigInt(i + 1),
        alertId: alert.id,
        customerId: status.key.customerId,
        groupKey: status.key.groupKey,
        state: view.firing ? "FIRING" : "OK",
        ...reportedAggregate(view.value),
        count: view.count,
        windowStart: view.windowStartMs === null ? null : new Date(view.windowStartMs),
        windowEnd: view.windowEndMs === null ? null : new Date(view.windowEndMs),
        lastEventAt: view.lastEventAtMs === null ? null : new Date(view.lastEventAtMs),
        lastCrossingAt: view.lastCrossingAtMs === null ? null : new Date(view.lastCrossingAtMs),
        entities: view.entities,
      };
    });
    return { scannedEvents: result.scannedEvents, qualifyingEvents: result.qualifyingEvents, crossings, statuses };
  }
}

/** One view over an alert's partitions: failed if any failed, running while any runs, summed counts. */
export function summarize(alertId: string, generation: number, rows: readonly BackfillRow[]): BackfillView | null {
  if (rows.length === 0) return generation > 0 ? { alertId, state: "PENDING", processedEvents: 0, totalEvents: null, startedAt: null, finishedAt: null, error: null } : null;
  const behind = rows.some((r) => r.generation < generation);
  const failed = rows.find((r) => r.state === "FAILED");
  const state: BackfillStateName = failed ? "FAILED" : rows.some((r) => r.state === "RUNNING") ? "RUNNING" : behind || rows.some((r) => r.state === "PENDING") ? "PENDING" : "DONE";
  const started = rows.map((r) => r.startedAt).filter((d): d is Date => d !== null);
  const finished = rows.map((r) => r.finishedAt).filter((d): d is Date => d !== null);
  return {
    alertId,
    state,
    processedEvents: rows.reduce((n, r) => n + r.processed, 0),
    totalEvents: rows.every((r) => r.total !== null) ? rows.reduce((n, r) => n + (r.total ?? 0), 0) : null,
    startedAt: started.length ? new Date(Math.min(...started.map((d) => d.getTime()))) : null,
    finishedAt: state === "DONE" || state === "FAILED" ? (finished.length ? new Date(Math.max(...finished.map((d) => d.getTime()))) : null) : null,
    error: failed?.error ?? null,
  };
}
