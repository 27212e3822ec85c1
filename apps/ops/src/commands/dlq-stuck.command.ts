import { dlqTopicOf } from '@tally/contracts';
import { StuckPartition, StuckPartitions } from '@tally/ledger';
import type { ExitCode, OpsContext } from '../ops-context';

function lineOf(stuck: StuckPartition): string {
  const skip = stuck.skipRequestedAt
    ? `, skip requested ${stuck.skipRequestedAt.toISOString()}`
    : '';
  return (
    `${stuck.topic} ${stuck.partition}/${stuck.firstOffset}..${stuck.lastOffset} group=${stuck.groupId} codec=${stuck.codec} ` +
    `since ${stuck.stuckSince.toISOString()}, ${stuck.attempts} attempt(s), last ${stuck.lastAttemptAt.toISOString()}${skip}: ${stuck.error}`
  );
}

/**
 * `dlq stuck`: the partitions the ledger waits on, each at a record batch it cannot decode, with
 * the batch's topic, partition and offsets and why (the rows /health reports).
 */
export async function dlqStuckCommand(context: OpsContext): Promise<ExitCode> {
  const stuck = await new StuckPartitions(context.sql).list();
  if (stuck.length === 0) {
    context.out('no partition waits at an undecodable batch');
    return 0;
  }
  for (const partition of stuck) context.out(lineOf(partition));
  context.out(
    `${stuck.length} partition(s) wait at a batch the ledger cannot decode or dead-letter (docs/ledger.md, "Undecodable batches")`,
  );
  return 0;
}

/**
 * `dlq skip <topic> <partition> <offset>`: asks the ledger to move past the undecodable batch
 * that starts at `offset`. The ledger does it at its next try of the batch: it publishes the
 * batch's bytes whole to `<topic>.dlq` (code UNDECODABLE_BATCH), then commits past it. Only the
 * batch a partition waits at can be skipped, so a typo never skips good messages.
 */
export async function dlqSkipCommand(
  context: OpsContext,
  topic: string,
  partition: string,
  offset: string,
): Promise<ExitCode> {
  if (!/^\d+$/.test(partition) || !/^\d+$/.test(offset)) {
    context.err(
      `partition and offset are whole numbers, as \`dlq stuck\` prints them (got ${partition} and ${offset})\n`,
    );
    return 2;
  }
  const matched = await new StuckPartitions(context.sql).requestSkip(
    topic,
    Number(partition),
    offset,
  );
  if (matched === 0) {
    context.out(
      `no partition waits at ${topic} ${partition}/${offset}: nothing to skip (see \`dlq stuck\`)`,
    );
    return 1;
  }
  context.out(
    `skip requested for ${topic} ${partition}/${offset} (${matched} group(s)): at its next try the ledger dead-letters the batch to ${dlqTopicOf(topic)} and moves past it`,
  );
  return 0;
}
