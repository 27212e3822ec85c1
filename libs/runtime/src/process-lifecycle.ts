import { Logger } from '@tally/observability';
import { ConfigurationError } from './configuration-error';

/**
 * Runs the `stops` in order on the first SIGTERM or SIGINT, then exits 0 (1 if a stop threw).
 * Every app's main ends with this, so shutdown reads the same everywhere.
 */
export function stopOnSignals(
  logger: Logger,
  message: string,
  stops: (() => Promise<unknown> | unknown)[],
): void {
  const shutdown = async (signal: string): Promise<void> => {
    logger.info({ signal }, message);
    let exitCode = 0;
    for (const stop of stops) {
      try {
        await stop();
      } catch (error) {
        exitCode = 1;
        logger.error({ error: (error as Error).message }, 'a component failed to stop cleanly');
      }
    }
    process.exit(exitCode);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

/** The `main().catch(…)` of every app: a start-up failure prints and exits 1. */
export function exitOnStartFailure(start: Promise<void>): void {
  start.catch((error: unknown) => {
    console.error(startFailureMessage(error));
    process.exit(1);
  });
}

/** What a failed start prints: one line for a bad setting, the whole error for anything else. */
export function startFailureMessage(error: unknown): unknown {
  return error instanceof ConfigurationError ? `cannot start: ${error.message}` : error;
}
