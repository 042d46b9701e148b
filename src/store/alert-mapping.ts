import type { AlertDefinition } from "../engine/alert-definition";
import type { AlertEntity } from "./entities/alert.entity";

/** The definition an alert row stores (the columns the engine and the audit trail care about). */
export function toDefinition(alert: AlertEntity): AlertDefinition {
  return {
    scope: alert.scope,
    customerId: alert.customerId,
    name: alert.name,
    description: alert.description,
    severity: alert.severity,
    enabled: alert.enabled,
    application: alert.application,
    objectType: alert.objectType,
    eventType: alert.eventType,
    conditions: alert.conditions,
    jsonPath: alert.jsonPath,
    aggregation: { function: alert.aggregationFunction, path: alert.aggregationPath },
    groupBy: alert.groupBy,
    entityPath: alert.entityPath,
    window: { type: alert.windowType, seconds: alert.windowSeconds },
    threshold: { operator: alert.thresholdOperator, value: alert.thresholdValue },
  };
}
