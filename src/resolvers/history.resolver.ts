import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root, Subscription, type SubscribeResolverData } from "type-graphql";
import { Alert } from "../schema/alert.type";
import { CreateAlertInput } from "../schema/alert.input";
import { AlertPreview, Backfill } from "../schema/history.type";
import { DateTimeScalar } from "../schema/scalars";
import { AppError } from "../services/errors";
import type { BackfillView, HistoryService } from "../services/history-service";
import type { RequestContext } from "./context";
import { toGraphQLError } from "./error-middleware";
import { toCrossing, toStatus } from "./mappers";

@Resolver()
export class HistoryResolver {
  constructor(private readonly history: HistoryService) {}

  @Mutation(() => Backfill, { description: "Recount the alert from the stored history (from since, or all of it), e.g. after fixing its definition." })
  async replayAlert(
    @Arg("id", () => ID) id: string,
    @Ctx() ctx: RequestContext,
    @Arg("since", () => DateTimeScalar, { nullable: true }) since?: Date | null,
  ): Promise<Backfill> {
    return this.history.replay(ctx.principal, id, since);
  }

  @Query(() => AlertPreview, {
    description:
      "Backtest: when would this definition have crossed its threshold over the stored history between since and until (default now), by the same evaluator as the live engine. Stores nothing.",
  })
  async previewAlert(
    @Arg("alert", () => CreateAlertInput) alert: CreateAlertInput,
    @Arg("since", () => DateTimeScalar) since: Date,
    @Ctx() ctx: RequestContext,
    @Arg("until", () => DateTimeScalar, { nullable: true }) until?: Date | null,
  ): Promise<AlertPreview> {
    const result = await this.history.preview(ctx.principal, alert, since, until);
    return {
      scannedEvents: result.scannedEvents,
      qualifyingEvents: result.qualifyingEvents,
      crossings: result.crossings.map(toCrossing),
      statuses: result.statuses.map(toStatus),
    };
  }

  @Subscription(() => Backfill, {
    subscribe: async ({ args, context }: SubscribeResolverData<unknown, { alertId: string }, RequestContext>) => {
      try {
        if (!context.feeds) throw new AppError("UNAVAILABLE", "this server does not serve subscriptions (ROLE=engine)");
        return await context.feeds.backfills.progress(context.principal, args.alertId);
      } catch (err) {
        throw toGraphQLError(err);
      }
    },
  })
  backfillProgress(@Root() view: BackfillView, @Arg("alertId", () => ID) _alertId: string): Backfill {
    return view;
  }
}

@Resolver(() => Alert)
export class AlertHistoryResolver {
  constructor(private readonly history: HistoryService) {}

  @FieldResolver(() => Backfill, { nullable: true, description: "The latest backfill or replay of this alert, if any." })
  backfill(@Root() alert: Alert, @Ctx() ctx: RequestContext): Promise<Backfill | null> {
    return this.history.backfill(ctx.principal, alert.id);
  }
}
