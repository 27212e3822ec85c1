/** Everything a chaos run needs; `chaos.main.ts` fills it from flags and the environment. */
export interface ChaosOptions {
  /** Unique valid actions published (each debited exactly once if nothing is lost or doubled). */
  actions: number;
  workspaces: number;
  /** Re-publications of an already published action (same bytes, same eventId), as a share of `actions`. */
  duplicateRatio: number;
  /** Messages the ledger must dead-letter, as a share of `actions`. */
  malformedRatio: number;
  /** Workspaces opened with a tiny allocation, so their debits run into overdraft. */
  overdraftWorkspaceRatio: number;
  /** Messages published per second, steadily, across the run. */
  publishRatePerSecond: number;
  seed: number;
  /**
   * Reservations attempted over the billing API during the publishing window (holds, settles,
   * releases, expiries; see docs/chaos.md). 0 leaves the billing API out of the run.
   */
  reservations: number;
  /** Holds meant to expire during the run live this long (drawn per hold between the two). */
  shortExpiryMsMin: number;
  shortExpiryMsMax: number;
  ledgerKills: number;
  projectorKills: number;
  /** SIGKILLs of the billing API (only with reservations). */
  apiKills: number;
  brokerRestarts: number;
  backendTerminations: number;
  /** How long a killed app stays down before it is started again. */
  restartPauseMsMin: number;
  restartPauseMsMax: number;
  kafkaBrokers: string[];
  /** The broker directory that `scripts/kafka/kafka.sh restart` acts on (TALLY_KAFKA_HOME). */
  kafkaHome: string;
  /** A PostgreSQL server URL; the run creates and drops its own database there. */
  serverUrl: string;
  keepDatabase: boolean;
  /**
   * Create `credits.action-executed.v1.dlq` before the run, as an operator provisions topics. The
   * ledger does not create it and its producer may not auto-create topics (see docs/chaos.md).
   */
  createDlqTopic: boolean;
  settleTimeoutMs: number;
  log: (line: string) => void;
}

export const chaosDefaults = {
  actions: 200_000,
  workspaces: 2_000,
  duplicateRatio: 0.1,
  malformedRatio: 0.01,
  overdraftWorkspaceRatio: 0.02,
  publishRatePerSecond: 2_500,
  seed: 8,
  reservations: 4_000,
  shortExpiryMsMin: 1_000,
  shortExpiryMsMax: 8_000,
  ledgerKills: 6,
  projectorKills: 6,
  apiKills: 2,
  brokerRestarts: 1,
  backendTerminations: 1,
  restartPauseMsMin: 500,
  restartPauseMsMax: 3_000,
  keepDatabase: false,
  createDlqTopic: true,
  settleTimeoutMs: 15 * 60_000,
} as const;

/** Limits that keep every loop and wait bounded. */
export const ChaosLimits = {
  publishChunkMessagesMax: 2_000,
  publishAttemptsMax: 30,
  readPageSize: 5_000,
  settlePollMs: 2_000,
  settleStableProbesMin: 3,
  periodsAppliedTimeoutMs: 5 * 60_000,
  appStopTimeoutMs: 20_000,
  topicReadIdleMs: 5_000,
  topicReadTimeoutMs: 5 * 60_000,
  differencesShownMax: 10,
  /** Reservation flows in flight at once. */
  reservationFlowsConcurrentMax: 128,
  /** Whole-call retries of a reservation call after the client's own retries gave up. */
  reservationCallAttemptsMax: 6,
  /** How long a flow waits to see its actions drawn on the hold before releasing anyway. */
  settleWaitMsMax: 3_000,
  apiReadyTimeoutMs: 60_000,
} as const;
