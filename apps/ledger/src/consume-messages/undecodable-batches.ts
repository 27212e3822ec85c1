import { dlqTopicOf } from '@tally/contracts';
import { StuckPartitions, UNDECODABLE_BATCH } from '@tally/ledger';
import {
  MessageBatch,
  MessageBus,
  PartitionAssignment,
  UndecodableBatch,
  UndecodableBatchDecision,
} from '@tally/messaging';
import { Logger } from '@tally/observability';
import { LedgerMetrics } from '../ledger.metrics';
import { undecodableDeadLetter } from './dead-letter';

/** The stuck row's codec column for a batch that decoded but whose dead letters were refused. */
const deadLetterNotPublished = 'n/a (dead letter refused)';

/**
 * What the ledger does when a partition reaches a record batch it cannot decode: the partition
 * waits there (every other one goes on), is reported (metric, log, and a row `/health` and
 * `ops dlq stuck` read), and moves past the batch only when an operator asks (`ops dlq skip`),
 * after its bytes went to `<topic>.dlq`. Waiting is the default because the usual fix is a
 * release that decodes it, and then nothing is lost.
 */
export class UndecodableBatches {
  /** The first offset each stuck partition of this group waits at, to notice it moving on. */
  private readonly waitingAt = new Map<
    string,
    { topic: string; partition: number; firstOffset: bigint }
  >();

  constructor(
    private readonly stuck: StuckPartitions,
    private readonly bus: MessageBus,
    private readonly metrics: LedgerMetrics,
    private readonly logger: Logger,
    private readonly groupId: string,
  ) {}

  /**
   * Picks up the partitions a previous run of the group left waiting, to delete their rows once
   * they move on. The gauge waits for this process's own first failed fetch.
   */
  async load(): Promise<void> {
    for (const row of await this.stuck.list(this.groupId)) {
      this.waitingAt.set(`${row.topic}/${row.partition}`, {
        topic: row.topic,
        partition: row.partition,
        firstOffset: BigInt(row.firstOffset),
      });
    }
  }

  /** After a rebalance: partitions now owned elsewhere are that owner's to report and clear. */
  assigned(assignments: PartitionAssignment[]): void {
    const owned = new Set(
      assignments.flatMap(({ topic, partitions }) =>
        partitions.map((partition) => `${topic}/${partition}`),
      ),
    );
    for (const [key, { topic, partition }] of this.waitingAt) {
      if (owned.has(key)) continue;
      this.waitingAt.delete(key);
      this.metrics.partitionStuck.set({ topic, partition: String(partition) }, 0);
    }
  }

  async decide(batch: UndecodableBatch): Promise<UndecodableBatchDecision> {
    const where = {
      topic: batch.topic,
      partition: batch.partition,
      offset: batch.firstOffset,
      lastOffset: batch.lastOffset,
    };
    this.markWaiting(batch.topic, batch.partition, batch.firstOffset);
    if (batch.attempts === 1) {
      this.logger.error(
        { ...where, codec: batch.codec, error: batch.error },
        'partition waits at a record batch it cannot decode; every other partition goes on (see `ops dlq stuck`)',
      );
    }
    const { skipRequested } = await this.stuck.report({
      groupId: this.groupId,
      topic: batch.topic,
      partition: batch.partition,
      firstOffset: batch.firstOffset,
      lastOffset: batch.lastOffset,
      codec: batch.codec,
      error: batch.error,
    });
    if (!skipRequested) return 'wait';
    await this.bus.publish(dlqTopicOf(batch.topic), [
      undecodableDeadLetter(batch, UNDECODABLE_BATCH),
    ]);
    this.metrics.deadLettered.inc({ topic: batch.topic, code: UNDECODABLE_BATCH });
    this.logger.warn(
      { ...where, codec: batch.codec },
      'skipped an undecodable record batch on request; its bytes are in the DLQ',
    );
    await this.movedOn(batch.topic, batch.partition);
    return 'skip';
  }

  /**
   * A batch whose dead letters the DLQ refused: it is redelivered, and until one delivery gets
   * through, its partition is reported stuck (log, gauge, the row `/health` and `ops dlq stuck`
   * read) at the batch's first offset. `ops dlq skip` does not apply: the partition moves on by
   * itself once the DLQ accepts the letters.
   */
  async deadLetterFailed(batch: MessageBatch, error: unknown): Promise<void> {
    const first = batch.messages[0];
    const last = batch.messages[batch.messages.length - 1];
    if (!first || !last) return;
    const reason = `a dead letter could not be published to ${dlqTopicOf(batch.topic)}: ${
      error instanceof Error ? error.message : String(error)
    }`;
    this.markWaiting(batch.topic, batch.partition, first.offset);
    this.logger.error(
      { topic: batch.topic, partition: batch.partition, offset: first.offset, error: reason },
      'partition waits at a batch whose dead letters the DLQ refused; it is redelivered until they are published (see `ops dlq stuck`)',
    );
    await this.stuck.report({
      groupId: this.groupId,
      topic: batch.topic,
      partition: batch.partition,
      firstOffset: first.offset,
      lastOffset: last.offset,
      codec: deadLetterNotPublished,
      error: reason,
    });
  }

  /** After a handled batch: a partition that was waiting and now got past its offset is well again. */
  async handled(batch: MessageBatch): Promise<void> {
    const waiting = this.waitingAt.get(`${batch.topic}/${batch.partition}`);
    const last = batch.messages[batch.messages.length - 1];
    if (!waiting || !last || BigInt(last.offset) < waiting.firstOffset) return;
    this.logger.info(
      { topic: batch.topic, partition: batch.partition, offset: last.offset },
      'partition moved past the batch it waited at',
    );
    await this.movedOn(batch.topic, batch.partition);
  }

  private markWaiting(topic: string, partition: number, firstOffset: string): void {
    this.waitingAt.set(`${topic}/${partition}`, {
      topic,
      partition,
      firstOffset: BigInt(firstOffset),
    });
    this.metrics.partitionStuck.set({ topic, partition: String(partition) }, 1);
  }

  private async movedOn(topic: string, partition: number): Promise<void> {
    await this.stuck.clear(this.groupId, topic, partition);
    this.waitingAt.delete(`${topic}/${partition}`);
    this.metrics.partitionStuck.set({ topic, partition: String(partition) }, 0);
  }
}
