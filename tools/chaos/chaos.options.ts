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
  ledgerKills: number;
  projectorKills: number;
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
  ledgerKills: 6,
  projectorKills: 6,
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
} as const;
