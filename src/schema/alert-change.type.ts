import { Field, ID, Int, ObjectType } from "type-graphql";
import { AlertChangeAction } from "./enums";
import { DateTimeScalar, JSONScalar } from "./scalars";

@ObjectType({ description: "A change made to an alert definition: the control stream, readable." })
export class AlertChange {
  @Field(() => ID)
  id: string;

  @Field(() => ID)
  alertId: string;

  @Field(() => ID, { nullable: true, description: "The owning customer of the alert; null for GLOBAL alerts." })
  customerId: string | null;

  @Field(() => AlertChangeAction)
  action: keyof typeof AlertChangeAction;

  @Field(() => Int)
  version: number;

  @Field(() => ID, { nullable: true })
  keyId: string | null;

  @Field(() => DateTimeScalar)
  at: Date;

  @Field(() => JSONScalar, { nullable: true, description: "The definition after the change (null after a delete)." })
  definition: unknown;

  @Field(() => String, { description: "Pass as `after` to read older changes." })
  cursor: string;
}
