import { AppError } from "./errors";

/**
 * Per-key token buckets: each key may spend `ratePerSecond` on average, in bursts of up to `burst`.
 * In-process, so each API server limits what it serves (a key spread over N servers gets N times as much).
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; atMs: number }>();

  constructor(
    private readonly what: string,
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Takes `cost` tokens for this key, or throws RATE_LIMITED saying when to retry. */
  take(keyId: string, cost = 1): void {
    const nowMs = this.clock();
    const bucket = this.buckets.get(keyId) ?? { tokens: this.burst, atMs: nowMs };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((nowMs - bucket.atMs) / 1000) * this.ratePerSecond);
    bucket.atMs = nowMs;
    if (cost > bucket.tokens) {
      this.buckets.set(keyId, bucket);
      const waitMs = Math.ceil(((Math.min(cost, this.burst) - bucket.tokens) / this.ratePerSecond) * 1000);
      throw new AppError(
        "RATE_LIMITED",
        `too many ${this.what} for this API key (${this.ratePerSecond}/s, bursts of ${this.burst}); retry in ${waitMs} ms`,
      );
    }
    bucket.tokens -= cost;
    this.buckets.set(keyId, bucket);
    if (this.buckets.size > 10_000) this.forgetFull(nowMs);
  }

  private forgetFull(nowMs: number): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + ((nowMs - bucket.atMs) / 1000) * this.ratePerSecond >= this.burst) this.buckets.delete(key);
    }
  }
}
