import type { EngineEvent } from "../engine/event";

/** A position in one partition of a log: a bigint sequence (PostgreSQL) or a Kafka offset. */
export interface PartitionPosition {
  readonly partition: number;
  /** The position of the next record to read. */
  readonly next: bigint;
}

/** One record of the events log: decoded, or the reason it could not be (it goes to the dead letters). */
export type LogEvent =
  | { readonly partition: number; readonly position: bigint; readonly event: EngineEvent }
  | { readonly partition: number; readonly position: bigint; readonly reason: string; readonly raw: Uint8Array };

export interface EventBatch {
  readonly records: readonly LogEvent[];
  /** Where to resume after this batch, per partition it touched; committed with the batch's state. */
  readonly positions: readonly PartitionPosition[];
}

export interface AppendResult {
  /** How many events were new (not seen before under the same customer and id). */
  readonly accepted: number;
}

/** Appends events durably: when append returns, they are in the log. */
export interface EventAppender {
  append(events: readonly EngineEvent[]): Promise<AppendResult>;
}

/**
 * Reads the events log from stored positions. `poll` returns at once with what is there (possibly an
 * empty batch); `waitForMore` resolves when more may have arrived or after maxWaitMs.
 */
export interface EventReader {
  /** The partitions this reader is assigned now (the embedded log: always [0]). */
  assignment(): readonly number[];
  /** Resume a partition at a stored position (after an assignment). */
  seek(partition: number, next: bigint): void;
  poll(from: ReadonlyMap<number, bigint>, maxRecords: number): Promise<EventBatch>;
  waitForMore(maxWaitMs: number): Promise<void>;
  /** Called after a batch's state is committed (Kafka: an informational offset commit). */
  committed?(positions: readonly PartitionPosition[]): void;
  close(): Promise<void>;
}

/** A notice that an alert changed: the engine loads that alert's current row (PostgreSQL is the truth). */
export interface AlertControl {
  readonly position: bigint;
  readonly alertId: string;
  readonly version: number;
}

export interface ControlReader {
  /**
   * True when positions are durable and shared by restarts (the alert_changes table): the engine then
   * stores its control position. False for a per-instance stream (Kafka): the engine loads every alert
   * at start and treats the stream as notices of what changes after.
   */
  readonly durable: boolean;
  poll(after: bigint, maxRecords: number): Promise<readonly AlertControl[]>;
  /**
   * Resolves once every control already in the stream has been read (bounded by timeoutMs). The engine
   * calls it before evaluating events, so an alert saved before events were published applies to them.
   */
  sync?(timeoutMs: number): Promise<void>;
}
