import { startServer, StartupError } from './bootstrap.js';
import { createLogger } from './common/logger.js';
import { ConfigError, loadConfig } from './config/config.js';
import { DashboardNotBuilt } from './web/dashboard.js';

/** Past the server's own stop deadline (10 s), the process ends whatever is still running. */
const EXIT_DEADLINE_MS = 15_000;

/** `npm start` ends here. A problem a person can fix is one line on stderr and exit code 1. */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel);
  const server = await startServer(config, logger);
  logger.info(
    `Berth is listening on http://localhost:${config.port} (database: ${config.database.provider})`,
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      // A second Ctrl-C: the person does not want to wait.
      logger.warn(`${signal}: stopping at once`);
      process.exit(1);
    }
    stopping = true;
    logger.info(`${signal}: stopping`);
    // `close` ends within its own deadline; this holds even if something keeps it from returning.
    setTimeout(() => {
      logger.error(`stop: still not done after ${EXIT_DEADLINE_MS / 1000} s; exiting anyway`);
      process.exit(1);
    }, EXIT_DEADLINE_MS).unref();
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'unclean stop');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  if (
    error instanceof ConfigError ||
    error instanceof StartupError ||
    error instanceof DashboardNotBuilt
  ) {
    process.stderr.write(`berth: ${error.message}\n`);
  } else {
    process.stderr.write(
      `berth: could not start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
  }
  process.exit(1);
});
