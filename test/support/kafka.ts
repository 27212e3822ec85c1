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

/** Topic names no other suite uses, so suites running side by side never read each other's messages. */
export function uniqueTopicNames(prefix: string): {
  actionExecuted: string;
  subscription: string;
  balanceAlerts: string;
} {
  const run = randomUUID().slice(0, 8);
  return {
    actionExecuted: `${prefix}-${run}.action-executed`,
    subscription: `${prefix}-${run}.subscription`,
    balanceAlerts: `${prefix}-${run}.balance-alerts`,
  };
}

/** The same names as the environment variables an app process reads (TALLY_TOPIC_*). */
export function topicEnvironment(topics: {
  actionExecuted: string;
  subscription: string;
  balanceAlerts: string;
}): Record<string, string> {
  return {
    TALLY_TOPIC_ACTION_EXECUTED: topics.actionExecuted,
    TALLY_TOPIC_SUBSCRIPTION: topics.subscription,
    TALLY_TOPIC_BALANCE_ALERTS: topics.balanceAlerts,
  };
}
