import { TopicNames, topicNamesFromEnvironment } from '@tally/runtime';

export const BILLING_API_CONFIG = Symbol('BILLING_API_CONFIG');
export const MESSAGE_BUS = Symbol('MESSAGE_BUS');
export const SQL_CLIENT = Symbol('SQL_CLIENT');
export const API_LOGGER = Symbol('API_LOGGER');

export interface BillingApiConfig {
  /** Pack sizes a caller may buy, in µcr. */
  packSizesMicro: readonly bigint[];
  topics: ApiTopicNames;
}

/** The topics the API publishes to (POST /v1/events); the balance alerts are the ledger's. */
export type ApiTopicNames = Pick<TopicNames, 'actionExecuted' | 'subscription'>;

/** The topics given, else those of the environment (`TALLY_TOPIC_*`), as the ledger reads them. */
export function apiTopicNamesOf(given?: ApiTopicNames, env = process.env): ApiTopicNames {
  if (given) return given;
  const { actionExecuted, subscription } = topicNamesFromEnvironment(env);
  return { actionExecuted, subscription };
}

/** Pack sizes in credits (docs/api.md); configurable through createBillingApi. */
export const PACK_SIZES_CREDITS_DEFAULT: readonly string[] = ['10', '50', '100', '500'];
/** Largest request body, in bytes: room for 1000 envelopes. */
export const BODY_SIZE_MAX_BYTES = 2 * 1024 * 1024;
/** Most envelopes in one POST /v1/events. */
export const EVENTS_PER_REQUEST_MAX = 1_000;
/** Requests per client (IP) per second before 429. */
export const RATE_LIMIT_PER_SECOND_DEFAULT = 1_000;
/** The balance stream re-reads at least this often, in case a notification was lost. */
export const STREAM_POLL_INTERVAL_MS = 5_000;
/** Keep-alive comment period of the balance stream (proxies drop idle connections). */
export const STREAM_HEARTBEAT_MS = 15_000;
/** Default and widest usage range, in days. */
export const USAGE_RANGE_DAYS_DEFAULT = 30;

/** The design brief's topic names, whatever the environment says. */
export const DEFAULT_TOPICS: ApiTopicNames = apiTopicNamesOf(undefined, {});
