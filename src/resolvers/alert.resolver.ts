import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from "type-graphql";
import { Alert, AlertConnection, DeleteAlertPayload } from "../schema/alert.type";
import { AlertFilter, CreateAlertInput, UpdateAlertInput } from "../schema/alert.input";
import { AlertChange } from "../schema/alert-change.type";
import type { AlertService } from "../services/alert-service";
import type { RequestContext } from "./context";
import { toAlert, toAlertChange, toAlertConnection } from "./mappers";

@Resolver(() => Alert)
export class AlertResolver {
  constructor(private readonly alertService: AlertService) {}

  @Query(() => Alert, { nullable: true })
  async alert(@Arg("id", () => ID) id: string, @Ctx() ctx: RequestContext): Promise<Alert> {
    return toAlert(await this.alertService.get(ctx.principal, id));
  }

  @Query(() => AlertConnection)
  async alerts(
    @Ctx() ctx: RequestContext,
    @Arg("filter", () => AlertFilter, { nullable: true }) filter?: AlertFilter | null,
    @Arg("first", () => Int, { nullable: true }) first?: number | null,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
  ): Promise<AlertConnection> {
    return toAlertConnection(await this.alertService.list(ctx.principal, filter ?? {}, first, after));
  }

  @Query(() => [AlertChange], { description: "The audit trail of alert definitions, newest first." })
  async alertChanges(
    @Ctx() ctx: RequestContext,
    @Arg("alertId", () => ID, { nullable: true }) alertId?: string | null,
    @Arg("first", () => Int, { nullable: true }) first?: number | null,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
  ): Promise<AlertChange[]> {
    return (await this.alertService.changes(ctx.principal, alertId, first, after)).map(toAlertChange);
  }

  @Mutation(() => Alert)
  async createAlert(@Arg("input", () => CreateAlertInput) input: CreateAlertInput, @Ctx() ctx: RequestContext): Promise<Alert> {
    return toAlert(await this.alertService.create(ctx.principal, input));
  }

  @Mutation(() => Alert, { description: "Fails with extensions.code CONFLICT when expectedVersion is given and differs." })
  async updateAlert(
    @Arg("id", () => ID) id: string,
    @Arg("input", () => UpdateAlertInput) input: UpdateAlertInput,
    @Ctx() ctx: RequestContext,
    @Arg("expectedVersion", () => Int, { nullable: true }) expectedVersion?: number | null,
  ): Promise<Alert> {
    return toAlert(await this.alertService.update(ctx.principal, id, input, expectedVersion));
  }

  @Mutation(() => DeleteAlertPayload)
  async deleteAlert(@Arg("id", () => ID) id: string, @Ctx() ctx: RequestContext): Promise<DeleteAlertPayload> {
    await this.alertService.delete(ctx.principal, id);
    return { id, deleted: true };
  }
}
