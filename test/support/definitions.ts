import type { AlertDefinition } from "../../src/engine/alert-definition";

/** A valid definition that counts every event of customer "acme"; tests override what they exercise. */
export const baseDefinition: AlertDefinition = {
  scope: "CUSTOMER",
  customerId: "acme",
  name: "n",
  description: "",
  severity: "LOW",
  enabled: true,
  application: null,
  objectType: null,
  eventType: null,
  conditions: [],
  jsonPath: null,
  aggregation: { function: "COUNT", path: null },
  groupBy: [],
  entityPath: null,
  window: { type: "ALL_TIME", seconds: null },
  threshold: { operator: "GREATER_THAN", value: 0 },
};
