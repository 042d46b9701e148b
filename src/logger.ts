import pino, { type Logger } from "pino";

export type { Logger };

/** Structured JSON logs on stdout; secrets never reach them (see redact). */
export function createLogger(level: string, base: Record<string, unknown> = {}): Logger {
  return pino({
    level,
    base: { service: "alerts", ...base },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ["req.headers.authorization", "authorization", "secret", "*.secret", "password"], censor: "[redacted]" },
  });
}
