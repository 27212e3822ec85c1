import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Kafka, KafkaMessage, logLevel, Partitioners, Producer } from 'kafkajs';
import { ChaosLimits } from './chaos.options';
import { repositoryRoot } from './chaos-paths';

// The driver talks to Kafka with kafkajs directly rather than through @tally/messaging: it needs
// admin calls (group offsets, end offsets) and raw reads of topics that the bus port does not
// offer, and it must stay independent of the code it audits.

const connectionTimeoutMs = 5_000;
const requestTimeoutMs = 30_000;
const ensureTopicsAttemptsMax = 5;

export function chaosKafka(brokers: string[]): Kafka {
  return new Kafka({
    clientId: `tally-chaos-${randomUUID().slice(0, 8)}`,
    brokers,
    connectionTimeout: connectionTimeoutMs,
    requestTimeout: requestTimeoutMs,
    retry: { retries: 15, initialRetryTime: 300, maxRetryTime: 5_000 },
    logLevel: logLevel.NOTHING,
  });
}

/**
 * Publishes at least once: a send that fails (the broker is restarting) is retried whole after a
 * pause. A retried send can store a message twice; the audit accounts for that by offsets.
 */
export class ChaosPublisher {
  private producer: Producer | null = null;
  sendRetries = 0;

  constructor(private readonly kafka: Kafka) {}

  async publish(topic: string, messages: { key: string; value: string }[]): Promise<void> {
    if (messages.length === 0) return;
    for (let attempt = 1; ; attempt += 1) {
      try {
        this.producer ??= await this.connect();
        await this.producer.send({ topic, acks: -1, messages });
        return;
      } catch (error) {
        if (attempt >= ChaosLimits.publishAttemptsMax) throw error;
        this.sendRetries += 1;
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
  }

  private async connect(): Promise<Producer> {
    const producer = this.kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
    });
    await producer.connect();
    return producer;
  }

  async close(): Promise<void> {
    await this.producer?.disconnect();
  }
}

/** Creates the missing topics; retried, since a fresh KRaft broker can answer "unknown topic" while leaders settle. */
export async function ensureTopics(
  kafka: Kafka,
  topics: string[],
  partitions: number,
): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    const admin = kafka.admin();
    try {
      await admin.connect();
      const existing = new Set(await admin.listTopics());
      const missing = topics.filter((topic) => !existing.has(topic));
      if (missing.length > 0)
        await admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((topic) => ({ topic, numPartitions: partitions })),
        });
      return;
    } catch (error) {
      if (attempt >= ensureTopicsAttemptsMax) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    } finally {
      await admin.disconnect();
    }
  }
}

/** Messages of `topics` not yet committed by the consumer group (end offset − committed offset). */
export async function consumerGroupLag(
  kafka: Kafka,
  groupId: string,
  topics: string[],
): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    let lag = 0;
    const committed = await admin.fetchOffsets({ groupId, topics });
    for (const topic of topics) {
      const ends = await admin.fetchTopicOffsets(topic);
      const group = committed.find((entry) => entry.topic === topic);
      for (const end of ends) {
        const offset =
          group?.partitions.find((partition) => partition.partition === end.partition)?.offset ??
          '-1';
        const from = Number(offset) < 0 ? Number(end.low) : Number(offset);
        lag += Math.max(0, Number(end.high) - from);
      }
    }
    return lag;
  } finally {
    await admin.disconnect();
  }
}

export interface ReadMessage {
  partition: number;
  offset: string;
  message: KafkaMessage;
}

/** Reads a topic from the beginning up to the end offsets seen when the read starts. */
export async function readWholeTopic(
  kafka: Kafka,
  topic: string,
  onMessage: (read: ReadMessage) => void,
): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  let ends: { partition: number; high: string; low: string }[];
  try {
    if (!(await admin.listTopics()).includes(topic)) return 0;
    ends = await admin.fetchTopicOffsets(topic);
  } finally {
    await admin.disconnect();
  }
  const remaining = new Map(
    ends
      .filter((end) => BigInt(end.high) > BigInt(end.low))
      .map((end) => [end.partition, BigInt(end.high)]),
  );
  if (remaining.size === 0) return 0;
  let count = 0;
  const consumer = kafka.consumer({
    groupId: `tally-chaos-reader-${randomUUID().slice(0, 8)}`,
    maxBytes: 16 * 1024 * 1024,
    maxWaitTimeInMs: 200,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`reading ${topic} took over ${ChaosLimits.topicReadTimeoutMs} ms`)),
        ChaosLimits.topicReadTimeoutMs,
      );
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            const end = remaining.get(batch.partition);
            if (end === undefined) return;
            for (const message of batch.messages) {
              if (BigInt(message.offset) >= end) break;
              onMessage({ partition: batch.partition, offset: message.offset, message });
              count += 1;
            }
            if (BigInt(batch.lastOffset()) + 1n >= end) remaining.delete(batch.partition);
            if (remaining.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return count;
}

/** `scripts/kafka/kafka.sh restart` on the run's own broker directory (topics and offsets survive). */
export function restartBroker(kafkaHome: string): Promise<void> {
  return runKafkaScript('restart', kafkaHome);
}

export function runKafkaScript(
  command: 'start' | 'stop' | 'restart',
  kafkaHome: string,
): Promise<void> {
  const root = repositoryRoot();
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [join(root, 'scripts', 'kafka', 'kafka.sh'), command], {
      cwd: root,
      env: { ...process.env, TALLY_KAFKA_HOME: kafkaHome },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`kafka.sh ${command} exited ${code}: ${output.slice(-2_000)}`)),
    );
  });
}
