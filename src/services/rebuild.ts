import type { Logger } from "pino";
import type { CompiledAlert } from "../engine/compile-alert";
import type { EngineEvent } from "../engine/event";
import type { StatusSpec } from "../engine/status";
import type { AlertRevision } from "../store/engine-store";
import type { ArchiveQuery, HistoryStore } from "../store/history-store";
import { evaluateHistory, type HistoryResult } from "./history-scan";

/** How often, at most, a running backfill stores its progress (the contract asks for twice a second). */
const PROGRESS_INTERVAL_MS = 400;

/**
 * One rebuild of one alert's statuses on one log partition (DESIGN "History: backfill and replay"):
 * live evaluation of the new version has started at the cutover; this scans the archive before it.
 */
export class Rebuild {
  result: HistoryResult | undefined;
  error: Error | undefined;
  private cancelled = false;
  private running: Promise<void> | undefined;
  cutoverMs = 0;
  total = 0;
  processed = 0;

  constructor(
    readonly revision: AlertRevision,
    readonly partition: number,
    /** Each status's state before the rebuild: a status whose state differs after it emits one crossing. */
    readonly firingBefore: ReadonlyMap<string, boolean>,
    /** Recount from here (a replay's since), else the range the window can still use. */
    private readonly sinceMs: number | null,
  ) {}

  get finished(): boolean {
    return this.result !== undefined || this.error !== undefined;
  }

  /** Starts the scan of everything archived before `beforeSeq`, in the background. */
  start(opts: {
    history: HistoryStore;
    alert: CompiledAlert;
    spec: StatusSpec;
    beforeSeq: bigint;
    cutoverMs: number;
    retentionStartMs: number;
    accept?: (event: EngineEvent) => boolean;
    logger: Logger;
  }): void {
    this.cutoverMs = opts.cutoverMs;
    const def = this.revision;
    const windowMs = def.window.seconds === null ? null : def.window.seconds * 1000;
    const fromMs = this.sinceMs ?? (windowMs === null ? opts.retentionStartMs : opts.cutoverMs - windowMs - opts.spec.lateGraceMs);
    const query: ArchiveQuery = {
      customerId: def.scope === "CUSTOMER" ? def.customerId : null,
      application: def.application,
      objectType: def.objectType,
      eventType: def.eventType,
      fromMs,
      beforeSeq: opts.beforeSeq,
    };
    const save = (state: "RUNNING" | "DONE" | "FAILED", extra: { started?: boolean; finished?: boolean; error?: string | null } = {}) =>
      opts.history.saveProgress({
        alertId: def.id,
        partition: this.partition,
        generation: def.replayGeneration,
        state,
        processed: this.processed,
        total: this.total,
        error: extra.error ?? null,
        started: extra.started,
        finished: extra.finished,
      });
    this.running = (async () => {
      try {
        this.total = await opts.history.count(query);
        await save("RUNNING", { started: true });
        let lastSaved = Date.now();
        this.result = await evaluateHistory({
          alert: opts.alert,
          spec: opts.spec,
          pages: opts.history.scan(query),
          endMs: opts.cutoverMs,
          accept: opts.accept,
          cancelled: () => this.cancelled,
          onProgress: (scanned) => {
            this.processed = scanned;
            if (Date.now() - lastSaved >= PROGRESS_INTERVAL_MS) {
              lastSaved = Date.now();
              save("RUNNING").catch(() => undefined);
            }
          },
        });
        this.processed = this.result.scannedEvents;
      } catch (err) {
        if (this.cancelled) return;
        this.error = err as Error;
        opts.logger.warn({ alertId: def.id, partition: this.partition, err: this.error.message }, "backfill failed");
        await save("FAILED", { finished: true, error: `the scan of the archive failed: ${this.error.message}; retry with replayAlert` }).catch(() => undefined);
      }
    })();
  }

  /** Stores DONE once the merge has committed. */
  async done(history: HistoryStore): Promise<void> {
    await history.saveProgress({
      alertId: this.revision.id,
      partition: this.partition,
      generation: this.revision.replayGeneration,
      state: "DONE",
      processed: this.processed,
      total: this.total,
      error: null,
      finished: true,
    });
  }

  cancel(): void {
    this.cancelled = true;
  }

  async settled(): Promise<void> {
    await this.running;
  }
}
