import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { ThresholdCrossing } from "./crossing.type";
import { DateTimeScalar, SafeIntScalar } from "./scalars";
import { AlertStatus } from "./status.type";

export const BackfillState = { PENDING: "PENDING", RUNNING: "RUNNING", DONE: "DONE", FAILED: "FAILED" } as const;
registerEnumType(BackfillState, { name: "BackfillState" });

@ObjectType()
export class Backfill {
  @Field(() => ID)
  alertId: string;

  @Field(() => BackfillState)
  state: keyof typeof BackfillState;

  @Field(() => SafeIntScalar)
  processedEvents: number;

  @Field(() => SafeIntScalar, { nullable: true, description: "Known once the scan is planned." })
  totalEvents: number | null;

  @Field(() => DateTimeScalar, { nullable: true })
  startedAt: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  finishedAt: Date | null;

  @Field(() => String, { nullable: true })
  error: string | null;
}

@ObjectType()
export class AlertPreview {
  @Field(() => SafeIntScalar)
  scannedEvents: number;

  @Field(() => SafeIntScalar)
  qualifyingEvents: number;

  @Field(() => [ThresholdCrossing])
  crossings: ThresholdCrossing[];

  @Field(() => [AlertStatus], { description: "The statuses as they would stand at until." })
  statuses: AlertStatus[];
}
