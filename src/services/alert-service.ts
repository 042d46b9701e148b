import { randomUUID } from "node:crypto";
import { compileAlert, explainEvent } from "../engine/compile-alert";
import { normalizeEvent } from "../engine/event";
import type { DataSource, EntityManager } from "typeorm";
import {
  AGGREGATION_FUNCTIONS,
  COMPARISON_OPERATORS,
  SEVERITIES,
  WINDOW_TYPES,
  validateDefinition,
  type AlertDefinition,
  type DefinitionIssue,
} from "../engine/alert-definition";
import { AlertChangeEntity, type AlertChangeAction } from "../store/entities/alert-change.entity";
import { toDefinition } from "../store/alert-mapping";
import { AlertEntity } from "../store/entities/alert.entity";
import { CONTROLS_CHANNEL } from "../log/postgres-log";
import type { AlertFilterCommand, CreateAlertCommand, UpdateAlertCommand } from "./alert-input";
import { isUuid } from "./api-key-service";
import type { PublishEventCommand } from "./event-service";
import { AppError, badInput, forbidden, notFound, type FieldProblem } from "./errors";
import { decodeCursor, encodeCursor, pageOf, pageSize, type Page } from "./pagination";
import { canSee, hasRole, isPlatform, type Principal } from "./principal";
import { ownerOf } from "./validation";

const CONTROL_APPEND_LOCK = 7242102;

export type EventExplanation = ReturnType<typeof explainEvent>;

/** Alert definitions: every write stores the alert and its alert_changes row in one transaction. */
export class AlertService {
  constructor(
    private readonly dataSource: DataSource,
    /** Runs after each committed write (Kafka mode: relays the control before the call returns). */
    private readonly afterWrite: () => Promise<void> = async () => undefined,
  ) {}

  async get(principal: Principal, id: string): Promise<AlertEntity> {
    const alert = isUuid(id) ? await this.dataSource.getRepository(AlertEntity).findOne({ where: { id } }) : null;
    if (!alert || !canSee(principal, alert.customerId)) throw notFound("alert", id);
    return alert;
  }

  /** The alert if it exists and the caller may see it; null otherwise. */
  async find(principal: Principal, id: string): Promise<AlertEntity | null> {
    return this.get(principal, id).catch((err: unknown) => {
      if (err instanceof AppError && err.code === "NOT_FOUND") return null;
      throw err;
    });
  }

  async list(principal: Principal, filter: AlertFilterCommand = {}, first?: number | null, after?: string | null): Promise<Page<AlertEntity>> {
    const limit = pageSize(first);
    const afterSeq = decodeCursor("alert", after);
    const query = this.dataSource.getRepository(AlertEntity).createQueryBuilder("a");
    if (!isPlatform(principal)) query.andWhere("(a.customer_id = :own OR a.scope = 'GLOBAL')", { own: principal.customerId });
    if (filter.scope) query.andWhere("a.scope = :scope", { scope: filter.scope });
    if (filter.customerId) query.andWhere("a.customer_id = :customerId", { customerId: filter.customerId });
    if (filter.enabled !== undefined && filter.enabled !== null) query.andWhere("a.enabled = :enabled", { enabled: filter.enabled });
    if (filter.application) query.andWhere("a.application = :application", { application: filter.application });
    if (filter.severity) query.andWhere("a.severity = :severity", { severity: filter.severity });
    if (filter.search) {
      const pattern = `%${filter.search.replace(/[\\%_]/g, (c) => "\\" + c)}%`;
      query.andWhere("(a.name ILIKE :pattern OR a.description ILIKE :pattern)", { pattern });
    }
    const totalCount = await query.getCount();
    if (afterSeq !== undefined) query.andWhere("a.seq > :afterSeq", { afterSeq: afterSeq.toString() });
    const rows = await query.orderBy("a.seq", "ASC").take(limit + 1).getMany();
    return pageOf(rows, limit, afterSeq !== undefined, totalCount, (node) => encodeCursor("alert", node.seq));
  }

