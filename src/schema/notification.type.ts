import { Field, ID, Int, ObjectType } from "type-graphql";
import { AlertScope, DeliveryReason, DeliveryState, NotificationChannelKind } from "./enums";
import { PageInfo } from "./page-info.type";
import { DateTimeScalar } from "./scalars";

type Kind = keyof typeof NotificationChannelKind;

@ObjectType({ description: "Where crossings are sent. Secrets are never shown after the write that made them." })
export class NotificationChannel {
  @Field(() => ID)
  id: string;

  @Field(() => AlertScope, { description: "GLOBAL: the platform's own channel; CUSTOMER: one customer's." })
  scope: "GLOBAL" | "CUSTOMER";

  @Field(() => ID, { nullable: true })
  customerId: string | null;

  @Field(() => String)
  name: string;

  @Field(() => NotificationChannelKind)
  kind: Kind;

  @Field(() => Boolean, { description: "A disabled channel is sent nothing; its pending deliveries fail." })
  enabled: boolean;

  @Field(() => String, { nullable: true, description: "Why the platform disabled it (24 h of failed deliveries), if it did." })
  disabledReason: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: "Every delivery has failed since then; null while it works." })
  failingSince: Date | null;

  @Field(() => String, { nullable: true, description: "WEBHOOK, SLACK, PAGERDUTY: the URL, with its tokens and query values masked." })
  url: string | null;

  @Field(() => [String], { description: "EMAIL: the recipients." })
  to: string[];

  @Field(() => String, { nullable: true, description: "PAGERDUTY: the routing key's last 4 characters." })
  routingKeyHint: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: "WEBHOOK: the previous signing secret also signs until then (a rotation's overlap)." })
  previousSecretExpiresAt: Date | null;

  @Field(() => Int)
  version: number;

  @Field(() => DateTimeScalar)
  createdAt: Date;

  @Field(() => DateTimeScalar)
  updatedAt: Date;
}

@ObjectType()
export class NotificationChannelEdge {
  @Field(() => String)
  cursor: string;

  @Field(() => NotificationChannel)
  node: NotificationChannel;
}

@ObjectType()
export class NotificationChannelConnection {
  @Field(() => [NotificationChannelEdge])
  edges: NotificationChannelEdge[];

  @Field(() => [NotificationChannel])
  nodes: NotificationChannel[];

  @Field(() => PageInfo)
  pageInfo: PageInfo;

  @Field(() => Int)
  totalCount: number;
}

@ObjectType()
export class NotificationChannelPayload {
  @Field(() => NotificationChannel)
  channel: NotificationChannel;

  @Field(() => String, {
    nullable: true,
    description: "WEBHOOK: the signing secret (whsec_…), shown only in the answer of the write that made it. Null otherwise.",
  })
  secret: string | null;
}

@ObjectType()
export class DeleteNotificationChannelPayload {
  @Field(() => ID)
  id: string;

  @Field(() => Boolean)
  deleted: boolean;
}

@ObjectType({ description: "How the receiver answered a test message." })
export class NotificationTestResult {
  @Field(() => Boolean)
  ok: boolean;

  @Field(() => Int, { nullable: true, description: "HTTP status, or SMTP reply code; null when no answer came." })
  status: number | null;

  @Field(() => Int)
  latencyMs: number;

  @Field(() => String, { nullable: true, description: "Why it failed, truncated." })
  error: string | null;
}

@ObjectType({ description: "One message owed to one channel, and what became of it." })
export class Delivery {
  @Field(() => ID)
  id: string;

  @Field(() => ID, { description: "The webhook-id header: the same for every attempt and for redeliveries of it." })
  messageId: string;

  @Field(() => ID)
  channelId: string;

  @Field(() => ID)
  alertId: string;

  @Field(() => String, { description: "The alert's name when the delivery was owed." })
  alertName: string;

  @Field(() => ID)
  customerId: string;

  @Field(() => [ID], { description: "The crossings the message carries, in order." })
  crossingIds: string[];

  @Field(() => DeliveryReason)
  reason: keyof typeof DeliveryReason;

  @Field(() => DeliveryState)
  state: keyof typeof DeliveryState;

  @Field(() => Int, { description: "Attempts made so far." })
  attempts: number;

  @Field(() => Int, { nullable: true, description: "The last attempt's HTTP status or SMTP reply code." })
  lastStatus: number | null;

  @Field(() => Int, { nullable: true })
  lastLatencyMs: number | null;

  @Field(() => String, { nullable: true, description: "Why the last attempt failed, truncated." })
  lastError: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  lastAttemptAt: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: "PENDING: when it is attempted next." })
  nextAttemptAt: Date | null;

  @Field(() => DateTimeScalar)
  createdAt: Date;

  @Field(() => DateTimeScalar, { nullable: true })
  deliveredAt: Date | null;
}

@ObjectType()
export class DeliveryEdge {
  @Field(() => String)
  cursor: string;

  @Field(() => Delivery)
  node: Delivery;
}

@ObjectType()
export class DeliveryConnection {
  @Field(() => [DeliveryEdge])
  edges: DeliveryEdge[];

  @Field(() => [Delivery])
  nodes: Delivery[];

  @Field(() => PageInfo)
  pageInfo: PageInfo;

  @Field(() => Int)
  totalCount: number;
}
