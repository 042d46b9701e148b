import { randomUUID } from "node:crypto";
import { normalizeEvent, type EngineEvent } from "../engine/event";
import type { EventAppender } from "../log/log";
import { AppError, badInput, forbidden, type FieldProblem } from "./errors";
import { hasRole, isPlatform, type Principal } from "./principal";

export const MAX_EVENTS_PER_CALL = 1000;

export interface PublishEventCommand {
  id?: string | null;
  customerId: string;
  application: string;
  objectType?: string | null;
  eventType: string;
  occurredAt?: Date | null;
  payload: unknown;
}

/** publishEvents: validate every event, then append them durably; returns only once they are in the log. */
export class EventService {
  constructor(
    private readonly log: EventAppender,
    private readonly clock: () => number = Date.now,
  ) {}

  async publish(principal: Principal, inputs: readonly PublishEventCommand[]): Promise<{ accepted: number; eventIds: string[] }> {
    if (!hasRole(principal, "EDITOR")) throw forbidden(`publishing events needs an EDITOR or ADMIN key; this key is ${principal.role}`);
    if (inputs.length === 0) return { accepted: 0, eventIds: [] };
    if (inputs.length > MAX_EVENTS_PER_CALL) {
      throw new AppError("BAD_USER_INPUT", `events: at most ${MAX_EVENTS_PER_CALL} events per call, got ${inputs.length}; split them`, [
        { field: "events", message: `at most ${MAX_EVENTS_PER_CALL} per call` },
      ]);
    }
    if (!isPlatform(principal)) {
      const foreign = inputs.findIndex((e) => e.customerId !== principal.customerId);
      if (foreign >= 0) {
        throw forbidden(`events[${foreign}].customerId: a customer key publishes its own customer's events only; nothing was published`);
      }
    }
    const nowMs = this.clock();
    const events: EngineEvent[] = [];
    const problems: FieldProblem[] = [];
    inputs.forEach((input, i) => {
      const result = normalizeEvent(input, nowMs, randomUUID);
      if ("event" in result) events.push(result.event);
      else for (const p of result.problems) problems.push({ field: `events[${i}].${p.field}`, message: p.message });
    });
    if (problems.length > 0) throw badInput(problems.slice(0, 50));
    const { accepted } = await this.log.append(events);
    return { accepted, eventIds: events.map((e) => e.id) };
  }
}
