import { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { Logger } from '@tally/observability';
import { undecodableBatchOf, UndecodableBatchFound } from './kafka-fetch-guard';
import {
  BusMessage,
  ConsumerOptions,
  MessageConsumer,
  UndecodableBatchDecision,
} from './message-bus.port';

const sessionTimeoutMs = 10_000;
const heartbeatIntervalMs = 1_000;
const retriesMax = 10;
// How long the broker may hold an empty fetch. Measured at 5,000 actions/s end to end: 100 ms
// gave a publish→balance p99 of 334 ms, 10 ms gave 235 ms; an idle member costs one cheap fetch
// per wait, so 20 ms is the compromise.
const fetchWaitMsMax = 20;
const fetchBytesPerPartitionMax = 8 * 1024 * 1024;
const fetchBytesMax = 64 * 1024 * 1024;
/** Each retry refetches up to fetchBytesPerPartitionMax, so not much more often than this. */
const undecodableRetryMsDefault = 10_000;

/**
 * Partitions waiting at an undecodable batch: how often each was tried, and the timers that
 * fetch it again. A partition that waits at a new offset starts counting afresh.
 */
class UndecodableWaits {
  private readonly attemptsByPartition = new Map<
    string,
    { firstOffset: string; attempts: number }
  >();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly retryMs: number) {}

  attempt(topic: string, partition: number, firstOffset: string): number {
    const key = `${topic}/${partition}`;
    const previous = this.attemptsByPartition.get(key);
    const attempts = previous?.firstOffset === firstOffset ? previous.attempts + 1 : 1;
    this.attemptsByPartition.set(key, { firstOffset, attempts });
    return attempts;
  }

  movedOn(topic: string, partition: number): void {
    this.attemptsByPartition.delete(`${topic}/${partition}`);
  }

  retryLater(resume: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      resume();
    }, this.retryMs);
    timer.unref();
    this.timers.add(timer);
  }

  clear(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

function busMessageOf(topic: string, partition: number, message: KafkaMessage): BusMessage {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key ? message.key.toString('utf8') : null,
    value: message.value,
    headers: headersToStrings(message.headers),
    timestampMs: Number(message.timestamp),
  };
}

function headersToStrings(headers: Record<string, unknown> | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined || value === null) continue;
    result[name] = Array.isArray(value) ? String(value[0]) : String(value);
  }
  return result;
}

/** Resolves and commits a partition through `lastOffset`, straight to the group. */
async function commitThrough(payload: EachBatchPayload, lastOffset: string): Promise<void> {
  const { batch } = payload;
  payload.resolveOffset(lastOffset);
  // The batch-scoped commit goes straight to the group; consumer.commitOffsets() would silently
  // skip it once stop() has begun.
  await payload.commitOffsetsIfNecessary({
    topics: [
      {
        topic: batch.topic,
        partitions: [{ partition: batch.partition, offset: (BigInt(lastOffset) + 1n).toString() }],
      },
    ],
  });
}

type UndecodableDecider = (
  payload: EachBatchPayload,
  found: UndecodableBatchFound,
) => Promise<UndecodableBatchDecision>;

/** Asks `onUndecodableBatch` what to do (without one: log once and wait). */
function undecodableDecider(
  options: ConsumerOptions,
  waits: UndecodableWaits,
  logger: Logger,
): UndecodableDecider {
  return async (payload, found) => {
    const { topic, partition } = payload.batch;
    const undecodable = {
      topic,
      partition,
      ...found,
      attempts: waits.attempt(topic, partition, found.firstOffset),
    };
    if (!options.onUndecodableBatch) {
      if (undecodable.attempts === 1)
        logger.error(
          { topic, partition, offset: found.firstOffset, codec: found.codec, error: found.error },
          'partition waits at a batch it cannot decode',
        );
      return 'wait';
    }
    try {
      return await options.onUndecodableBatch(undecodable);
    } catch (error) {
      options.onError?.(error);
      return 'wait';
    }
  };
}

