import type { EngineEvent } from "../../src/engine/event";

/** The fields of an event as a plain object: a decoded record's event is a class with a lazy payload. */
export const plainEvent = (e: EngineEvent): EngineEvent => ({
  id: e.id,
  customerId: e.customerId,
  application: e.application,
  objectType: e.objectType,
  eventType: e.eventType,
  occurredAtMs: e.occurredAtMs,
  payload: e.payload,
});
