import type { CompiledAlert } from "./compile-alert";
import type { EngineEvent } from "./event";

export type RoutingEnvelope = Pick<EngineEvent, "customerId" | "application" | "objectType" | "eventType">;

/** null stands for "any": a GLOBAL alert, or a selector left null. */
type Key = string | null;
type Level<T> = Map<Key, T>;
/** customer → application → eventType → objectType → alerts by id. */
type Index = Level<Level<Level<Level<Map<string, CompiledAlert>>>>>;

const NOTHING: readonly CompiledAlert[] = Object.freeze([]);

/**
 * The alerts that apply to an event, found by lookups (DESIGN.md "Route"). Every enabled alert sits in
 * exactly one bucket keyed by (customer or any) × (application or any) × (eventType or any) × (objectType
 * or any); an event reads at most 16 buckets, so routing costs the same whatever the number of alerts.
 * Disabled alerts are held (get, size) but not routed.
 */
export class AlertRouter {
  private readonly byId = new Map<string, CompiledAlert>();
  private readonly index: Index = new Map();
  // Reused by route(): the engine consumes the result before routing the next event.
  private readonly buffer: CompiledAlert[] = [];

  /** How many alerts are held, disabled ones included. */
  get size(): number {
    return this.byId.size;
  }

  /** Adds or replaces (same id) an alert; a disabled alert is held but removed from routing. */
  upsert(alert: CompiledAlert): void {
    this.remove(alert.id);
    this.byId.set(alert.id, alert);
    if (!alert.definition.enabled) return;
    const keys = keysOf(alert);
    let level: Map<Key, unknown> = this.index;
    for (const key of keys) {
      let next = level.get(key) as Map<Key, unknown> | undefined;
      if (next === undefined) {
        next = new Map();
        level.set(key, next);
      }
      level = next;
    }
    (level as unknown as Map<string, CompiledAlert>).set(alert.id, alert);
  }

  remove(alertId: string): void {
    const old = this.byId.get(alertId);
    if (old === undefined) return;
    this.byId.delete(alertId);
    if (!old.definition.enabled) return;
    const keys = keysOf(old);
    const path: Map<Key, unknown>[] = [this.index];
    for (const key of keys) {
      const next = path[path.length - 1].get(key) as Map<Key, unknown> | undefined;
      if (next === undefined) return;
      path.push(next);
    }
    const bucket = path[path.length - 1] as unknown as Map<string, CompiledAlert>;
    if (bucket.get(alertId) !== old) return;
    bucket.delete(alertId);
    // drop emptied maps so that churn over many customers leaves nothing behind
    for (let depth = keys.length - 1; depth >= 0 && path[depth + 1].size === 0; depth--) {
      path[depth].delete(keys[depth]);
    }
  }

  get(alertId: string): CompiledAlert | undefined {
    return this.byId.get(alertId);
  }

  /**
   * Every enabled alert whose scope and selectors match the event's envelope (not its conditions), each
   * once, in no particular order. The returned array is owned by the router and overwritten by the next
   * route() call: use it, or copy it, before routing again. When nothing matches, a shared frozen empty
   * array is returned.
   */
  route(event: RoutingEnvelope): readonly CompiledAlert[] {
    const out = this.buffer;
    out.length = 0;
    this.collectCustomer(this.index.get(event.customerId), event, out);
    this.collectCustomer(this.index.get(null), event, out);
    return out.length === 0 ? NOTHING : out;
  }

  private collectCustomer(byApplication: Level<Level<Level<Map<string, CompiledAlert>>>> | undefined, event: RoutingEnvelope, out: CompiledAlert[]): void {
    if (byApplication === undefined) return;
    this.collectApplication(byApplication.get(event.application), event, out);
    this.collectApplication(byApplication.get(null), event, out);
  }

  private collectApplication(byEventType: Level<Level<Map<string, CompiledAlert>>> | undefined, event: RoutingEnvelope, out: CompiledAlert[]): void {
    if (byEventType === undefined) return;
    this.collectEventType(byEventType.get(event.eventType), event, out);
    this.collectEventType(byEventType.get(null), event, out);
  }

  private collectEventType(byObjectType: Level<Map<string, CompiledAlert>> | undefined, event: RoutingEnvelope, out: CompiledAlert[]): void {
    if (byObjectType === undefined) return;
    // an event without objectType matches only alerts without an objectType selector
    if (event.objectType !== null) append(byObjectType.get(event.objectType), out);
    append(byObjectType.get(null), out);
  }
}

function keysOf(alert: CompiledAlert): [Key, Key, Key, Key] {
  const def = alert.definition;
  return [def.scope === "GLOBAL" ? null : def.customerId, def.application, def.eventType, def.objectType];
}

function append(bucket: Map<string, CompiledAlert> | undefined, out: CompiledAlert[]): void {
  if (bucket === undefined) return;
  for (const alert of bucket.values()) out.push(alert);
}
