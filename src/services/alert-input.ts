import type {
  AggregationFunction,
  ComparisonOperator,
  Condition,
  Severity,
  WindowType,
} from "../engine/alert-definition";

/** createAlert's input after GraphQL has parsed it; absent fields are undefined. */
export interface CreateAlertCommand {
  customerId?: string | null;
  name: string;
  description?: string | null;
  severity?: Severity | null;
  enabled?: boolean | null;
  application?: string | null;
  objectType?: string | null;
  eventType?: string | null;
  conditions?: Condition[] | null;
  jsonPath?: string | null;
  aggregation?: { function: AggregationFunction; path?: string | null } | null;
  groupBy?: string[] | null;
  entityPath?: string | null;
  window?: { type: WindowType; seconds?: number | null } | null;
  threshold: { operator: ComparisonOperator; value: number };
  backfill?: boolean | null;
  notify?: string[] | null;
  notifyOnClear?: boolean | null;
  repeatIntervalSeconds?: number | null;
  groupWaitSeconds?: number | null;
}

/** updateAlert's input: undefined leaves a field as it is, null clears it (or resets it to its default). */
export type UpdateAlertCommand = {
  [K in Exclude<keyof CreateAlertCommand, "customerId" | "backfill">]?: CreateAlertCommand[K] | null;
};

export interface AlertFilterCommand {
  scope?: "GLOBAL" | "CUSTOMER" | null;
  customerId?: string | null;
  enabled?: boolean | null;
  application?: string | null;
  severity?: Severity | null;
  search?: string | null;
}