  async create(principal: Principal, input: CreateAlertCommand): Promise<AlertEntity> {
    requireEditor(principal);
    const definition = definitionFromInput(principal, input);
    const now = new Date();
    return this.dataSource.transaction(async (manager) => {
      const routing = await routingFromInput(manager, principal, definition.customerId, input, DEFAULT_ROUTING);
      const id = randomUUID();
      // Query builders, not create()/save(): their deep merge drops "__proto__" keys from operands.
      await manager
        .createQueryBuilder()
        .insert()
        .into(AlertEntity)
        .values({ id, ...toColumns(definition), ...routing, backfill: input.backfill ?? true, version: 1, replayGeneration: 0, replaySince: null, createdAt: now, updatedAt: now } as never)
        .execute();
      const saved = await manager.findOneOrFail(AlertEntity, { where: { id } });
      await recordChange(manager, saved, "CREATED", principal);
      return saved;
    }).then(this.relayed);
  }

  /** Passes a write's result through once the control stream has it. */
  private readonly relayed = async <T>(result: T): Promise<T> => {
    await this.afterWrite();
    return result;
  };

  /** replayAlert: recount from the archive (from since, or all retained) at the next cutover. */
  async replay(principal: Principal, id: string, since: Date | null): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const current = await this.lockWritable(manager, principal, id);
      if (!current.enabled) {
        throw new AppError("BAD_USER_INPUT", "id: the alert is disabled; enable it (which recounts it) instead of replaying", [
          { field: "id", message: "the alert is disabled" },
        ]);
      }
      current.replayGeneration += 1;
      current.replaySince = since;
      await manager
        .createQueryBuilder()
        .update(AlertEntity)
        .set({ replayGeneration: current.replayGeneration, replaySince: since })
        .where("id = :id", { id })
        .execute();
      await recordChange(manager, current, "REPLAYED", principal);
    }).then(this.relayed);
  }

  /** previewAlert's definition: validated like createAlert, scoped to the caller; any role may preview. */
  validateForPreview(principal: Principal, input: CreateAlertCommand): AlertDefinition {
    return definitionFromInput(principal, input);
  }

  /** testAlert: the same compiled evaluator on one sample event; validates like createAlert, stores nothing. */
  testEvent(principal: Principal, input: CreateAlertCommand, event: PublishEventCommand, nowMs = Date.now()): EventExplanation {
    const definition = definitionFromInput(principal, input);
    const normalized = normalizeEvent(event, nowMs, randomUUID);
    if ("problems" in normalized) throw badInput(normalized.problems.map((p) => ({ field: `event.${p.field}`, message: p.message })));
    return explainEvent(compileAlert({ ...definition, id: "00000000-0000-0000-0000-000000000000", version: 0 }), normalized.event);
  }

  async update(principal: Principal, id: string, input: UpdateAlertCommand, expectedVersion?: number | null): Promise<AlertEntity> {
    return this.dataSource.transaction(async (manager) => {
      const current = await this.lockWritable(manager, principal, id);
      if (expectedVersion != null && expectedVersion !== current.version) {
        throw new AppError(
          "CONFLICT",
          `alert ${id} is at version ${current.version}, not ${expectedVersion}: someone changed it; read it again and reapply your change`,
          [{ field: "expectedVersion", message: `the alert is at version ${current.version}` }],
        );
      }
      const problems: FieldProblem[] = [];
      checkEnums(input, problems);
      const before = toDefinition(current);
      const required = <K extends "name" | "severity" | "enabled">(key: K): AlertDefinition[K] => {
        const value = input[key];
        if (value === null) problems.push({ field: key, message: "cannot be null; leave it out to keep the current value" });
        return (value ?? before[key]) as AlertDefinition[K];
      };
      const nullable = <K extends "application" | "objectType" | "eventType" | "jsonPath" | "entityPath">(key: K): string | null =>
        input[key] === undefined ? before[key] : (input[key] ?? null);
      if (input.threshold === null) problems.push({ field: "threshold", message: "cannot be null; leave it out to keep the current threshold" });
      const aggregation =
        input.aggregation === undefined ? before.aggregation : { function: input.aggregation?.function ?? "COUNT", path: input.aggregation?.path ?? null };
      if (input.aggregation?.function === "COUNT" && input.aggregation.path) {
        problems.push({ field: "aggregation.path", message: "COUNT counts events and takes no path; leave it out" });
      }
      const after: AlertDefinition = {
        scope: before.scope,
        customerId: before.customerId,
        name: required("name"),
        description: input.description === undefined ? before.description : (input.description ?? ""),
        severity: required("severity"),
        enabled: required("enabled"),
        application: nullable("application"),
        objectType: nullable("objectType"),
        eventType: nullable("eventType"),
        conditions: input.conditions === undefined ? before.conditions : (input.conditions ?? []).map(normalizeCondition),
        jsonPath: nullable("jsonPath"),
        aggregation,
        groupBy: input.groupBy === undefined ? before.groupBy : (input.groupBy ?? []),
        entityPath: nullable("entityPath"),
        window: input.window === undefined ? before.window : { type: input.window?.type ?? "ALL_TIME", seconds: input.window?.seconds ?? null },
        threshold: input.threshold ?? before.threshold,
      };
      rejectIfInvalid(problems, validateDefinition(after));
      const routing = await routingFromInput(manager, principal, current.customerId, input, current);

      const changes = { ...toColumns(after), ...routing, version: current.version + 1, updatedAt: new Date() };
      await manager.createQueryBuilder().update(AlertEntity).set(changes as never).where("id = :id", { id }).execute();
      Object.assign(current, changes);
      await recordChange(manager, current, "UPDATED", principal);
      return current;
    }).then(this.relayed);
  }

  async delete(principal: Principal, id: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const current = await this.lockWritable(manager, principal, id);
      await manager.delete(AlertEntity, { id });
      await recordChange(manager, { ...current, version: current.version + 1 }, "DELETED", principal);
    }).then(this.relayed);
  }

  /** The audit trail, newest first. A customer key sees its own alerts' changes and the global alerts'. */
  async changes(principal: Principal, alertId?: string | null, first?: number | null, after?: string | null): Promise<AlertChangeEntity[]> {
    const limit = pageSize(first);
    const beforeId = decodeCursor("change", after);
    const query = this.dataSource.getRepository(AlertChangeEntity).createQueryBuilder("c");
    if (alertId != null) {
      if (!isUuid(alertId)) return [];
      query.andWhere("c.alert_id = :alertId", { alertId });
    }
    if (!isPlatform(principal)) query.andWhere("(c.customer_id = :own OR c.customer_id IS NULL)", { own: principal.customerId });
    if (beforeId !== undefined) query.andWhere("c.id < :beforeId", { beforeId: beforeId.toString() });
    const rows = await query.orderBy("c.id", "DESC").take(limit).getMany();
    // Which platform key changed a global alert is the platform's business.
    return isPlatform(principal) ? rows : rows.map((row) => (row.customerId === null ? { ...row, keyId: null } : row));
  }

  /** The alert, locked for this transaction, if the principal may change it. */
  private async lockWritable(manager: EntityManager, principal: Principal, id: string): Promise<AlertEntity> {
    const alert = isUuid(id) ? await manager.findOne(AlertEntity, { where: { id }, lock: { mode: "pessimistic_write" } }) : null;
    if (!alert || !canSee(principal, alert.customerId)) throw notFound("alert", id);
    requireEditor(principal);
    if (alert.customerId === null && !isPlatform(principal)) throw forbidden("global alerts are managed by the platform; a customer key may only read them");
    return alert;
  }
}

