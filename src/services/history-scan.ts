import { selectorsMatch, type CompiledAlert } from "../engine/compile-alert";
import type { EngineEvent } from "../engine/event";
import { advance, applyEvent, createStatus, nextDueMs, type Crossing, type StatusSpec, type StatusState } from "../engine/status";
import type { StatusKey } from "../store/engine-store";

export interface HistoryStatus {
  readonly key: StatusKey;
  readonly id: string;
  /** The archive position of the event that created it: part of its crossings' ids. */
  readonly origin: string;
  readonly state: StatusState;
}

export interface HistoryCrossing {
  readonly status: HistoryStatus;
  readonly crossing: Crossing;
}

export interface HistoryResult {
  readonly statuses: Map<string, HistoryStatus>;
  readonly crossings: HistoryCrossing[];
  readonly scannedEvents: number;
  readonly qualifyingEvents: number;
}

export const statusId = (key: StatusKey): string => `${key.alertId}\u0000${key.customerId}\u0000${key.groupKey ?? ""}`;

/**
 * The live evaluator run over the archive, on a clock driven by event times (DESIGN "Window": backfill
 * and preview). Pages arrive in (event time, sequence) order; at the end every status is moved to endMs.
 */
export async function evaluateHistory(opts: {
  alert: CompiledAlert;
  spec: StatusSpec;
  pages: AsyncIterable<readonly { seq: bigint; event: EngineEvent }[]>;
  endMs: number;
  /** Keep only the events this engine owns (Kafka: its partitions' customers). */
  accept?: (event: EngineEvent) => boolean;
  onProgress?: (scannedEvents: number) => void;
  cancelled?: () => boolean;
}): Promise<HistoryResult> {
  const { alert, spec } = opts;
  const statuses = new Map<string, HistoryStatus>();
  const crossings: HistoryCrossing[] = [];
  let scannedEvents = 0;
  let qualifyingEvents = 0;
  let clockMs = Number.NEGATIVE_INFINITY;
  const catchUp = (status: HistoryStatus, nowMs: number): boolean => {
    for (let due = nextDueMs(spec, status.state, nowMs); due !== null && due <= nowMs; due = nextDueMs(spec, status.state, nowMs)) {
      const moved = advance(spec, status.state, nowMs);
      if (moved.crossing) crossings.push({ status, crossing: moved.crossing });
      if (moved.remove) {
        statuses.delete(status.id);
        return false;
      }
      if (!moved.changed && !moved.crossing) break;
    }
    return true;
  };

  for await (const page of opts.pages) {
    if (opts.cancelled?.()) throw new Error("cancelled");
    for (const { seq, event } of page) {
      scannedEvents++;
      if (opts.accept && !opts.accept(event)) continue;
      clockMs = Math.max(clockMs, event.occurredAtMs);
      if (!selectorsMatch(alert.definition, event) || !alert.qualifies(event.payload)) continue;
      qualifyingEvents++;
      const key: StatusKey = { alertId: alert.id, customerId: event.customerId, groupKey: alert.groupKey(event.payload) };
      const id = statusId(key);
      let status = statuses.get(id);
      if (status && !catchUp(status, clockMs)) status = undefined;
      const created = status === undefined;
      if (!status) status = { key, id, origin: `h:${seq}`, state: createStatus(spec, clockMs) };
      const input = { eventTimeMs: event.occurredAtMs, values: alert.aggregateValues(event.payload), entity: alert.entity(event.payload) };
      const { outcome, crossing } = applyEvent(spec, status.state, input, clockMs);
      if (outcome !== "applied" && created) continue;
      if (created) statuses.set(id, status);
      if (crossing) crossings.push({ status, crossing });
    }
    opts.onProgress?.(scannedEvents);
  }
  for (const status of [...statuses.values()]) catchUp(status, Math.max(opts.endMs, clockMs));
  return { statuses, crossings, scannedEvents, qualifyingEvents };
}
