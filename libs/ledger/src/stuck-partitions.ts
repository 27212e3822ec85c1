import { SqlClient } from '@tally/event-store';
import { ledgerMigrated } from './ledger.migrations';

/** The DLQ code of a record batch the ledger could not decode, dead-lettered whole on request. */
export const UNDECODABLE_BATCH = 'UNDECODABLE_BATCH';

/** A partition the ledger's consumer group waits on, at a record batch it cannot decode. */
export interface StuckPartition {
  groupId: string;
  topic: string;
  partition: number;
  /** The batch's offsets: the partition waits at `firstOffset`. */
  firstOffset: string;
  lastOffset: string;
  codec: string;
  error: string;
  /** Fetches of this batch that failed, across every ledger instance of the group. */
  attempts: number;
  stuckSince: Date;
  lastAttemptAt: Date;
  /** Set by `ops dlq skip`: the ledger dead-letters the batch and moves past it at its next try. */
  skipRequestedAt: Date | null;
}

/** What a ledger reports of a batch it cannot decode; the table keeps the rest. */
export type StuckBatchReport = Pick<
  StuckPartition,
  'groupId' | 'topic' | 'partition' | 'firstOffset' | 'lastOffset' | 'codec' | 'error'
>;

interface StuckRow {
  group_id: string;
  topic: string;
  partition: number;
  first_offset: string;
  last_offset: string;
  codec: string;
  error: string;
  attempts: number;
  stuck_since: Date;
  last_attempt_at: Date;
  skip_requested_at: Date | null;
}

/** Listing more would make /health slow to read; the count says how many there are. */
export const STUCK_LISTED_MAX = 100;

function stuckPartitionOf(row: StuckRow): StuckPartition {
  return {
    groupId: row.group_id,
    topic: row.topic,
    partition: row.partition,
    firstOffset: String(row.first_offset),
    lastOffset: String(row.last_offset),
    codec: row.codec,
    error: row.error,
    attempts: row.attempts,
    stuckSince: new Date(row.stuck_since),
    lastAttemptAt: new Date(row.last_attempt_at),
    skipRequestedAt: row.skip_requested_at === null ? null : new Date(row.skip_requested_at),
  };
}

/**
 * The partitions the ledger waits on (table `tally_ledger_stuck_partitions`, one row per group
 * and partition). The ledger writes a row at each failed fetch and deletes
 * it once the partition moved past the batch; `/health` and `ops dlq stuck` read it.
 */
export class StuckPartitions {
  constructor(private readonly sql: SqlClient) {}

  /** Records a failed fetch; says whether an operator asked to skip this very batch. */
  async report(report: StuckBatchReport): Promise<{ skipRequested: boolean }> {
    await ledgerMigrated(this.sql); // the table is the ledger's (migration 5)
    // A different first offset is a new batch: the clock, the count and any skip request restart.
    const rows = await this.sql.query<{ skip_requested: boolean }>(
      `insert into tally_ledger_stuck_partitions as stuck
         (group_id, topic, partition, first_offset, last_offset, codec, error, attempts, stuck_since, last_attempt_at)
       values ($1, $2, $3, $4::bigint, $5::bigint, $6, $7, 1, now(), now())
       on conflict (group_id, topic, partition) do update set
         attempts = case when stuck.first_offset = excluded.first_offset then stuck.attempts + 1 else 1 end,
         stuck_since = case when stuck.first_offset = excluded.first_offset then stuck.stuck_since else now() end,
         skip_requested_at = case when stuck.first_offset = excluded.first_offset then stuck.skip_requested_at end,
         first_offset = excluded.first_offset, last_offset = excluded.last_offset,
         codec = excluded.codec, error = excluded.error, last_attempt_at = now()
       returning skip_requested_at is not null as skip_requested`,
      [
        report.groupId,
        report.topic,
        report.partition,
        report.firstOffset,
        report.lastOffset,
        report.codec,
        report.error.slice(0, 1_000),
      ],
    );
    return { skipRequested: rows[0]?.skip_requested === true };
  }

  /** The partition moved past its batch (decoded after all, or skipped). */
  async clear(groupId: string, topic: string, partition: number): Promise<void> {
    await ledgerMigrated(this.sql); // the table is the ledger's (migration 5)
    await this.sql.query(
      'delete from tally_ledger_stuck_partitions where group_id = $1 and topic = $2 and partition = $3',
      [groupId, topic, partition],
    );
  }

  /** Longest stuck first, at most {@link STUCK_LISTED_MAX}; one group's or every group's. */
  async list(groupId?: string): Promise<StuckPartition[]> {
    await ledgerMigrated(this.sql); // the table is the ledger's (migration 5)
    const rows = await this.sql.query<StuckRow>(
      `select group_id, topic, partition, first_offset::text as first_offset, last_offset::text as last_offset,
              codec, error, attempts, stuck_since, last_attempt_at, skip_requested_at
         from tally_ledger_stuck_partitions where $1::text is null or group_id = $1
        order by stuck_since, topic, partition limit ${STUCK_LISTED_MAX}`,
      [groupId ?? null],
    );
    return rows.map(stuckPartitionOf);
  }

  /** Asks every group stuck at exactly this batch to skip it; returns how many rows matched. */
  async requestSkip(topic: string, partition: number, firstOffset: string): Promise<number> {
    await ledgerMigrated(this.sql); // the table is the ledger's (migration 5)
    const rows = await this.sql.query<{ group_id: string }>(
      `update tally_ledger_stuck_partitions set skip_requested_at = now()
        where topic = $1 and partition = $2 and first_offset = $3::bigint returning group_id`,
      [topic, partition, firstOffset],
    );
    return rows.length;
  }
}

/**
 * For `/health`: the partitions any ledger group waits on, longest first. One small statement;
 * the first call of a process also applies the ledger's migrations if the ledger has not yet.
 */
export function readStuckPartitions(sql: SqlClient): Promise<StuckPartition[]> {
  return new StuckPartitions(sql).list();
}
