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
  /** Batch durations: upper bounds in ms and counts per bucket (a Prometheus-style histogram). */
  readonly batchDurationBucketsMs = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, Infinity] as const;
  readonly batchDurationCounts = new Array<number>(this.batchDurationBucketsMs.length).fill(0);
  batchDurationSumMs = 0;

  observeBatch(durationMs: number): void {
    this.batches++;
    this.batchDurationSumMs += durationMs;
    const bucket = this.batchDurationBucketsMs.findIndex((upper) => durationMs <= upper);
    this.batchDurationCounts[bucket]++;
  }
}
