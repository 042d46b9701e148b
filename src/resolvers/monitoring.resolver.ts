import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Int, Query, Resolver, Root, Subscription, type SubscribeResolverData } from "type-graphql";
import { Alert } from "../schema/alert.type";
import { CreateAlertInput } from "../schema/alert.input";
import { ThresholdCrossing, ThresholdCrossingConnection } from "../schema/crossing.type";
import { Severity } from "../schema/enums";
import { AlertTestResult, EventInput } from "../schema/event.type";
import { DateTimeScalar } from "../schema/scalars";
import { AlertStatus, AlertStatusConnection, AlertStatusState, TriggeredEntity } from "../schema/status.type";
import type { AlertService } from "../services/alert-service";
import { AppError } from "../services/errors";
import type { MonitoringService } from "../services/monitoring-service";
import { decodeCursor } from "../services/pagination";
import type { CrossingRecord, StatusRecord } from "../services/records";
import type { RequestContext } from "./context";
import { toAlert, toCrossing, toCrossingConnection, toStatus, toStatusConnection } from "./mappers";

@ArgsType()
class ThresholdCrossedArgs {
  @Field(() => ID, { nullable: true })
  alertId?: string | null;

  @Field(() => ID, { nullable: true })
  customerId?: string | null;

  @Field(() => Severity, { nullable: true })
  minSeverity?: keyof typeof Severity | null;

  @Field(() => String, { nullable: true })
  after?: string | null;
}

@ArgsType()
class StatusChangedArgs {
  @Field(() => ID, { nullable: true })
  alertId?: string | null;

  @Field(() => ID, { nullable: true })
  customerId?: string | null;
}

/** What a subscription's arguments look like before type-graphql hands them to the resolver. */
type SubscriptionArgs = { alertId?: string | null; customerId?: string | null; minSeverity?: keyof typeof Severity | null; after?: string | null };

function feedsOf(context: RequestContext) {
  if (!context.feeds) throw new AppError("UNAVAILABLE", "this server does not serve subscriptions (ROLE=engine)");
  return context.feeds;
}

@Resolver()
export class MonitoringResolver {
  constructor(
    private readonly monitoring: MonitoringService,
    private readonly alertService: AlertService,
  ) {}

  @Query(() => AlertStatusConnection)
  async alertStatuses(
    @Ctx() ctx: RequestContext,
    @Arg("alertId", () => ID, { nullable: true }) alertId?: string | null,
    @Arg("customerId", () => ID, { nullable: true }) customerId?: string | null,
    @Arg("state", () => AlertStatusState, { nullable: true }) state?: keyof typeof AlertStatusState | null,
    @Arg("first", () => Int, { nullable: true }) first?: number | null,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
  ): Promise<AlertStatusConnection> {
    return toStatusConnection(await this.monitoring.statuses(ctx.principal, { alertId, customerId, state }, first, after));
  }

  @Query(() => ThresholdCrossingConnection)
  async thresholdCrossings(
    @Ctx() ctx: RequestContext,
    @Arg("alertId", () => ID, { nullable: true }) alertId?: string | null,
    @Arg("customerId", () => ID, { nullable: true }) customerId?: string | null,
    @Arg("since", () => DateTimeScalar, { nullable: true }) since?: Date | null,
    @Arg("first", () => Int, { nullable: true }) first?: number | null,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
  ): Promise<ThresholdCrossingConnection> {
    return toCrossingConnection(await this.monitoring.crossings(ctx.principal, { alertId, customerId, since }, first, after));
  }

  @Query(() => AlertTestResult, { description: "Dry run: evaluate an alert definition against one sample event." })
  testAlert(
    @Arg("alert", () => CreateAlertInput) alert: CreateAlertInput,
    @Arg("event", () => EventInput) event: EventInput,
    @Ctx() ctx: RequestContext,
  ): AlertTestResult {
    return this.alertService.testEvent(ctx.principal, alert, event);
  }

