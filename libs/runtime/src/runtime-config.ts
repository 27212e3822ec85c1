import { resolve } from 'node:path';

/** Configuration from the environment (design brief §5); every default is the embedded mode. */
export interface RuntimeConfig {
  databaseUrl: string | undefined;
  kafkaBrokers: string | undefined;
  port: number;
  dataDir: string;
}

export function runtimeConfigFromEnvironment(env = process.env): RuntimeConfig {
  const port = Number(env.PORT ?? '3000');
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`PORT must be an integer between 0 and 65535, got "${env.PORT}"`);
  }
  return {
    databaseUrl: nonEmpty(env.DATABASE_URL),
    kafkaBrokers: nonEmpty(env.KAFKA_BROKERS),
    port,
    dataDir: resolve(env.TALLY_DATA_DIR ?? '.tally'),
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value && value.trim().length > 0 ? value.trim() : undefined;
}
