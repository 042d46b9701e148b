import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from "type-graphql";
import { DeliveryState, NotificationChannelKind } from "../schema/enums";
import { CreateNotificationChannelInput, UpdateNotificationChannelInput } from "../schema/notification.input";
import {
  DeleteNotificationChannelPayload,
  Delivery,
  DeliveryConnection,
  NotificationChannel,
  NotificationChannelConnection,
  NotificationChannelPayload,
  NotificationTestResult,
} from "../schema/notification.type";
import type { NotificationService } from "../services/notification-service";
import type { RequestContext } from "./context";
import { toChannel, toChannelPayload, toDelivery, toConnection } from "./mappers";

@Resolver(() => NotificationChannel)
export class NotificationResolver {
  constructor(private readonly notifications: NotificationService) {}

  @Query(() => NotificationChannel, { nullable: true })
  async notificationChannel(@Arg("id", () => ID) id: string, @Ctx() ctx: RequestContext): Promise<NotificationChannel> {
    return toChannel(await this.notifications.get(ctx.principal, id));
  }

  @Query(() => NotificationChannelConnection, { description: "A customer key sees its own customer's channels; a platform key every channel." })
  async notificationChannels(
    @Ctx() ctx: RequestContext,
    @Arg("customerId", () => ID, { nullable: true }) customerId?: string | null,
    @Arg("kind", () => NotificationChannelKind, { nullable: true }) kind?: keyof typeof NotificationChannelKind | null,
    @Arg("first", () => Int, { nullable: true }) first?: number | null,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
  ): Promise<NotificationChannelConnection> {
    return toConnection(await this.notifications.list(ctx.principal, { customerId, kind }, first, after), toChannel);
  }

  @Mutation(() => NotificationChannelPayload, { description: "A WEBHOOK channel's signing secret is in the answer, and never again." })
  async createNotificationChannel(@Arg("input", () => CreateNotificationChannelInput) input: CreateNotificationChannelInput, @Ctx() ctx: RequestContext): Promise<NotificationChannelPayload> {
    return toChannelPayload(await this.notifications.create(ctx.principal, input));
  }

  @Mutation(() => NotificationChannel, { description: "Fails with extensions.code CONFLICT when expectedVersion is given and differs." })
  async updateNotificationChannel(
    @Arg("id", () => ID) id: string,
    @Arg("input", () => UpdateNotificationChannelInput) input: UpdateNotificationChannelInput,
    @Ctx() ctx: RequestContext,
    @Arg("expectedVersion", () => Int, { nullable: true }) expectedVersion?: number | null,
  ): Promise<NotificationChannel> {
    return toChannel(await this.notifications.update(ctx.principal, id, input, expectedVersion));
  }

  @Mutation(() => NotificationChannelPayload, {
    description: "WEBHOOK: a new signing secret (in the answer only); the previous one also signs for overlapSeconds (default 86400).",
  })
  async rotateNotificationChannelSecret(
    @Arg("id", () => ID) id: string,
    @Ctx() ctx: RequestContext,
    @Arg("overlapSeconds", () => Int, { nullable: true }) overlapSeconds?: number | null,
  ): Promise<NotificationChannelPayload> {
    return toChannelPayload(await this.notifications.rotateSecret(ctx.principal, id, overlapSeconds));
  }

  @Mutation(() => DeleteNotificationChannelPayload, { description: "Also removes it from every alert's notify list, and its delivery log." })
  async deleteNotificationChannel(@Arg("id", () => ID) id: string, @Ctx() ctx: RequestContext): Promise<DeleteNotificationChannelPayload> {
    await this.notifications.delete(ctx.principal, id);
    return { id, deleted: true };
  }

  @Mutation(() => NotificationTestResult, { description: "Sends a test message now, outside the outbox, and says how the receiver answered." })
  async testNotificationChannel(@Arg("id", () => ID) id: string, @Ctx() ctx: RequestContext): Promise<NotificationTestResult> {
    const outcome = await this.notifications.test(ctx.principal, id);
    return { ok: outcome.ok, status: outcome.status, latencyMs: outcome.latencyMs, error: outcome.error };
  }

  @Query(() => DeliveryConnection, { description: "The delivery log, newest first." })
  async deliveries(
    @Ctx() ctx: RequestContext,
    @Arg("channelId", () => ID, { nullable: true }) channelId?: string | null,
    @Arg("alertId", () => ID, { nullable: true }) alertId?: string | null,
    @Arg("state", () => DeliveryState, { nullable: true }) state?: keyof typeof DeliveryState | null,
    @Arg("first", () => Int, { nullable: true }) first?: number | null,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
  ): Promise<DeliveryConnection> {
    return toConnection(await this.notifications.deliveries(ctx.principal, { channelId, alertId, state }, first, after), toDelivery);
  }

  @Mutation(() => Delivery, { description: "Sends a delivery's message again, now, with the same message id (webhook-id)." })
  async redeliver(@Arg("deliveryId", () => ID) deliveryId: string, @Ctx() ctx: RequestContext): Promise<Delivery> {
    return toDelivery(await this.notifications.redeliver(ctx.principal, deliveryId));
  }
}
