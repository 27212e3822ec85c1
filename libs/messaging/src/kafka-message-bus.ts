import { Kafka, logCreator, logLevel, Partitioners, Producer } from 'kafkajs';
import { createLogger, Logger } from '@tally/observability';
import { compressionTypeOf, KafkaCompression, registerKafkaCodecs } from './kafka-codecs';
import { createKafkaConsumer } from './kafka-consumer';
import { installFetchGuard } from './kafka-fetch-guard';
import {
  ConsumerOptions,
  MessageBus,
  MessageConsumer,
  OutboundMessage,
  TopicSpec,
} from './message-bus.port';

export interface KafkaBusOptions {
  brokers: string[];
  clientId: string;
  /** Where kafkajs's own log lines go (default: a pino logger named kafkajs). */
  logger?: Logger;
  /** The codec of every batch this bus publishes (default none, which every client reads). */
  compression?: KafkaCompression;
}

const connectionTimeoutMs = 5_000;
const requestTimeoutMs = 30_000;
const retriesMax = 10;
const publishChunkMax = 500;

/**
 * The kafkajs adapter of {@link MessageBus}. One producer, created on first publish. Reads every
 * codec Kafka defines, and a batch it cannot decode holds only its own partition.
 */
export function createKafkaBus(options: KafkaBusOptions): MessageBus {
  registerKafkaCodecs();
  installFetchGuard();
  const logger = options.logger ?? createLogger('kafkajs');
  const compression = compressionTypeOf(options.compression ?? 'none');
  const kafka = new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    connectionTimeout: connectionTimeoutMs,
    requestTimeout: requestTimeoutMs,
    retry: { retries: retriesMax, initialRetryTime: 200, maxRetryTime: 5_000 },
    logLevel: logLevel.WARN,
    logCreator: kafkajsLogsTo(logger),
  });
  let producer: Promise<Producer> | undefined;
  const consumers = new Set<MessageConsumer>();
  const connectedProducer = (): Promise<Producer> => (producer ??= connectProducer(kafka));

  return {
    async publish(topic: string, messages: OutboundMessage[]): Promise<void> {
      if (messages.length === 0) return;
      const connected = await connectedProducer();
      // kafkajs groups a send's messages per partition by copying the partition's array for every
      // message (quadratic): 5,000 messages in one send cost the publisher more than encoding
      // them. Sends of a few hundred keep that negligible; one after the other, so the order of
      // messages with the same key is kept.
      for (let from = 0; from < messages.length; from += publishChunkMax) {
        await connected.send({
          topic,
          acks: -1,
          compression,
          messages: messages.slice(from, from + publishChunkMax),
        });
      }
    },
    createConsumer(consumerOptions: ConsumerOptions): MessageConsumer {
      const members = Array.from({ length: consumerOptions.groupMembersMax ?? 1 }, () =>
        createKafkaConsumer(kafka, consumerOptions, logger),
      );
      const consumer: MessageConsumer = {
        start: async () => {
          await Promise.all(members.map((member) => member.start()));
        },
        stop: async () => {
          await Promise.all(members.map((member) => member.stop()));
        },
      };
      consumers.add(consumer);
      return consumer;
    },
    ensureTopics: (topics: TopicSpec[]) => ensureKafkaTopics(kafka, topics),
    async deleteConsumerGroup(groupId: string): Promise<void> {
      const admin = kafka.admin();
      await admin.connect();
      try {
        await admin.deleteGroups([groupId]);
      } finally {
        await admin.disconnect();
      }
    },
    async close(): Promise<void> {
      await Promise.all([...consumers].map((consumer) => consumer.stop()));
      if (producer) await (await producer).disconnect();
    },
  };
}

async function connectProducer(kafka: Kafka): Promise<Producer> {
  const created = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
    retry: { retries: retriesMax },
  });
  await created.connect();
  return created;
}

/** Creates the topics that do not exist yet (an existing topic is left as it is). */
async function ensureKafkaTopics(kafka: Kafka, topics: TopicSpec[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((topic) => !existing.has(topic.name));
    if (missing.length === 0) return;
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({ topic: topic.name, numPartitions: topic.partitions })),
    });
  } finally {
    await admin.disconnect();
  }
}

// kafkajs logs transient, retried conditions (a coordinator still loading, a rebalance in
// progress) at ERROR; they go to our structured log instead of the console.
function kafkajsLogsTo(logger: Logger): logCreator {
  return () =>
    ({ level, log }) => {
      const { message, ...fields } = log;
      if (level === logLevel.ERROR) logger.error(fields, `kafkajs: ${message}`);
      else if (level === logLevel.WARN) logger.warn(fields, `kafkajs: ${message}`);
      else logger.debug(fields, `kafkajs: ${message}`);
    };
}
