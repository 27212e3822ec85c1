// Waiting on a run and watching its progress: the periods opened, the steady publishing, the
// catch-up after the faults, and the probes they read (event counts, projection checkpoints).
import { Topics } from '@tally/contracts';
import { CreditEventTypes } from '@tally/credits';
import { comparePositions, Position } from '@tally/event-store';
import { ProjectionQueries } from '@tally/projections';
import { Database } from '@tally/runtime';
import { Kafka } from 'kafkajs';
import { ChaosPublisher, consumerGroupLag } from './chaos-kafka';
import { ChaosWorkload } from './chaos-workload';
import { ChaosLimits, ChaosOptions } from './chaos.options';

const publishTickMs = 100;
const progressEveryMs = 10_000;

/** Waits until every workspace has its period opened: only then do actions have a balance. */
export async function waitForPeriods(
  database: Database,
  workspaces: number,
  log: (line: string) => void,
): Promise<void> {
  const deadline = Date.now() + ChaosLimits.periodsAppliedTimeoutMs;
  for (;;) {
    const opened = await countEvents(database, CreditEventTypes.periodOpened).catch(() => 0);
    if (opened >= workspaces) {
      log(`periods opened for ${workspaces} workspaces`);
      return;
    }
    if (Date.now() > deadline)
      throw new Error(
        `only ${opened} of ${workspaces} periods opened after ${ChaosLimits.periodsAppliedTimeoutMs} ms`,
      );
    await sleep(500);
  }
}

/** Publishes on a fixed schedule (rate × elapsed); after an outage it catches up in capped chunks. */
export async function publishSteadily(
  workload: ChaosWorkload,
  publisher: ChaosPublisher,
  options: ChaosOptions,
  database: Database,
  clock: () => number,
): Promise<void> {
  const started = clock();
  let sent = 0;
  let nextProgressMs = started + progressEveryMs;
  while (!workload.done) {
    const due = Math.floor(((clock() - started) / 1_000) * options.publishRatePerSecond) - sent;
    if (due <= 0) {
      await sleep(publishTickMs);
      continue;
    }
    const chunk = workload.take(Math.min(due, ChaosLimits.publishChunkMessagesMax));
    await publisher.publish(Topics.actionExecuted, chunk);
    sent += chunk.length;
    if (clock() >= nextProgressMs) {
      nextProgressMs += progressEveryMs;
      const debited = await countEvents(database, CreditEventTypes.debited).catch(() => NaN);
      options.log(
        `${(clock() / 1_000).toFixed(0)} s: published ${sent}/${workload.messageCount}, debits stored ${debited}`,
      );
    }
  }
}

/** Whether the reservations have caught up too (every due hold ended), with a word for the log. */
export type HoldsSettled = () => Promise<{ settled: boolean; note: string }>;

/**
 * Waits until the ledger group has no lag, the debit and reservation-end counts stop changing,
 * projections reach the head and (with reservations) every due hold has ended.
 */
export async function settle(
  kafka: Kafka,
  groupId: string,
  database: Database,
  options: ChaosOptions,
  clock: () => number,
  holdsSettled: HoldsSettled = () => Promise.resolve({ settled: true, note: '' }),
): Promise<boolean> {
  const deadline = clock() + options.settleTimeoutMs;
  let previousCount = -1;
  let stableProbes = 0;
  while (clock() < deadline) {
    await sleep(ChaosLimits.settlePollMs);
    try {
      const lag = await consumerGroupLag(kafka, groupId, [
        Topics.actionExecuted,
        Topics.subscription,
      ]);
      const count = await countEvents(database, CreditEventTypes.debited);
      const ends = await countHoldEnds(database);
      const holds = await holdsSettled();
      const projections = await projectionsAtHead(database);
      const still = count + ends === previousCount;
      stableProbes =
        lag === 0 && still && holds.settled && projections.reached ? stableProbes + 1 : 0;
      previousCount = count + ends;
      options.log(
        `settling: lag ${lag}, debits ${count}, holds ended ${ends}${holds.note}, projections ${projections.reached ? 'at head' : 'behind'} (${stableProbes}/${ChaosLimits.settleStableProbesMin})`,
      );
      if (stableProbes >= ChaosLimits.settleStableProbesMin) return true;
    } catch (error) {
      options.log(`settle probe failed (retrying): ${(error as Error).message}`);
      stableProbes = 0;
    }
  }
  return false;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** How many stored events of `eventType` there are (progress probe; the audit reads the events themselves). */
export async function countEvents(database: Database, eventType: string): Promise<number> {
  const rows = await database.sql.query<{ count: string }>(
    'SELECT count(*)::text AS count FROM event_store_events WHERE event_type = $1',
    [eventType],
  );
  return Number(rows[0]?.count ?? 0);
}

async function countHoldEnds(database: Database): Promise<number> {
  return (
    (await countEvents(database, CreditEventTypes.reservationReleased)) +
    (await countEvents(database, CreditEventTypes.reservationExpired))
  );
}

/** Stored holds whose expiresAt has passed with no release or expiry stored after them. */
export async function dueHoldsOpen(database: Database): Promise<number> {
  const rows = await database.sql.query<{ count: string }>(
    `SELECT count(*)::text AS count FROM event_store_events r
      WHERE r.event_type = 'CreditsReserved' AND (r.data->>'expiresAt')::timestamptz <= now()
        AND NOT EXISTS (
          SELECT 1 FROM event_store_events e
           WHERE e.stream_name = r.stream_name
             AND e.event_type IN ('ReservationReleased', 'ReservationExpired')
             AND e.data->>'reservationId' = r.data->>'reservationId')`,
  );
  return Number(rows[0]?.count ?? 0);
}

/** True when every projection's checkpoint has reached the store's head. */
export async function projectionsAtHead(
  database: Database,
): Promise<{ reached: boolean; head: Position; lowest: Position | null }> {
  const head = await database.store.lastCommittedPosition();
  const checkpoints = await new ProjectionQueries(database.sql).checkpoints();
  let lowest: Position | null = null;
  for (const row of checkpoints) {
    if (row.position === null) return { reached: false, head, lowest: null };
    if (lowest === null || comparePositions(row.position, lowest) < 0) lowest = row.position;
  }
  return { reached: lowest !== null && comparePositions(lowest, head) >= 0, head, lowest };
}
