import { Field, Float, ID, ObjectType, registerEnumType } from "type-graphql";
import type { Severity as SeverityValue } from "../engine/alert-definition";
import { Alert, Threshold } from "./alert.type";
import { Severity } from "./enums";
import { PageInfo } from "./page-info.type";
import { DateTimeScalar, SafeIntScalar } from "./scalars";
import { SATURATED_DESCRIPTION, TriggeredEntity } from "./status.type";

export const CrossingDirection = { RAISED: "RAISED", CLEARED: "CLEARED" } as const;
registerEnumType(CrossingDirection, {
  name: "CrossingDirection",
  valuesConfig: {
    RAISED: { description: "The aggregate now satisfies the threshold; it did not before." },
    CLEARED: { description: "The aggregate no longer satisfies the threshold." },
  },
});

@ObjectType({ description: "A threshold crossing: the moment one status of one alert went FIRING (RAISED) or back to OK (CLEARED)." })
export class ThresholdCrossing {
  @Field(() => ID, { description: "Stable and unique: the same crossing delivered twice has the same id." })
  id: string;

  @Field(() => ID)
  alertId: string;

  /** Resolved on demand, with the caller's visibility. */
  @Field(() => Alert, { nullable: true })
  alert?: Alert | null;

  @Field(() => ID)
  customerId: string;

  @Field(() => String, { nullable: true })
  groupKey: string | null;

  @Field(() => CrossingDirection)
  direction: keyof typeof CrossingDirection;

  @Field(() => Float, { description: "The aggregate in the window at the moment of the crossing; see saturated." })
  value: number;

  @Field(() => Boolean, { description: SATURATED_DESCRIPTION })
  saturated: boolean;

  @Field(() => Threshold)
  threshold: Threshold;

  @Field(() => Severity)
  severity: SeverityValue;

  @Field(() => DateTimeScalar, { nullable: true })
  windowStart: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  windowEnd: Date | null;

  @Field(() => DateTimeScalar, {
    description:
      "Event time of the event that caused the crossing; for a crossing caused by time passing, the moment it happened; for one found by a backfill or replay, the cutover time.",
  })
  occurredAt: Date;

  @Field(() => DateTimeScalar, { description: "When the engine detected it." })
  detectedAt: Date;

  @Field(() => Boolean, { description: "True when found in the history of windows already closed, while backfilling; never pushed to subscribers." })
  historical: boolean;

  @Field(() => [TriggeredEntity], { description: "The status's entities at the moment of the crossing, most recent first." })
  entities: TriggeredEntity[];

  @Field(() => String, { description: "Opaque, increasing position of this crossing among its customer's crossings; pass it as `after` to resume." })
  cursor: string;

  /** Qualifying events in the window at the crossing. */
  @Field(() => SafeIntScalar, { description: "Qualifying events in the window at the moment of the crossing." })
  count: number;
}

@ObjectType()
export class ThresholdCrossingEdge {
  @Field(() => String)
  cursor: string;

  @Field(() => ThresholdCrossing)
  node: ThresholdCrossing;
}

@ObjectType()
export class ThresholdCrossingConnection {
  @Field(() => [ThresholdCrossingEdge])
  edges: ThresholdCrossingEdge[];

  @Field(() => [ThresholdCrossing])
  nodes: ThresholdCrossing[];

  @Field(() => PageInfo)
  pageInfo: PageInfo;

  @Field(() => SafeIntScalar)
  totalCount: number;
}
