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

/**
 * Libraries that print with console (graphql-ws reports socket errors such as an oversized frame that
 * way) would put raw lines among the JSON ones: their output goes through the logger instead.
 */
export function routeConsoleToLogger(logger: Logger): void {
  const child = logger.child({ component: "console" });
  const text = (args: unknown[]) => args.map((a) => (a instanceof Error ? `${a.name}: ${a.message}` : typeof a === "string" ? a : safeJson(a))).join(" ");
  console.error = (...args: unknown[]) => child.error({ err: args.find((a) => a instanceof Error) }, text(args));
  console.warn = (...args: unknown[]) => child.warn(text(args));
  console.info = console.log = (...args: unknown[]) => child.info(text(args));
  console.debug = (...args: unknown[]) => child.debug(text(args));
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
