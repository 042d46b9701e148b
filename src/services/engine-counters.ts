/** The engine's counters, kept in one place for the metrics endpoint. Monotonic, never reset. */
export class EngineCounters {
  eventsIn = 0;
  eventsEvaluated = 0;
  eventsQualified = 0;
  crossingsRaised = 0;
  crossingsCleared = 0;
  deadLetters = 0;
  lateEvents = 0;
  batches = 0;
  /** Told each committed batch's duration (the metrics endpoint's histogram). */
  private readonly batchObservers: ((durationMs: number) => void)[] = [];

  onBatch(observer: (durationMs: number) => void): void {
    this.batchObservers.push(observer);
  }

  observeBatch(durationMs: number): void {
    this.batches++;
    for (const observer of this.batchObservers) observer(durationMs);
  }
}
