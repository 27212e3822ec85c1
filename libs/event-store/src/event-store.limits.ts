// Every loop, batch and wait in the store has one of these limits.

/** readAll returns at most this many events when the caller names no maxCount. */
export const READ_ALL_COUNT_DEFAULT = 1000;
/** Upper bound for readAll's maxCount and a subscription's batchSizeMax (bounds memory). */
export const READ_ALL_COUNT_MAX = 10_000;
/** Events handed to a subscriber per batch when it names no batchSizeMax. */
export const SUBSCRIPTION_BATCH_SIZE_DEFAULT = 1000;
/** A live subscription re-reads at least this often, even without a notification. */
export const SUBSCRIPTION_POLL_INTERVAL_MS = 250;
/** Wait after a failed read or a throwing onEvents before the subscription retries. */
export const SUBSCRIPTION_ERROR_RETRY_DELAY_MS = 1000;
/** Most events in one append call (one SQL round trip). */
export const APPEND_EVENT_COUNT_MAX = 50_000;
/** Retries of an append that lost a race on an event id to a concurrent append. */
export const APPEND_RACE_RETRY_LIMIT = 3;
/** Most ids or stream names in one existingEventIds / streamRevisions call. */
export const LOOKUP_COUNT_MAX = 50_000;
/** Default connection pool size of the PostgreSQL store. */
export const POSTGRES_POOL_SIZE_DEFAULT = 10;
/** Channel the append function notifies and live subscriptions listen on. */
export const EVENT_STORE_NOTIFY_CHANNEL = 'tally_event_store_appended';
/** Consecutive failures of onEvents on one batch before a subscription gives up and stops. */
export const SUBSCRIPTION_HANDLER_RETRY_LIMIT = 5;
/** Most events (of any stream) in one range cut by nextRange. */
export const RANGE_EVENTS_MAX = 1_000_000;
/** Most stream prefixes in the filter of a range read (each is one condition of its SQL). */
export const RANGE_FILTER_PREFIXES_MAX = 100;
/** Most stored fields a range query adds as columns. */
export const RANGE_FIELDS_MAX = 100;
