import { Field, Float, ID, InputType, Int } from "type-graphql";
import type {
  AggregationFunction as AggregationFunctionValue,
  AlertScope as AlertScopeValue,
  ComparisonOperator as ComparisonOperatorValue,
  Severity as SeverityValue,
  WindowType as WindowTypeValue,
} from "../engine/alert-definition";
import type { ConditionOperator as ConditionOperatorValue } from "../engine/condition";
import { AggregationFunction, AlertScope, ComparisonOperator, ConditionOperator, Severity, WindowType } from "./enums";
import { JSONScalar } from "./scalars";

@InputType()
export class ConditionInput {
  @Field(() => String)
  path: string;

  @Field(() => ConditionOperator)
  operator: ConditionOperatorValue;

  @Field(() => JSONScalar, { nullable: true })
  value?: unknown;
}

@InputType()
export class AggregationInput {
  @Field(() => AggregationFunction)
  function: AggregationFunctionValue;

  @Field(() => String, { nullable: true })
  path?: string | null;
}

@InputType()
export class WindowInput {
  @Field(() => WindowType)
  type: WindowTypeValue;

  @Field(() => Int, { nullable: true })
  seconds?: number | null;
}

@InputType()
export class ThresholdInput {
  @Field(() => ComparisonOperator)
  operator: ComparisonOperatorValue;

  @Field(() => Float)
  value: number;
}

@InputType()
export class CreateAlertInput {
  @Field(() => ID, {
    nullable: true,
    description:
      "Required for a platform key creating a CUSTOMER alert; omitted by a platform key for a GLOBAL alert; a customer key may omit it (its own customer is used).",
  })
  customerId?: string | null;

  @Field(() => String)
  name: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => Severity, { nullable: true, description: "Default MEDIUM." })
  severity?: SeverityValue | null;

  @Field(() => Boolean, { nullable: true, description: "Default true." })
  enabled?: boolean | null;

  @Field(() => String, { nullable: true })
  application?: string | null;

  @Field(() => String, { nullable: true })
  objectType?: string | null;

  @Field(() => String, { nullable: true })
  eventType?: string | null;

  @Field(() => [ConditionInput], { nullable: true })
  conditions?: ConditionInput[] | null;

  @Field(() => String, { nullable: true })
  jsonPath?: string | null;

  @Field(() => AggregationInput, { nullable: true, description: "Default COUNT." })
  aggregation?: AggregationInput | null;

  @Field(() => [String], { nullable: true })
  groupBy?: string[] | null;

  @Field(() => String, { nullable: true })
  entityPath?: string | null;

  @Field(() => WindowInput, { nullable: true, description: "Default ALL_TIME." })
  window?: WindowInput | null;

  @Field(() => ThresholdInput)
  threshold: ThresholdInput;

  @Field(() => Boolean, { nullable: true, description: "Count the stored history into the new alert (see DESIGN: History). Default true." })
  backfill?: boolean | null;

  @Field(() => [ID], { nullable: true, description: "Notification channels that hear of this alert's crossings. Default none." })
  notify?: string[] | null;

  @Field(() => Boolean, { nullable: true, description: "Notify CLEARED crossings too, not only RAISED. Default true." })
  notifyOnClear?: boolean | null;

  @Field(() => Int, { nullable: true, description: "While a status stays FIRING, notify again every this many seconds (60 to 604800). Default never." })
  repeatIntervalSeconds?: number | null;

  @Field(() => Int, { nullable: true, description: "Crossings of this alert for one customer within this many seconds (0 to 3600) go out as one message. Default 0." })
  groupWaitSeconds?: number | null;
}

@InputType({ description: "Only the fields given change; an explicit null clears a nullable field." })
export class UpdateAlertInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => Severity, { nullable: true })
  severity?: SeverityValue | null;

  @Field(() => Boolean, { nullable: true })
  enabled?: boolean | null;

  @Field(() => String, { nullable: true })
  application?: string | null;

  @Field(() => String, { nullable: true })
  objectType?: string | null;

  @Field(() => String, { nullable: true })
  eventType?: string | null;

  @Field(() => [ConditionInput], { nullable: true })
  conditions?: ConditionInput[] | null;

  @Field(() => String, { nullable: true })
  jsonPath?: string | null;

  @Field(() => AggregationInput, { nullable: true })
  aggregation?: AggregationInput | null;

  @Field(() => [String], { nullable: true })
  groupBy?: string[] | null;

  @Field(() => String, { nullable: true })
  entityPath?: string | null;

  @Field(() => WindowInput, { nullable: true })
  window?: WindowInput | null;

  @Field(() => ThresholdInput, { nullable: true })
  threshold?: ThresholdInput | null;

  @Field(() => [ID], { nullable: true, description: "Notification channels that hear of this alert's crossings; null or [] notifies none." })
  notify?: string[] | null;

  @Field(() => Boolean, { nullable: true, description: "Notify CLEARED crossings too, not only RAISED." })
  notifyOnClear?: boolean | null;

  @Field(() => Int, { nullable: true, description: "While a status stays FIRING, notify again every this many seconds (60 to 604800). null: never." })
  repeatIntervalSeconds?: number | null;

  @Field(() => Int, { nullable: true, description: "Crossings of this alert for one customer within this many seconds (0 to 3600) go out as one message." })
  groupWaitSeconds?: number | null;
}

@InputType()
export class AlertFilter {
  @Field(() => AlertScope, { nullable: true })
  scope?: AlertScopeValue | null;

  @Field(() => ID, { nullable: true })
  customerId?: string | null;

  @Field(() => Boolean, { nullable: true })
  enabled?: boolean | null;

  @Field(() => String, { nullable: true })
  application?: string | null;

  @Field(() => Severity, { nullable: true })
  severity?: SeverityValue | null;

  @Field(() => String, { nullable: true, description: "Case-insensitive match on name or description." })
  search?: string | null;
}
