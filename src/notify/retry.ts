/** Default waits before the 2nd … 7th attempt (issue 14): 5 s, 5 min, 30 min, 2 h, 5 h, 10 h; then FAILED. */
export const DEFAULT_RETRY_SECONDS: readonly number[] = [5, 300, 1_800, 7_200, 18_000, 36_000];
/** A Retry-After beyond this is taken as this: a receiver cannot park a delivery for ever. */
const MAX_RETRY_AFTER_SECONDS = 86_400;
/** Each wait is spread by ±20%, so that receivers that failed together are not retried together. */
const JITTER = 0.2;

/**
 * When the next attempt after `attempts` failed ones should be, or null when the schedule is spent. A
 * Retry-After (seconds) that asks for longer than the schedule's wait is honoured.
 */
export function nextAttemptDelayMs(
  attempts: number,
  schedule: readonly number[],
  retryAfterSeconds: number | null,
  random: () => number = Math.random,
): number | null {
  if (attempts < 1 || attempts > schedule.length) return null;
  const base = schedule[attempts - 1] * 1000;
  const jittered = base * (1 - JITTER + 2 * JITTER * random());
  const asked = retryAfterSeconds === null ? 0 : Math.min(retryAfterSeconds, MAX_RETRY_AFTER_SECONDS) * 1000;
  return Math.round(Math.max(jittered, asked));
}

/** Retry-After as seconds from now: delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(header: string | undefined, nowMs = Date.now()): number | null {
  if (header === undefined) return null;
  const text = header.trim();
  if (/^\d{1,10}$/.test(text)) return Number(text);
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - nowMs) / 1000));
}
