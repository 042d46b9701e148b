import type { AlertChangeRecord as AlertChangeEntity, AlertRecord as AlertEntity, ApiKeyRecord as ApiKeyEntity } from "../services/records";
import type { Alert, AlertConnection } from "../schema/alert.type";
import type { AlertChange } from "../schema/alert-change.type";
import type { ApiKey } from "../schema/api-key.type";
import { changeCursor } from "../services/alert-service";
import { encodeCursor, type Page } from "../services/pagination";
import type { CrossingRecord, StatusRecord } from "../services/records";
import type { AlertStatus, AlertStatusConnection, TriggeredEntity } from "../schema/status.type";
import type { ThresholdCrossing, ThresholdCrossingConnection } from "../schema/crossing.type";
import type { ComparisonOperator, Severity } from "../schema/enums";
import type { Delivery, NotificationChannel, NotificationChannelPayload } from "../schema/notification.type";
import type { ChannelRecord, DeliveryRecord } from "../services/records";

/** Storage rows and GraphQL types stay apart (STYLE.md); these are the only places they meet. */
export function toAlert(row: AlertEntity): Alert {
  return {
    id: row.id,
    scope: row.scope,
    customerId: row.customerId,
    name: row.name,
    description: row.description,
    severity: row.severity,
    enabled: row.enabled,
    application: row.application,
    objectType: row.objectType,
    eventType: row.eventType,
    conditions: row.conditions.map((c) => ({ path: c.path, operator: c.operator, value: c.value ?? null })),
    jsonPath: row.jsonPath,
    aggregation: { function: row.aggregationFunction, path: row.aggregationPath },
    groupBy: row.groupBy,
    entityPath: row.entityPath,
    window: { type: row.windowType, seconds: row.windowSeconds },
    threshold: { operator: row.thresholdOperator, value: row.thresholdValue },
    backfillOnCreate: row.backfill,
    notify: row.notify,
    notifyOnClear: row.notifyOnClear,
    repeatIntervalSeconds: row.repeatIntervalSeconds,
    groupWaitSeconds: row.groupWaitSeconds,
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function toConnection<Row, Node>(page: Page<Row>, map: (row: Row) => Node) {
  const edges = page.items.map(({ node, cursor }) => ({ cursor, node: map(node) }));
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount: page.totalCount,
  };
}

export const toAlertConnection = (page: Page<AlertEntity>): AlertConnection => toConnection(page, toAlert);

export function toApiKey(row: ApiKeyEntity): ApiKey {
  return { id: row.id, name: row.name, customerId: row.customerId, role: row.role, createdAt: row.createdAt, revokedAt: row.revokedAt };
}

export function toAlertChange(row: AlertChangeEntity): AlertChange {
  return {
    id: row.id,
    alertId: row.alertId,
    customerId: row.customerId,
    action: row.action,
    version: row.version,
    keyId: row.keyId,
    at: row.at,
    definition: row.definition,
    cursor: changeCursor(row),
  };
}

const toEntity = (e: { key: string; count: number; firstSeenMs: number; lastSeenMs: number }): TriggeredEntity => ({
  key: e.key,
  count: e.count,
  firstSeenAt: new Date(e.firstSeenMs),
  lastSeenAt: new Date(e.lastSeenMs),
});

export function toStatus(row: StatusRecord): AlertStatus {
  return {
    alertId: row.alertId,
    customerId: row.customerId,
    groupKey: row.groupKey,
    state: row.state,
    value: row.value,
    saturated: row.saturated,
    count: row.count,
    windowStart: row.windowStart,
    windowEnd: row.windowEnd,
    lastEventAt: row.lastEventAt,
    lastCrossingAt: row.lastCrossingAt,
    allEntities: row.entities.map(toEntity),
  };
}

/** The subscription cursor: per customer, increasing (DESIGN "Delivery guarantees"). */
export const crossingCursor = (cursor: bigint): string => encodeCursor("crossing", cursor);

export function toCrossing(row: CrossingRecord): ThresholdCrossing {
  return {
    id: row.id,
    alertId: row.alertId,
    customerId: row.customerId,
    groupKey: row.groupKey,
    direction: row.direction,
    value: row.value,
    saturated: row.saturated,
    count: row.count,
    threshold: { operator: row.thresholdOperator as keyof typeof ComparisonOperator, value: row.thresholdValue },
    severity: row.severity as keyof typeof Severity,
    windowStart: row.windowStart,
    windowEnd: row.windowEnd,
    occurredAt: row.occurredAt,
    detectedAt: row.detectedAt,
    historical: row.historical,
    entities: row.entities.map(toEntity),
    cursor: crossingCursor(row.cursor),
  };
}

export const toStatusConnection = (page: Page<StatusRecord>): AlertStatusConnection => toConnection(page, toStatus);
export const toCrossingConnection = (page: Page<CrossingRecord>): ThresholdCrossingConnection => toConnection(page, toCrossing);

export function toChannel(row: ChannelRecord): NotificationChannel {
  const routingKey = row.kind === "PAGERDUTY" ? row.secret : null;
  return {
    id: row.id,
    scope: row.customerId === null ? "GLOBAL" : "CUSTOMER",
    customerId: row.customerId,
    name: row.name,
    kind: row.kind,
    enabled: row.enabled,
    disabledReason: row.disabledReason,
    failingSince: row.failingSince,
    url: row.config.url ? maskUrl(row.config.url, row.kind) : null,
    to: [...(row.config.to ?? [])],
    routingKeyHint: routingKey ? `…${routingKey.slice(-4)}` : null,
    previousSecretExpiresAt: row.previousSecretUntil && row.previousSecretUntil.getTime() > Date.now() ? row.previousSecretUntil : null,
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export const toChannelPayload = (result: { channel: ChannelRecord; secret: string | null }): NotificationChannelPayload => ({
  channel: toChannel(result.channel),
  secret: result.secret,
});

/**
 * URLs often carry credentials: a Slack webhook's path is its token, others put one in the query or the
 * user-info. Shown: scheme, host, port, and for WEBHOOK the path; the rest masked.
 */
export function maskUrl(raw: string, kind: string): string {
  const url = new URL(raw);
  const path = kind === "WEBHOOK" ? url.pathname : url.pathname.split("/").slice(0, 2).join("/") + (url.pathname.split("/").length > 2 ? "/****" : "");
  const query = [...url.searchParams.keys()].map((k) => `${encodeURIComponent(k)}=****`).join("&");
  return `${url.protocol}//${url.username ? "****@" : ""}${url.host}${path}${query ? `?${query}` : ""}`;
}

export function toDelivery(row: DeliveryRecord): Delivery {
  return {
    id: row.id,
    messageId: row.messageId,
    channelId: row.channelId,
    alertId: row.alertId,
    alertName: row.alertName,
    customerId: row.customerId,
    crossingIds: row.crossingIds,
    reason: row.reason,
    state: row.state,
    attempts: row.attempts,
    lastStatus: row.lastStatus,
    lastLatencyMs: row.lastLatencyMs,
    lastError: row.lastError,
    lastAttemptAt: row.lastAttemptAt,
    nextAttemptAt: row.state === "PENDING" ? row.nextAttemptAt : null,
    createdAt: row.createdAt,
    deliveredAt: row.deliveredAt,
  };
}