/** The definition createAlert (and testAlert) would store for this input and caller; throws BAD_USER_INPUT or FORBIDDEN. */
function definitionFromInput(principal: Principal, input: CreateAlertCommand): AlertDefinition {
  const problems: FieldProblem[] = [];
  const customerId = ownerOf(principal, input.customerId, "alerts", problems);
  checkEnums(input, problems);
  if (input.aggregation?.function === "COUNT" && input.aggregation.path) {
    problems.push({ field: "aggregation.path", message: "COUNT counts events and takes no path; leave it out" });
  }
  const definition: AlertDefinition = {
    scope: customerId === null ? "GLOBAL" : "CUSTOMER",
    customerId,
    name: input.name,
    description: input.description ?? "",
    severity: input.severity ?? "MEDIUM",
    enabled: input.enabled ?? true,
    application: input.application ?? null,
    objectType: input.objectType ?? null,
    eventType: input.eventType ?? null,
    conditions: (input.conditions ?? []).map(normalizeCondition),
    jsonPath: input.jsonPath ?? null,
    aggregation: { function: input.aggregation?.function ?? "COUNT", path: input.aggregation?.path ?? null },
    groupBy: input.groupBy ?? [],
    entityPath: input.entityPath ?? null,
    window: { type: input.window?.type ?? "ALL_TIME", seconds: input.window?.seconds ?? null },
    threshold: input.threshold,
  };
  rejectIfInvalid(problems, validateDefinition(definition));
  return definition;
}

