import { Arg, Ctx, Mutation, Resolver } from "type-graphql";
import { EventInput, PublishEventsPayload } from "../schema/event.type";
import type { EventService } from "../services/event-service";
import type { RequestContext } from "./context";

@Resolver()
export class EventResolver {
  constructor(private readonly eventService: EventService) {}

  @Mutation(() => PublishEventsPayload, {
    description: "Durably accepted when this returns. eventIds lists every event's id in input order; accepted counts those not seen before.",
  })
  async publishEvents(@Arg("events", () => [EventInput]) events: EventInput[], @Ctx() ctx: RequestContext): Promise<PublishEventsPayload> {
    return this.eventService.publish(ctx.principal, events);
  }
}