  @Subscription(() => ThresholdCrossing, {
    description:
      "Live threshold crossings visible to the caller, as they are detected (historical ones are never pushed). With `after` (a crossing's cursor), first replays every matching live crossing of that customer stored after it, in order, then continues live with no gap and no repeat.",
    subscribe: ({ args, context }: SubscribeResolverData<unknown, SubscriptionArgs, RequestContext>) =>
      feedsOf(context).crossings.subscribe(context.principal, {
        alertId: args.alertId,
        customerId: args.customerId,
        minSeverity: args.minSeverity,
        after: decodeCursor("crossing", args.after),
      }),
  })
  thresholdCrossed(@Root() row: CrossingRecord, @Args(() => ThresholdCrossedArgs) _args: ThresholdCrossedArgs): ThresholdCrossing {
    return toCrossing(row);
  }

  @Subscription(() => AlertStatus, {
    description: "A status whose aggregate changed (at most about once a second per status).",
    subscribe: ({ args, context }: SubscribeResolverData<unknown, SubscriptionArgs, RequestContext>) =>
      feedsOf(context).statuses.subscribe(context.principal, args.alertId ?? null, args.customerId ?? null),
  })
  alertStatusChanged(@Root() row: StatusRecord, @Args(() => StatusChangedArgs) _args: StatusChangedArgs): AlertStatus {
    return toStatus(row);
  }
}

@Resolver(() => AlertStatus)
export class AlertStatusResolver {
  @FieldResolver(() => [TriggeredEntity], { description: "Entities (values at the alert's entityPath) that triggered it, most recent first." })
  entities(@Root() status: AlertStatus, @Arg("first", () => Int, { nullable: true }) first?: number | null): TriggeredEntity[] {
    if (first != null && (first < 0 || first > 100)) {
      throw new AppError("BAD_USER_INPUT", "first: must be from 0 to 100", [{ field: "first", message: "must be from 0 to 100" }]);
    }
    return first == null ? status.allEntities : status.allEntities.slice(0, first);
  }
}

@Resolver(() => ThresholdCrossing)
export class ThresholdCrossingResolver {
  constructor(private readonly alertService: AlertService) {}

  @FieldResolver(() => Alert, { nullable: true, description: "The alert as it is now; null once deleted." })
  async alert(@Root() crossing: ThresholdCrossing, @Ctx() ctx: RequestContext): Promise<Alert | null> {
    const alert = await this.alertService.find(ctx.principal, crossing.alertId);
    return alert ? toAlert(alert) : null;
  }
}

@Resolver(() => Alert)
export class AlertMonitoringResolver {
  constructor(private readonly monitoring: MonitoringService) {}

  @FieldResolver(() => AlertStatusConnection, { description: "Live aggregate per customer and group key." })
  async statuses(
    @Root() alert: Alert,
    @Ctx() ctx: RequestContext,
    @Arg("customerId", () => ID, { nullable: true }) customerId?: string | null,
    @Arg("state", () => AlertStatusState, { nullable: true }) state?: keyof typeof AlertStatusState | null,
    @Arg("first", () => Int, { nullable: true }) first?: number | null,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
  ): Promise<AlertStatusConnection> {
    return toStatusConnection(await this.monitoring.statuses(ctx.principal, { alertId: alert.id, customerId, state }, first, after));
  }

  @FieldResolver(() => ThresholdCrossingConnection)
  async crossings(
    @Root() alert: Alert,
    @Ctx() ctx: RequestContext,
    @Arg("customerId", () => ID, { nullable: true }) customerId?: string | null,
    @Arg("first", () => Int, { nullable: true }) first?: number | null,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
  ): Promise<ThresholdCrossingConnection> {
    return toCrossingConnection(await this.monitoring.crossings(ctx.principal, { alertId: alert.id, customerId }, first, after));
  }
}