export const changeCursor = (change: AlertChangeEntity): string => encodeCursor("change", change.id);

function requireEditor(principal: Principal): void {
  if (!hasRole(principal, "EDITOR")) throw forbidden(`changing alerts needs an EDITOR or ADMIN key; this key is ${principal.role}`);
}

async function recordChange(manager: EntityManager, alert: AlertEntity, action: AlertChangeAction, principal: Principal): Promise<void> {
  // Held to commit: alert_changes ids then follow commit order, so the engine reading them in id
  // order (the control stream) never skips a change that committed late.
  await manager.query("SELECT pg_advisory_xact_lock($1)", [CONTROL_APPEND_LOCK]);
  await manager.query("SELECT pg_notify($1, '')", [CONTROLS_CHANNEL]);
  await manager.createQueryBuilder().insert().into(AlertChangeEntity).values({
    alertId: alert.id,
    customerId: alert.customerId,
    action,
    version: alert.version,
    generation: alert.replayGeneration,
    definition: action === "DELETED" ? null : definitionJson(alert),
    keyId: principal.keyId,
    at: new Date(),
  } as never).execute();
}

/** The definition as the audit trail and the control stream carry it. */
export function definitionJson(alert: AlertEntity): Record<string, unknown> {
  return {
    id: alert.id,
    version: alert.version,
    ...toDefinition(alert),
    notify: alert.notify,
    notifyOnClear: alert.notifyOnClear,
    repeatIntervalSeconds: alert.repeatIntervalSeconds,
    groupWaitSeconds: alert.groupWaitSeconds,
    backfill: alert.backfill,
    ...(alert.replayGeneration > 0 ? { replayGeneration: alert.replayGeneration, replaySince: alert.replaySince } : {}),
  };
}

type Routing = Pick<AlertEntity, "notify" | "notifyOnClear" | "repeatIntervalSeconds" | "groupWaitSeconds">;

const DEFAULT_ROUTING: Routing = { notify: [], notifyOnClear: true, repeatIntervalSeconds: null, groupWaitSeconds: 0 };
const MAX_NOTIFY_CHANNELS = 20;
const REPEAT_INTERVAL_SECONDS = { min: 60, max: 604_800 };
const MAX_GROUP_WAIT_SECONDS = 3_600;

/**
 * The alert's routing after this input (absent fields keep `current`). A channel must be one the caller
 * can see, and its customer the alert's (a global alert may notify any customer's channel: it hears of
 * that customer's crossings only); ids the alert already had stay valid.
 */
