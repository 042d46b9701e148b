import { Field, Float, ID, InputType, Int, ObjectType } from "type-graphql";
import type { ConditionOperator as ConditionOperatorValue } from "../engine/condition";
import { ConditionOperator } from "./enums";
import { DateTimeScalar, JSONScalar } from "./scalars";

@InputType({ description: "A normalized event, as published through the API or on the events topic." })
export class EventInput {
  @Field(() => ID, { nullable: true, description: "Idempotency key: an event published twice with the same id counts once. Generated when absent." })
  id?: string | null;

  @Field(() => ID)
  customerId: string;

  @Field(() => String)
  application: string;

  @Field(() => String, { nullable: true })
  objectType?: string | null;

  @Field(() => String)
  eventType: string;

  @Field(() => DateTimeScalar, { nullable: true, description: "Event time; defaults to the time of ingestion." })
  occurredAt?: Date | null;

  @Field(() => JSONScalar)
  payload: unknown;
}

@ObjectType()
export class PublishEventsPayload {
  @Field(() => Int)
  accepted: number;

  @Field(() => [ID])
  eventIds: string[];
}

@ObjectType()
export class ConditionResult {
  @Field(() => String)
  path: string;

  @Field(() => ConditionOperator)
  operator: ConditionOperatorValue;

  @Field(() => Boolean)
  matched: boolean;

  @Field(() => JSONScalar, { nullable: true, description: "The value(s) found at the path." })
  actual: unknown;
}

@ObjectType({ description: "How one sample event fares against an alert definition, without storing anything." })
export class AlertTestResult {
  @Field(() => Boolean, { description: "Selectors, conditions and jsonPath all hold." })
  matched: boolean;

  @Field(() => Boolean)
  selectorsMatched: boolean;

  @Field(() => [ConditionResult])
  conditions: ConditionResult[];

  @Field(() => JSONScalar, { nullable: true })
  jsonPathResult: unknown;

  @Field(() => String, { nullable: true })
  groupKey: string | null;

  @Field(() => String, { nullable: true })
  entity: string | null;

  @Field(() => Float, { nullable: true, description: "The value this event adds to the aggregate, where it qualifies; a sum of its values past the range of a double saturates at ±1.7976931348623157e308." })
  aggregateInput: number | null;
}
