import { performance } from 'node:perf_hooks';
import {
  ContractErrorCode,
  dlqTopicOf,
  parseInboundMessage,
  ParseResult,
  TOPIC_OF_MESSAGE_TYPE,
} from '@tally/contracts';
import { EventDataRejectedError } from '@tally/event-store';
import {
  CommandOutcome,
  KeyedCommand,
  keyedCommandOf,
  LedgerErrorCode,
  WorkspaceLedger,
} from '@tally/ledger';
import { BusMessage, MessageBatch, MessageBus, OutboundMessage } from '@tally/messaging';
import { Logger } from '@tally/observability';
import { TopicNames } from '@tally/runtime';
import { LedgerMetrics } from '../ledger.metrics';
import { deadLetterOf, deadLetterSends } from './dead-letter';
import { UndecodableBatches } from './undecodable-batches';

/** Commands handed to the store in one atomic append; a Kafka batch may hold several chunks. */
const commandsPerAppendMax = 5_000;

/**
 * Turns one topic-partition batch into events: parse and validate each message (bad ones go to
 * `<topic>.dlq`), decide per workspace, append per chunk in one transaction. Resolving lets the
 * transport commit the offsets, so a crash anywhere before that redelivers the batch, and the
 * stored-id check makes the redelivery change nothing.
 */
export class LedgerBatchHandler {
  constructor(
    private readonly ledger: WorkspaceLedger,
    private readonly bus: MessageBus,
    private readonly metrics: LedgerMetrics,
    private readonly logger: Logger,
    private readonly topics: TopicNames,
    private readonly undecodable: UndecodableBatches,
  ) {}

  async handle(batch: MessageBatch): Promise<void> {
    const started = performance.now();
    const processedAt = new Date().toISOString();
    const deadLetters: OutboundMessage[] = [];
    const keyed: KeyedCommand[] = [];
    const origins: BusMessage[] = [];
    for (const message of batch.messages) {
      const parsed = this.parse(message);
      if (!parsed.ok) {
        deadLetters.push(deadLetterOf(message, parsed.code, parsed.message));
        continue;
      }
      keyed.push(keyedCommandOf(parsed.value, processedAt));
      origins.push(message);
    }
    for (let from = 0; from < keyed.length; from += commandsPerAppendMax) {
      if (batch.isStale())
        throw new Error('batch went stale (partition revoked or stopping); it will be redelivered');
      const outcomes = await this.executeIsolating(keyed.slice(from, from + commandsPerAppendMax));
      outcomes.forEach((outcome, index) => {
        const origin = origins[from + index] as BusMessage;
        if (outcome.kind === 'duplicate') this.metrics.duplicates.inc();
        if (outcome.kind === 'rejected') {
          const { command } = keyed[from + index] as KeyedCommand;
          this.logger.warn(
            { workspaceId: command.workspaceId, eventId: command.commandId, code: outcome.code },
            `refused by the domain: ${outcome.message}`,
          );
          deadLetters.push(deadLetterOf(origin, outcome.code, outcome.message));
        }
        if (outcome.kind === 'applied') this.metrics.countApplied(outcome.events);
      });
      await batch.heartbeat();
    }
    await this.publishDeadLetters(batch, deadLetters);
    this.observe(batch, started);
    await this.undecodable.handled(batch);
  }

  /**
   * Executes a chunk; when the store refuses its data (something validation let through), the
   * chunk is halved until the refused command stands alone: it alone is refused with
   * LedgerErrorCode.StoreRejected (and dead-lettered), and every other command is applied. A retry of the same
   * bytes could never succeed, so the partition would otherwise stop here for good. The halves
   * run in order, so each workspace's commands keep their order.
   */
  private async executeIsolating(chunk: KeyedCommand[]): Promise<CommandOutcome[]> {
    try {
      return await this.ledger.execute(chunk);
    } catch (error) {
      if (!(error instanceof EventDataRejectedError)) throw error;
      if (chunk.length === 1)
        return [{ kind: 'rejected', code: LedgerErrorCode.StoreRejected, message: error.message }];
      const middle = Math.ceil(chunk.length / 2);
      const first = await this.executeIsolating(chunk.slice(0, middle));
      return [...first, ...(await this.executeIsolating(chunk.slice(middle)))];
    }
  }

  private parse(message: BusMessage): ParseResult {
    if (!message.value || message.value.length === 0) {
      return {
        ok: false,
        code: ContractErrorCode.MalformedJson,
        message: 'empty message value',
        details: null,
      };
    }
    const parsed = parseInboundMessage(message.value);
    if (parsed.ok && this.topics[TOPIC_OF_MESSAGE_TYPE[parsed.value.type]] !== message.topic) {
      return {
        ok: false,
        code: ContractErrorCode.UnknownType,
        message: `${parsed.value.type} does not belong on ${message.topic}`,
        details: { belongsOn: this.topics[TOPIC_OF_MESSAGE_TYPE[parsed.value.type]] },
      };
    }
    return parsed;
  }

  /**
   * A dead letter that cannot be published (the DLQ topic refuses even a bounded letter, or is
   * gone) leaves the batch uncommitted, so it is redelivered; the partition is reported stuck
   * like one at an undecodable batch, not left to spin unseen.
   */
  private async publishDeadLetters(
    batch: MessageBatch,
    deadLetters: OutboundMessage[],
  ): Promise<void> {
    const { topic } = batch;
    for (const send of deadLetterSends(deadLetters)) {
      try {
        await this.bus.publish(dlqTopicOf(topic), send);
      } catch (error) {
        await this.undecodable.deadLetterFailed(batch, error);
        throw error;
      }
      for (const letter of send) {
        const code = letter.headers?.['x-error-code'] ?? 'UNKNOWN';
        this.metrics.deadLettered.inc({ topic, code });
        this.logger.warn(
          {
            topic,
            offset: letter.headers?.['x-original-offset'],
            workspaceId: letter.key,
            code,
            truncated: letter.headers?.['x-truncated'] === 'true',
          },
          `dead-lettered: ${letter.headers?.['x-error-message'] ?? ''}`,
        );
      }
    }
  }

  private observe(batch: MessageBatch, started: number): void {
    const seconds = (performance.now() - started) / 1_000;
    const last = batch.messages[batch.messages.length - 1];
    this.metrics.consumed.inc({ topic: batch.topic }, batch.messages.length);
    this.metrics.batchLatency.observe(seconds);
    if (last) {
      const lag = Number(BigInt(batch.highWatermark) - BigInt(last.offset) - 1n);
      this.metrics.lag.set(
        { topic: batch.topic, partition: String(batch.partition) },
        Math.max(0, lag),
      );
    }
    this.logger.debug(
      { topic: batch.topic, partition: batch.partition, messages: batch.messages.length, seconds },
      'batch applied',
    );
  }
}
