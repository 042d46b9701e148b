import { startApp } from "./app";
import { ConfigError, loadConfig } from "./config/config";
import { createLogger, routeConsoleToLogger } from "./logger";

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel, { role: config.role });
  routeConsoleToLogger(logger);
  const startedAt = performance.now();
  const app = await startApp(config, logger);
  logger.info({ startupMs: Math.round(performance.now() - startedAt) }, "ready");
  if (app.generatedAdminKey) {
    // Printed once, on the first start only: only its hash is stored.
    process.stdout.write(
      `\nNo ADMIN_API_KEY was set, so a platform ADMIN key was generated. It is shown only this once; keep it safe:\n\n    ${app.generatedAdminKey}\n\n` +
        `Use it as: Authorization: Bearer <key>${app.url ? `  (API: ${app.url})` : ""}\n\n`,
    );
  }

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    app.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

main().catch((err: unknown) => {
  process.stderr.write(`failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
