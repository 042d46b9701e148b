import { Column, Entity, PrimaryColumn } from "typeorm";
import type {
  AggregationFunction,
  AlertScope,
  ComparisonOperator,
  Condition,
  Severity,
  WindowType,
} from "../../engine/alert-definition";

@Entity({ name: "alerts" })
export class AlertEntity {
  @PrimaryColumn({ type: "uuid" })
  id: string;

  /** Creation order; the keyset of alert pages. */
  @Column({ type: "bigint", insert: false, update: false })
  seq: string;

  @Column({ type: "text" })
  scope: AlertScope;

  @Column({ name: "customer_id", type: "text", nullable: true })
  customerId: string | null;

  @Column({ type: "text" })
  name: string;

  @Column({ type: "text" })
  description: string;

  @Column({ type: "text" })
  severity: Severity;

  @Column({ type: "boolean" })
  enabled: boolean;

  @Column({ type: "text", nullable: true })
  application: string | null;

  @Column({ name: "object_type", type: "text", nullable: true })
  objectType: string | null;

  @Column({ name: "event_type", type: "text", nullable: true })
  eventType: string | null;

  @Column({ type: "jsonb" })
  conditions: Condition[];

  @Column({ name: "json_path", type: "text", nullable: true })
  jsonPath: string | null;

  @Column({ name: "aggregation_function", type: "text" })
  aggregationFunction: AggregationFunction;

  @Column({ name: "aggregation_path", type: "text", nullable: true })
  aggregationPath: string | null;

  @Column({ name: "group_by", type: "jsonb" })
  groupBy: string[];

  @Column({ name: "entity_path", type: "text", nullable: true })
  entityPath: string | null;

  @Column({ name: "window_type", type: "text" })
  windowType: WindowType;

  @Column({ name: "window_seconds", type: "integer", nullable: true })
  windowSeconds: number | null;

  @Column({ name: "threshold_operator", type: "text" })
  thresholdOperator: ComparisonOperator;

  @Column({ name: "threshold_value", type: "double precision" })
  thresholdValue: number;

  /** Whether a new alert counts the stored history (DESIGN.md "History"). */
  @Column({ type: "boolean" })
  backfill: boolean;

  @Column({ type: "integer" })
  version: number;

  /** Grows with each replayAlert (not a new version: the definition is unchanged). */
  @Column({ name: "replay_generation", type: "integer", default: 0 })
  replayGeneration: number;

  @Column({ name: "replay_since", type: "timestamptz", nullable: true })
  replaySince: Date | null;

  /** Notification channels that hear of this alert's crossings (issue 14); routing, not counting. */
  @Column({ type: "uuid", array: true, default: () => "'{}'" })
  notify: string[];

  @Column({ name: "notify_on_clear", type: "boolean", default: true })
  notifyOnClear: boolean;

  @Column({ name: "repeat_interval_seconds", type: "integer", nullable: true })
  repeatIntervalSeconds: number | null;

  @Column({ name: "group_wait_seconds", type: "integer", default: 0 })
  groupWaitSeconds: number;

  @Column({ name: "created_at", type: "timestamptz" })
  createdAt: Date;

  @Column({ name: "updated_at", type: "timestamptz" })
  updatedAt: Date;
}
