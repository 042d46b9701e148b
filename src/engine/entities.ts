/**
 * The entities of a status (DESIGN "An alert's meaning" 7): key -> count, first and last event time.
 * Ordered most recent first (lastSeenMs descending, then key ascending by UTF-16 code units); bounded,
 * evicting whichever entity sorts last.
 */
import { malformed } from "./aggregate";

export interface TriggeredEntity {
  key: string;
  count: number;
  firstSeenMs: number;
  lastSeenMs: number;
}

export type EntityMap = Map<string, TriggeredEntity>;

/** The entity order: negative when `a` comes first. */
export function compareEntities(a: Readonly<TriggeredEntity>, b: Readonly<TriggeredEntity>): number {
  if (a.lastSeenMs !== b.lastSeenMs) return b.lastSeenMs - a.lastSeenMs;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/** One event of `key` at `timeMs`. Allocates only for a key it does not hold. */
export function touchEntity(entities: EntityMap, key: string, timeMs: number, maxEntities: number): void {
  const entity = entities.get(key);
  if (entity !== undefined) {
    entity.count++;
    if (timeMs < entity.firstSeenMs) entity.firstSeenMs = timeMs;
    if (timeMs > entity.lastSeenMs) entity.lastSeenMs = timeMs;
    return;
  }
  entities.set(key, { key, count: 1, firstSeenMs: timeMs, lastSeenMs: timeMs });
  if (entities.size > maxEntities) evictLast(entities);
}

function evictLast(entities: EntityMap): void {
  let last: TriggeredEntity | null = null;
  for (const entity of entities.values()) {
    if (last === null || compareEntities(entity, last) > 0) last = entity;
  }
  if (last !== null) entities.delete(last.key);
}

/** into += from: counts add, first/last combine, then the bound is applied to the union. */
export function mergeEntities(into: EntityMap, from: EntityMap, maxEntities: number): void {
  for (const other of from.values()) {
    const entity = into.get(other.key);
    if (entity === undefined) {
      into.set(other.key, { ...other });
      continue;
    }
    entity.count += other.count;
    if (other.firstSeenMs < entity.firstSeenMs) entity.firstSeenMs = other.firstSeenMs;
    if (other.lastSeenMs > entity.lastSeenMs) entity.lastSeenMs = other.lastSeenMs;
  }
  if (into.size <= maxEntities) return;
  const ordered = [...into.values()].sort(compareEntities);
  for (let i = maxEntities; i < ordered.length; i++) into.delete(ordered[i].key);
}

/** Copies, most recent first. */
export function listEntities(entities: EntityMap): TriggeredEntity[] {
  const list: TriggeredEntity[] = [];
  for (const entity of entities.values()) list.push({ ...entity });
  return list.sort(compareEntities);
}

export function cloneEntities(entities: EntityMap): EntityMap {
  const copy: EntityMap = new Map();
  for (const entity of entities.values()) copy.set(entity.key, { ...entity });
  return copy;
}

/** Stored form: [[key, count, firstSeenMs, lastSeenMs], ...], most recent first. */
export function storeEntities(entities: EntityMap): Array<[string, number, number, number]> {
  return listEntities(entities).map((e) => [e.key, e.count, e.firstSeenMs, e.lastSeenMs]);
}

export function loadEntities(data: unknown): EntityMap {
  if (!Array.isArray(data)) throw malformed("entities");
  const entities: EntityMap = new Map();
  for (const row of data as unknown[]) {
    if (!Array.isArray(row) || row.length !== 4 || typeof row[0] !== "string") throw malformed("entities");
    const [key, count, firstSeenMs, lastSeenMs] = row as [string, unknown, unknown, unknown];
    if (typeof count !== "number" || typeof firstSeenMs !== "number" || typeof lastSeenMs !== "number") throw malformed("entities");
    entities.set(key, { key, count, firstSeenMs, lastSeenMs });
  }
  return entities;
}
