import type { AlertChangeRecord as AlertChangeEntity, AlertRecord as AlertEntity, ApiKeyRecord as ApiKeyEntity } from "../services/records";
import type { Alert, AlertConnection } from "../schema/alert.type";
import type { AlertChange } from "../schema/alert-change.type";
import type { ApiKey } from "../schema/api-key.type";
import { changeCursor } from "../services/alert-service";
import type { Page } from "../services/pagination";

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