async function routingFromInput(
  manager: EntityManager,
  principal: Principal,
  alertCustomerId: string | null,
  input: { notify?: string[] | null; notifyOnClear?: boolean | null; repeatIntervalSeconds?: number | null; groupWaitSeconds?: number | null },
  current: Routing,
): Promise<Routing> {
  const problems: FieldProblem[] = [];
  const notify = input.notify === undefined ? current.notify : [...new Set(input.notify ?? [])];
  if (notify.length > MAX_NOTIFY_CHANNELS) problems.push({ field: "notify", message: `at most ${MAX_NOTIFY_CHANNELS} channels` });
  const added = notify.filter((id) => !current.notify.includes(id));
  const malformed = added.filter((id) => !isUuid(id));
  const { rows } = malformed.length === 0 && added.length > 0 && notify.length <= MAX_NOTIFY_CHANNELS
    ? { rows: (await manager.query(`SELECT id, customer_id FROM notification_channels WHERE id = ANY($1::uuid[])`, [added])) as { id: string; customer_id: string | null }[] }
    : { rows: [] };
  for (const id of added) {
    const row = rows.find((r) => r.id === id);
    const index = notify.indexOf(id);
    if (!row || !canSeeChannel(principal, row.customer_id)) {
      problems.push({ field: `notify[${index}]`, message: `no notification channel ${id}; pass ids from notificationChannels` });
    } else if (alertCustomerId !== null && row.customer_id !== null && row.customer_id !== alertCustomerId) {
      problems.push({ field: `notify[${index}]`, message: `channel ${id} belongs to another customer than the alert` });
    }
  }
  if (input.notifyOnClear === null) problems.push({ field: "notifyOnClear", message: "cannot be null; leave it out to keep the current value" });
  const repeat = input.repeatIntervalSeconds === undefined ? current.repeatIntervalSeconds : input.repeatIntervalSeconds;
  if (repeat !== null && (!Number.isInteger(repeat) || repeat < REPEAT_INTERVAL_SECONDS.min || repeat > REPEAT_INTERVAL_SECONDS.max)) {
    problems.push({ field: "repeatIntervalSeconds", message: `must be from ${REPEAT_INTERVAL_SECONDS.min} to ${REPEAT_INTERVAL_SECONDS.max} seconds, or null for never` });
  }
  const groupWait = input.groupWaitSeconds === undefined || input.groupWaitSeconds === null ? current.groupWaitSeconds : input.groupWaitSeconds;
  if (!Number.isInteger(groupWait) || groupWait < 0 || groupWait > MAX_GROUP_WAIT_SECONDS) {
    problems.push({ field: "groupWaitSeconds", message: `must be from 0 to ${MAX_GROUP_WAIT_SECONDS} seconds` });
  }
  if (problems.length > 0) throw badInput(problems);
  return { notify, notifyOnClear: input.notifyOnClear ?? current.notifyOnClear, repeatIntervalSeconds: repeat, groupWaitSeconds: groupWait };
}

/** Channels are private to their owner: a customer key sees its own customer's only, never the platform's. */
export const canSeeChannel = (principal: Principal, channelCustomerId: string | null): boolean =>
  isPlatform(principal) || channelCustomerId === principal.customerId;

function toColumns(def: AlertDefinition): Partial<AlertEntity> {
  return {
    scope: def.scope,
    customerId: def.customerId,
    name: def.name.trim(),
    description: def.description,
    severity: def.severity,
    enabled: def.enabled,
    application: def.application,
    objectType: def.objectType,
    eventType: def.eventType,
    conditions: [...def.conditions],
    jsonPath: def.jsonPath,
    aggregationFunction: def.aggregation.function,
    aggregationPath: def.aggregation.path,
    groupBy: [...def.groupBy],
    entityPath: def.entityPath,
    windowType: def.window.type,
    windowSeconds: def.window.seconds,
    thresholdOperator: def.threshold.operator,
    thresholdValue: def.threshold.value,
  };
}

/** Stored conditions always have a value key, null when the operator takes none. */
function normalizeCondition(condition: { path: string; operator: string; value?: unknown }) {
  return { path: condition.path, operator: condition.operator, value: condition.value ?? null } as AlertDefinition["conditions"][number];
}

/** GraphQL checks enums on the wire; services are called from elsewhere too, so check again. */
function checkEnums(input: UpdateAlertCommand, problems: FieldProblem[]): void {
  const check = (value: unknown, allowed: readonly string[], field: string) => {
    if (value != null && !allowed.includes(value as string)) problems.push({ field, message: `must be one of ${allowed.join(", ")}` });
  };
  check(input.severity, SEVERITIES, "severity");
  check(input.aggregation?.function, AGGREGATION_FUNCTIONS, "aggregation.function");
  check(input.window?.type, WINDOW_TYPES, "window.type");
  check(input.threshold?.operator, COMPARISON_OPERATORS, "threshold.operator");
}

function rejectIfInvalid(problems: FieldProblem[], issues: readonly DefinitionIssue[]): void {
  const all = [...problems, ...issues.filter((issue) => !problems.some((p) => p.field === issue.field))];
  if (all.length > 0) throw badInput(all);
}

