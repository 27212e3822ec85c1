import { Topics } from '@tally/contracts';

/** The Kafka topics one deployment uses; the design brief's names are the defaults. */
export interface TopicNames {
  actionExecuted: string;
  subscription: string;
  balanceAlerts: string;
}

/** `TALLY_TOPIC_ACTION_EXECUTED`, `TALLY_TOPIC_SUBSCRIPTION`, `TALLY_TOPIC_BALANCE_ALERTS` override. */
export function topicNamesFromEnvironment(env = process.env): TopicNames {
  return {
    actionExecuted: env.TALLY_TOPIC_ACTION_EXECUTED || Topics.actionExecuted,
    subscription: env.TALLY_TOPIC_SUBSCRIPTION || Topics.subscription,
    balanceAlerts: env.TALLY_TOPIC_BALANCE_ALERTS || Topics.balanceAlerts,
  };
}
