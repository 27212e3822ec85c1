import { resolve } from 'node:path';
import { ConfigurationError } from './configuration-error';

/**
 * The interface an HTTP server binds when HOST is unset: the loopback one, so a fresh
 * `npm start` (with its generated secret and printed operator token) is not reachable from the
 * network. A deployment that should be reached sets HOST=0.0.0.0 (or an address) on purpose.
 */
export const HOST_DEFAULT = '127.0.0.1';

/** Configuration from the environment (the README's configuration table); every default is the embedded mode. */
export interface RuntimeConfig {
  databaseUrl: string | undefined;
  kafkaBrokers: string | undefined;
  port: number;
  /** Interface the HTTP server listens on (HOST), default 127.0.0.1. */
  host: string;
  dataDir: string;
}

export function runtimeConfigFromEnvironment(env = process.env): RuntimeConfig {
  const port = Number(env.PORT ?? '3000');
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new ConfigurationError(`PORT must be an integer between 0 and 65535, got "${env.PORT}"`);
  }
  return {
    databaseUrl: nonEmpty(env.DATABASE_URL),
    kafkaBrokers: nonEmpty(env.KAFKA_BROKERS),
    port,
    host: nonEmpty(env.HOST) ?? HOST_DEFAULT,
    dataDir: resolve(env.TALLY_DATA_DIR ?? '.tally'),
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value && value.trim().length > 0 ? value.trim() : undefined;
}
