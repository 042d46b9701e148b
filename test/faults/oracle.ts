// A deliberately simple reference evaluator for the fault test's workload: dot paths, a handful of
// operators, monotonic aggregates. It shares no code with the engine, so the two can disagree.

export interface OracleAlert {
  id: string;
  customerId: string | null;
  application: string | null;
  eventType: string | null;
  conditions: { path: string; operator: "EQUALS" | "GREATER_THAN" | "IN" | "CONTAINS"; value: unknown }[];
  groupBy: string[];
  aggregation: { function: "COUNT" | "SUM" | "MAX" | "COUNT_DISTINCT"; path: string | null };
  threshold: number;
}

export interface OracleEvent {
  id: string;
  customerId: string;
  application: string;
  eventType: string;
  payload: Record<string, unknown>;
}

export interface OracleStatus {
  count: number;
  value: number;
}

export interface OracleCrossing {
  alertId: string;
  customerId: string;
  groupKey: string | null;
  direction: "RAISED";
  value: number;
}

/** `$.a.b` → payload.a.b, or undefined. */
function at(payload: unknown, path: string): unknown {
  let value: unknown = payload;
  for (const part of path.replace(/^\$\.?/, "").split(".").filter(Boolean)) {
    if (value === null || typeof value !== "object" || Array.isArray(value) || !Object.prototype.hasOwnProperty.call(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function holds(condition: OracleAlert["conditions"][number], payload: unknown): boolean {
  const value = at(payload, condition.path);
  if (value === undefined) return false;
  switch (condition.operator) {
    case "EQUALS":
      return JSON.stringify(value) === JSON.stringify(condition.value);
    case "GREATER_THAN":
      return typeof value === "number" && typeof condition.value === "number" && value > condition.value;
    case "IN":
      return (condition.value as unknown[]).some((v) => JSON.stringify(v) === JSON.stringify(value));
    case "CONTAINS":
      return typeof value === "string" && typeof condition.value === "string" && value.includes(condition.value);
  }
}

/**
 * Final statuses and crossings when every event is in its status's window (the workload makes sure):
 * per (alert, customer, group key) the aggregate of its qualifying events in publish order, and one
 * RAISED when the value first reaches the threshold (aggregates never decrease here).
 */
export function recount(alerts: readonly OracleAlert[], events: readonly OracleEvent[]) {
  const statuses = new Map<string, OracleStatus & { distinct: Set<string>; firing: boolean }>();
  const crossings: OracleCrossing[] = [];
  const seen = new Set<string>();
  for (const event of events) {
    const unique = `${event.customerId}\u0000${event.id}`;
    if (seen.has(unique)) continue;
    seen.add(unique);
    for (const alert of alerts) {
      if (alert.customerId !== null && alert.customerId !== event.customerId) continue;
      if (alert.application !== null && alert.application !== event.application) continue;
      if (alert.eventType !== null && alert.eventType !== event.eventType) continue;
      if (!alert.conditions.every((c) => holds(c, event.payload))) continue;
      const groupKey = alert.groupBy.length ? JSON.stringify(alert.groupBy.map((p) => at(event.payload, p) ?? null)) : null;
      const key = `${alert.id}|${event.customerId}|${groupKey}`;
      const status = statuses.get(key) ?? { count: 0, value: 0, distinct: new Set<string>(), firing: false };
      statuses.set(key, status);
      status.count++;
      const raw = alert.aggregation.path === null ? undefined : at(event.payload, alert.aggregation.path);
      switch (alert.aggregation.function) {
        case "COUNT":
          status.value = status.count;
          break;
        case "SUM":
          if (typeof raw === "number") status.value += raw;
          break;
        case "MAX":
          if (typeof raw === "number") status.value = status.count === 1 || raw > status.value ? raw : status.value;
          break;
        case "COUNT_DISTINCT":
          if (raw !== undefined) status.distinct.add(JSON.stringify(raw));
          status.value = status.distinct.size;
          break;
      }
      if (!status.firing && status.value >= alert.threshold) {
        status.firing = true;
        crossings.push({ alertId: alert.id, customerId: event.customerId, groupKey, direction: "RAISED", value: status.value });
      }
    }
  }
  return { statuses, crossings };
}