// The records before an undecodable batch are handled and committed; the partition then either
// commits past the batch ('skip') or pauses and fetches it again later, while kafkajs goes on
// fetching every other partition.
function batchHandler(
  options: ConsumerOptions,
  waits: UndecodableWaits,
  decide: UndecodableDecider,
  isStopping: () => boolean,
): (payload: EachBatchPayload) => Promise<void> {
  return async (payload) => {
    const { batch } = payload;
    const stale = (): boolean => isStopping() || !payload.isRunning() || payload.isStale();
    if (batch.messages.length === 0 || stale()) return;
    const standInAt = batch.messages.findIndex(
      (message) => undecodableBatchOf(message) !== undefined,
    );
    const decodable = standInAt < 0 ? batch.messages : batch.messages.slice(0, standInAt);
    if (decodable.length > 0) {
      await options.handleBatch({
        topic: batch.topic,
        partition: batch.partition,
        messages: decodable.map((message) => busMessageOf(batch.topic, batch.partition, message)),
        highWatermark: batch.highWatermark,
        heartbeat: payload.heartbeat,
        isStale: stale,
      });
      // A batch handled to the end is committed even while stopping: its work is done. Only a
      // revoked partition skips the commit (the new owner redelivers; the store dedupes).
      if (payload.isStale()) return;
      await commitThrough(
        payload,
        standInAt < 0
          ? batch.lastOffset()
          : (decodable[decodable.length - 1] as KafkaMessage).offset,
      );
    }
    if (standInAt < 0) {
      waits.movedOn(batch.topic, batch.partition);
      return;
    }
    const found = undecodableBatchOf(
      batch.messages[standInAt] as KafkaMessage,
    ) as UndecodableBatchFound;
    const decision = await decide(payload, found);
    if (stale()) return;
    if (decision === 'skip') {
      await commitThrough(payload, found.lastOffset);
      waits.movedOn(batch.topic, batch.partition);
      return;
    }
    waits.retryLater(payload.pause());
  };
}

/** Joins the group, subscribes and starts fetching; commits are the batch handler's. */
async function runConsumer(
  consumer: Consumer,
  options: ConsumerOptions,
  eachBatch: (payload: EachBatchPayload) => Promise<void>,
): Promise<void> {
  if (options.onAssignment) {
    const onAssignment = options.onAssignment;
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      const assignment = event.payload.memberAssignment;
      onAssignment(
        Object.entries(assignment).map(([topic, partitions]) => ({ topic, partitions })),
      );
    });
  }
  consumer.on(consumer.events.CRASH, (event) => options.onError?.(event.payload.error));
  await consumer.connect();
  for (const topic of options.topics) {
    await consumer.subscribe({ topic, fromBeginning: options.fromBeginning ?? true });
  }
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: options.partitionsConcurrentlyMax ?? 1,
    eachBatch,
  });
}

/** One member of a consumer group over kafkajs `eachBatch`, committing only handled offsets. */
export function createKafkaConsumer(
  kafka: Kafka,
  options: ConsumerOptions,
  logger: Logger,
): MessageConsumer {
  let consumer: Consumer | undefined;
  let stopping = false;
  const waits = new UndecodableWaits(options.undecodableRetryMs ?? undecodableRetryMsDefault);
  const decide = undecodableDecider(options, waits, logger);
  const eachBatch = batchHandler(options, waits, decide, () => stopping);

  return {
    async start(): Promise<void> {
      consumer = kafka.consumer({
        groupId: options.groupId,
        sessionTimeout: sessionTimeoutMs,
        heartbeatInterval: heartbeatIntervalMs,
        maxWaitTimeInMs: fetchWaitMsMax,
        maxBytesPerPartition: fetchBytesPerPartitionMax,
        maxBytes: fetchBytesMax,
        allowAutoTopicCreation: false,
        retry: { retries: retriesMax },
      });
      await runConsumer(consumer, options, eachBatch);
    },
    async stop(): Promise<void> {
      stopping = true;
      waits.clear();
      if (!consumer) return;
      const current = consumer;
      consumer = undefined;
      await current.disconnect();
    },
  };
}
