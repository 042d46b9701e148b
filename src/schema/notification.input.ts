import { Field, ID, InputType } from "type-graphql";
import { NotificationChannelKind } from "./enums";

@InputType()
export class CreateNotificationChannelInput {
  @Field(() => ID, { nullable: true, description: "A platform key: the customer whose channel it is (omit for a platform channel). A customer key may omit it." })
  customerId?: string | null;

  @Field(() => String)
  name: string;

  @Field(() => NotificationChannelKind)
  kind: keyof typeof NotificationChannelKind;

  @Field(() => String, { nullable: true, description: "WEBHOOK and SLACK: required. PAGERDUTY: the Events API v2 URL (default PagerDuty's US endpoint)." })
  url?: string | null;

  @Field(() => [String], { nullable: true, description: "EMAIL: 1 to 20 recipients." })
  to?: string[] | null;

  @Field(() => String, { nullable: true, description: "PAGERDUTY: the integration's routing key (never shown again)." })
  routingKey?: string | null;

  @Field(() => Boolean, { nullable: true, description: "Default true." })
  enabled?: boolean | null;
}

@InputType({ description: "Only the fields given change. enabled: true re-enables a channel the platform disabled." })
export class UpdateNotificationChannelInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  url?: string | null;

  @Field(() => [String], { nullable: true })
  to?: string[] | null;

  @Field(() => String, { nullable: true })
  routingKey?: string | null;

  @Field(() => Boolean, { nullable: true })
  enabled?: boolean | null;
}
