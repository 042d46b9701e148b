import { Field, Float, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { PageInfo } from "./page-info.type";
import { DateTimeScalar, SafeIntScalar } from "./scalars";

export const AlertStatusState = { OK: "OK", FIRING: "FIRING" } as const;
registerEnumType(AlertStatusState, { name: "AlertStatusState" });

@ObjectType()
export class TriggeredEntity {
  @Field(() => String, { description: "The value at the alert's entityPath: a string as it is, any other JSON value JSON-encoded." })
  key: string;

  @Field(() => SafeIntScalar)
  count: number;

  @Field(() => DateTimeScalar)
  firstSeenAt: Date;

  @Field(() => DateTimeScalar)
  lastSeenAt: Date;
}

export const SATURATED_DESCRIPTION =
  "True when a SUM or AVG left the range of a double: value is then ±1.7976931348623157e308 (Number.MAX_VALUE), or 0 when parts of the window overflowed both ways, and not exact. It stays true while the window holds the values that overflowed (ALL_TIME: for good).";

@ObjectType()
export class AlertStatus {
  @Field(() => ID)
  alertId: string;

  @Field(() => ID)
  customerId: string;

  @Field(() => String, {
    nullable: true,
    description: 'JSON array of the first value at each groupBy path (null where missing), e.g. ["alice@example.com"]; null when the alert has no groupBy.',
  })
  groupKey: string | null;

  @Field(() => AlertStatusState)
  state: keyof typeof AlertStatusState;

  @Field(() => Float, { description: "The aggregate in the current window; see saturated." })
  value: number;

  @Field(() => Boolean, { description: SATURATED_DESCRIPTION })
  saturated: boolean;

  @Field(() => SafeIntScalar, { description: "Qualifying events in the current window." })
  count: number;

  @Field(() => DateTimeScalar, { nullable: true })
  windowStart: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  windowEnd: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  lastEventAt: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  lastCrossingAt: Date | null;

  /** All entities; the `entities(first)` field resolver pages them. */
  allEntities: TriggeredEntity[];
}

@ObjectType()
export class AlertStatusEdge {
  @Field(() => String)
  cursor: string;

  @Field(() => AlertStatus)
  node: AlertStatus;
}

@ObjectType()
export class AlertStatusConnection {
  @Field(() => [AlertStatusEdge])
  edges: AlertStatusEdge[];

  @Field(() => [AlertStatus])
  nodes: AlertStatus[];

  @Field(() => PageInfo)
  pageInfo: PageInfo;

  @Field(() => Int)
  totalCount: number;
}
