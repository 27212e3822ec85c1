/** A message to publish. `key` decides the partition (Tally keys everything by workspaceId). */
export interface OutboundMessage {
  key: string;
  value: string | Buffer;
  headers?: Record<string, string>;
}

/** A message as consumed, with where it came from (needed for DLQ headers and commits). */
export interface BusMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  timestampMs: number;
}

/** Messages of one topic-partition, in offset order. */
export interface MessageBatch {
  topic: string;
  partition: number;
  messages: BusMessage[];
  /** The partition's end offset when fetched: `highWatermark - lastOffset - 1` is the lag. */
  highWatermark: string;
  /** Keeps the group membership alive during long work; call it between chunks. */
  heartbeat(): Promise<void>;
  /** True once the consumer is stopping or the partition was revoked: stop work, commit nothing. */
  isStale(): boolean;
}

/** A topic-partition set this consumer owns after a rebalance. */
export interface PartitionAssignment {
  topic: string;
  partitions: number[];
}

/**
 * A record batch the consumer cannot decode: a codec it does not know, or corrupt bytes. Its
 * partition waits at it; every other partition and topic goes on.
 */
export interface UndecodableBatch {
  topic: string;
  partition: number;
  /** The offsets the batch spans: the partition waits at `firstOffset`. */
  firstOffset: string;
  lastOffset: string;
  /** The codec the batch names: none, gzip, snappy, lz4, zstd, or unknown(<id>). */
  codec: string;
  error: string;
  /** The batch as the broker sent it (Kafka's v2 record-batch format), for a dead letter. */
  bytes: Buffer;
  /** How many times in a row this consumer fetched it and failed (1 the first time). */
  attempts: number;
}

/** What to do with an undecodable batch: keep waiting at it, or commit past it. */
export type UndecodableBatchDecision = 'wait' | 'skip';

export interface ConsumerOptions {
  groupId: string;
  topics: string[];
  /** Resolving commits the batch's offsets; throwing leaves them uncommitted for redelivery. */
  handleBatch(batch: MessageBatch): Promise<void>;
  onAssignment?(assignments: PartitionAssignment[]): void;
  /** Called when a batch failed and will be redelivered (the bus retries it). */
  onError?(error: unknown): void;
  fromBeginning?: boolean;
  /** How many partitions' batches one member handles at once (each partition stays in order). */
  partitionsConcurrentlyMax?: number;
  /**
   * How many members of the group this process runs (default 1). kafkajs fetches again only
   * after every batch of the last fetch was handled; with several members, one fetches while
   * another handles, so the broker and the handler's database work overlap.
   */
  groupMembersMax?: number;
  /**
   * Called when a partition reaches a batch it cannot decode, and again at each retry (every
   * `undecodableRetryMs`) while it waits there. Resolve 'skip' to commit past the batch (keep
   * its bytes first: they are not delivered otherwise) or 'wait'. Without it, the partition
   * waits; a callback that throws counts as 'wait'.
   */
  onUndecodableBatch?(batch: UndecodableBatch): Promise<UndecodableBatchDecision>;
  /** How long a partition waits at an undecodable batch before fetching it again (default 10 s). */
  undecodableRetryMs?: number;
}

export interface MessageConsumer {
  start(): Promise<void>;
  /** Finishes the batch in hand, commits it, leaves the group. */
  stop(): Promise<void>;
}

export interface TopicSpec {
  name: string;
  partitions: number;
}

/**
 * Tally's only view of the message bus. Two adapters: Kafka (kafkajs) for deployments and
 * tests, and an in-process bus for the zero-setup embedded mode. Nothing else imports kafkajs.
 */
export interface MessageBus {
  publish(topic: string, messages: OutboundMessage[]): Promise<void>;
  createConsumer(options: ConsumerOptions): MessageConsumer;
  ensureTopics(topics: TopicSpec[]): Promise<void>;
  /** Forgets a stopped consumer group and its committed offsets (a one-off reader's, say). */
  deleteConsumerGroup(groupId: string): Promise<void>;
  close(): Promise<void>;
}
