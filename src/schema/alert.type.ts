import { Field, Float, ID, Int, ObjectType } from "type-graphql";
import type {
  AggregationFunction as AggregationFunctionValue,
  AlertScope as AlertScopeValue,
  ComparisonOperator as ComparisonOperatorValue,
  Severity as SeverityValue,
  WindowType as WindowTypeValue,
} from "../engine/alert-definition";
import type { ConditionOperator as ConditionOperatorValue } from "../engine/condition";
import { AggregationFunction, AlertScope, ComparisonOperator, ConditionOperator, Severity, WindowType } from "./enums";
import { PageInfo } from "./page-info.type";
import { DateTimeScalar, JSONScalar } from "./scalars";

@ObjectType()
export class Condition {
  @Field(() => String, { description: "JSONPath into the event payload, e.g. $.user.isAdmin or $.members[*].email." })
  path: string;

  @Field(() => ConditionOperator)
  operator: ConditionOperatorValue;

  @Field(() => JSONScalar, { nullable: true, description: "The operand. Absent for IS_EMPTY, IS_NOT_EMPTY, EXISTS, NOT_EXISTS; a list for IN and NOT_IN." })
  value: unknown;
}

@ObjectType()
export class Aggregation {
  @Field(() => AggregationFunction)
  function: AggregationFunctionValue;

  @Field(() => String, { nullable: true, description: "JSONPath of the aggregated value; required for every function but COUNT." })
  path: string | null;
}

@ObjectType()
export class Window {
  @Field(() => WindowType)
  type: WindowTypeValue;

  @Field(() => Int, { nullable: true, description: "Length in seconds; required for TUMBLING and SLIDING." })
  seconds: number | null;
}

@ObjectType()
export class Threshold {
  @Field(() => ComparisonOperator)
  operator: ComparisonOperatorValue;

  @Field(() => Float)
  value: number;
}

@ObjectType({ description: "An alert definition: which events qualify, how they are aggregated, and when the aggregate crosses a threshold." })
export class Alert {
  @Field(() => ID)
  id: string;

  @Field(() => AlertScope)
  scope: AlertScopeValue;

  @Field(() => ID, { nullable: true, description: "The owning customer; null for GLOBAL alerts." })
  customerId: string | null;

  @Field(() => String)
  name: string;

  @Field(() => String)
  description: string;

  @Field(() => Severity)
  severity: SeverityValue;

  @Field(() => Boolean)
  enabled: boolean;

  @Field(() => String, { nullable: true, description: "Selectors on the event envelope; null matches any." })
  application: string | null;

  @Field(() => String, { nullable: true })
  objectType: string | null;

  @Field(() => String, { nullable: true })
  eventType: string | null;

  @Field(() => [Condition], { description: "All must hold (AND)." })
  conditions: Condition[];

  @Field(() => String, { nullable: true, description: "Optional raw JSONPath over the payload: the event qualifies when its result is non-empty." })
  jsonPath: string | null;

  @Field(() => Aggregation)
  aggregation: Aggregation;

  @Field(() => [String], { description: "JSONPaths whose values split the aggregate into separate statuses (e.g. per user)." })
  groupBy: string[];

  @Field(() => String, { nullable: true, description: "JSONPath naming the entity listed as triggering the alert (e.g. $.user.email)." })
  entityPath: string | null;

  @Field(() => Window)
  window: Window;

  @Field(() => Threshold)
  threshold: Threshold;

  @Field(() => Boolean, { description: "Whether this alert counted the stored history when it was created." })
  backfillOnCreate: boolean;

  @Field(() => [ID], { description: "Notification channels that hear of this alert's crossings." })
  notify: string[];

  @Field(() => Boolean, { description: "Whether CLEARED crossings are notified too." })
  notifyOnClear: boolean;

  @Field(() => Int, { nullable: true, description: "While a status stays FIRING, it is notified again this often; null: once." })
  repeatIntervalSeconds: number | null;

  @Field(() => Int, { description: "Crossings of the alert for one customer within this many seconds go out as one message." })
  groupWaitSeconds: number;

  @Field(() => Int, { description: "Starts at 1 and grows by one with every update." })
  version: number;

  @Field(() => DateTimeScalar)
  createdAt: Date;

  @Field(() => DateTimeScalar)
  updatedAt: Date;
}

@ObjectType()
export class AlertEdge {
  @Field(() => String)
  cursor: string;

  @Field(() => Alert)
  node: Alert;
}

@ObjectType()
export class AlertConnection {
  @Field(() => [AlertEdge])
  edges: AlertEdge[];

  @Field(() => [Alert])
  nodes: Alert[];

  @Field(() => PageInfo)
  pageInfo: PageInfo;

  @Field(() => Int)
  totalCount: number;
}

@ObjectType()
export class DeleteAlertPayload {
  @Field(() => ID)
  id: string;

  @Field(() => Boolean)
  deleted: boolean;
}
