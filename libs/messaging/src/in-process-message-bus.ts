import {
  BusMessage,
  ConsumerOptions,
  MessageBus,
  MessageConsumer,
  OutboundMessage,
  TopicSpec,
} from './message-bus.port';

const batchSizeMax = 1_000;
const retryDelayMs = 250;

interface Topic {
  messages: BusMessage[];
  waiters: Set<() => void>;
}

/**
 * The embedded adapter of {@link MessageBus}: one partition per topic, offsets per group, kept
 * in memory. It is not durable — what was published but not yet consumed is lost with the
 * process — which is why the embedded mode appends to the event store as soon as it consumes.
 */
export function createInProcessBus(): MessageBus {
  const topics = new Map<string, Topic>();
  const consumers = new Set<MessageConsumer>();
  const committed = new Map<string, number>();

  const topicNamed = (name: string): Topic => {
    let topic = topics.get(name);
    if (!topic) {
      topic = { messages: [], waiters: new Set() };
      topics.set(name, topic);
    }
    return topic;
  };

  return {
    async publish(topicName: string, messages: OutboundMessage[]): Promise<void> {
      const topic = topicNamed(topicName);
      for (const message of messages) {
        topic.messages.push({
          topic: topicName,
          partition: 0,
          offset: String(topic.messages.length),
          key: message.key,
          value: Buffer.isBuffer(message.value) ? message.value : Buffer.from(message.value, 'utf8'),
          headers: { ...(message.headers ?? {}) },
          timestampMs: Date.now(),
        });
      }
      for (const wake of topic.waiters) wake();
    },
    createConsumer(options: ConsumerOptions): MessageConsumer {
      const consumer = createInProcessConsumer(options, topicNamed, committed);
      consumers.add(consumer);
      return consumer;
    },
    async ensureTopics(specs: TopicSpec[]): Promise<void> {
      for (const spec of specs) topicNamed(spec.name);
    },
    async close(): Promise<void> {
      await Promise.all([...consumers].map((consumer) => consumer.stop()));
    },
  };
}

function createInProcessConsumer(
  options: ConsumerOptions,
  topicNamed: (name: string) => Topic,
  committed: Map<string, number>,
): MessageConsumer {
  let running = false;
  const loops: Promise<void>[] = [];

  const consumeTopic = async (topicName: string): Promise<void> => {
    const topic = topicNamed(topicName);
    const offsetKey = `${options.groupId}\u0000${topicName}`;
    while (running) {
      const from = committed.get(offsetKey) ?? (options.fromBeginning === false ? topic.messages.length : 0);
      const messages = topic.messages.slice(from, from + batchSizeMax);
      if (messages.length === 0) {
        await new Promise<void>((resolve) => {
          const wake = (): void => {
            topic.waiters.delete(wake);
            resolve();
          };
          topic.waiters.add(wake);
          if (!running) wake();
        });
        continue;
      }
      try {
        await options.handleBatch({
          topic: topicName,
          partition: 0,
          messages,
          highWatermark: String(topic.messages.length),
          heartbeat: async () => undefined,
          isStale: () => !running,
        });
        if (running) committed.set(offsetKey, from + messages.length);
      } catch (error) {
        options.onError?.(error);
        await new Promise((resolve) => setTimeout(resolve, retryDelayMs));
      }
    }
  };

  return {
    async start(): Promise<void> {
      running = true;
      options.onAssignment?.(options.topics.map((topic) => ({ topic, partitions: [0] })));
      for (const topic of options.topics) loops.push(consumeTopic(topic));
    },
    async stop(): Promise<void> {
      running = false;
      for (const topic of options.topics) for (const wake of [...topicNamed(topic).waiters]) wake();
      await Promise.all(loops.splice(0));
    },
  };
}
