import { randomUUID } from 'node:crypto';

/** The broker list the integration tiers run against (set by test/setup/global-setup.js). */
export function kafkaBrokers(): string[] {
  const brokers = process.env.KAFKA_BROKERS;
  if (!brokers) throw new Error('KAFKA_BROKERS is not set: run the tests through `npm test`.');
  return brokers.split(',');
}

/** A topic or group name no other test uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}
