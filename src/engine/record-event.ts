import type { EngineEvent } from "./event";

/**
 * An event decoded from a record by the scan: the envelope as strings, the payload parsed from the
 * record's bytes when first read (most events route to no alert and never are).
 */
export class RecordEvent implements EngineEvent {
  private parsed: Record<string, unknown> | undefined;
  /** The members of one alert's payloadKeys, parsed alone (payloadFor). */
  private partial: Record<string, unknown> | undefined;
  private partialKeys: readonly string[] | undefined;

  constructor(
    readonly id: string,
    readonly customerId: string,
    readonly application: string,
    readonly objectType: string | null,
    readonly eventType: string,
    readonly occurredAtMs: number,
    private readonly bytes: Buffer,
    private readonly payloadStart: number,
    private readonly payloadEnd: number,
    /** ScannedRecord.members: where each member of the payload is. */
    private readonly members: readonly number[] | null,
  ) {}

  get payload(): Record<string, unknown> {
    // The scan proved the span a JSON object within the limits: this parse cannot throw.
    return (this.parsed ??= JSON.parse(this.payloadJson()) as Record<string, unknown>);
  }

  payloadJson(): string {
    return this.bytes.toString("utf8", this.payloadStart, this.payloadEnd);
  }

  payloadFor(keys: readonly string[] | null): Record<string, unknown> {
    if (this.parsed !== undefined || keys === null || this.members === null) return this.payload;
    if (this.partialKeys === keys) return this.partial as Record<string, unknown>;
    // another alert with other keys: the whole payload serves every alert from here on
    if (this.partialKeys !== undefined) return this.payload;
    const names = encodedKeys(keys);
    if (names === null) return this.payload;
    const members = this.members;
    const partial: Record<string, unknown> = {};
    for (let k = 0; k < keys.length; k++) {
      // the last of duplicate members, as JSON.parse keeps it
      for (let m = members.length - 4; m >= 0; m -= 4) {
        if (!sameBytes(this.bytes, members[m], members[m + 1], names[k])) continue;
        partial[keys[k]] = JSON.parse(this.bytes.toString("utf8", members[m + 2], members[m + 3]));
        break;
      }
    }
    this.partialKeys = keys;
    return (this.partial = partial);
  }
}

function sameBytes(bytes: Buffer, start: number, end: number, name: Uint8Array): boolean {
  if (end - start !== name.length) return false;
  for (let k = 0; k < name.length; k++) if (bytes[start + k] !== name[k]) return false;
  return true;
}

const encodings = new WeakMap<readonly string[], Uint8Array[] | null>();
/** The names' UTF-8 bytes; null when one is __proto__, which only JSON.parse makes an own member. */
function encodedKeys(keys: readonly string[]): Uint8Array[] | null {
  let encoded = encodings.get(keys);
  if (encoded === undefined) {
    encoded = keys.includes("__proto__") ? null : keys.map((key) => Buffer.from(key, "utf8"));
    encodings.set(keys, encoded);
  }
  return encoded;
}

/**
 * The payload for the one alert an event routes to, which reads only the top-level members `keys`
 * (CompiledAlert.payloadKeys): for a scanned record, those members parsed alone; else, and for an
 * event that several alerts read (pass null: one parse of the whole payload is cheaper then), the
 * whole payload.
 */
export function payloadFor(event: EngineEvent, keys: readonly string[] | null): Record<string, unknown> {
  return event instanceof RecordEvent ? event.payloadFor(keys) : event.payload;
}

/**
 * The payload as JSON text, for the archive: the record's own bytes when the event was decoded from a
 * record by the scan (no re-encoding), else JSON.stringify of the payload.
 */
export function eventPayloadJson(event: EngineEvent): string {
  return event instanceof RecordEvent ? event.payloadJson() : JSON.stringify(event.payload);
}
