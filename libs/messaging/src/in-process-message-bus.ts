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
/** Messages kept for a topic nobody consumes (dead letters, alerts in the embedded mode). */
const unconsumedRetentionMax = 10_000;

interface Delivery {
  /** Resolved once every consuming group has committed past `lastOffset`. */
  lastOffset: number;
  resolve(): void;
  reject(error: Error): void;
}

interface Topic {
  name: string;
  /** messages[i] has offset baseOffset + i; consumed messages are dropped from the front. */
  messages: BusMessage[];
  baseOffset: number;
  /** Committed offset (next to read) of each running group consuming this topic. */
  groups: Map<string, number>;
  deliveries: Delivery[];
  wakeups: Set<() => void>;
}

/**
 * The embedded adapter of {@link MessageBus}: one partition per topic, offsets per group, in
 * memory. Publishing to a topic that a running group consumes resolves only once that group
 * has handled and committed the messages — for the ledger, once they are appended to the event
 * store — so an accepted message is never lost with the process. Consumed messages are dropped;
 * a topic nobody consumes keeps its newest messages only.
 */
export function createInProcessBus(): MessageBus {
  const topics = new Map<string, Topic>();
  const consumers = new Set<MessageConsumer>();

  const topicNamed = (name: string): Topic => {
    let topic = topics.get(name);
    if (!topic) {
      topic = {
        name,
        messages: [],
        baseOffset: 0,
        groups: new Map(),
        deliveries: [],
        wakeups: new Set(),
      };
      topics.set(name, topic);
    }
    return topic;
  };

  return {
    async publish(topicName: string, messages: OutboundMessage[]): Promise<void> {
      const topic = topicNamed(topicName);
      if (messages.length === 0) return;
      for (const message of messages) {
        topic.messages.push({
          topic: topicName,
          partition: 0,
          offset: String(topic.baseOffset + topic.messages.length),
          key: message.key,
          value: Buffer.isBuffer(message.value)
            ? message.value
            : Buffer.from(message.value, 'utf8'),
          headers: { ...(message.headers ?? {}) },
          timestampMs: Date.now(),
        });
      }
      for (const wake of [...topic.wakeups]) wake();
      if (topic.groups.size === 0) {
        trim(topic);
        return;
      }
      const lastOffset = topic.baseOffset + topic.messages.length - 1;
      await new Promise<void>((resolve, reject) =>
        topic.deliveries.push({ lastOffset, resolve, reject }),
      );
    },
    createConsumer(options: ConsumerOptions): MessageConsumer {
      const consumer = createInProcessConsumer(options, topicNamed);
      consumers.add(consumer);
      return consumer;
    },
    async ensureTopics(specs: TopicSpec[]): Promise<void> {
      for (const spec of specs) topicNamed(spec.name);
    },
    async deleteConsumerGroup(groupId: string): Promise<void> {
      for (const topic of topics.values()) topic.groups.delete(groupId);
    },
    async close(): Promise<void> {
      await Promise.all([...consumers].map((consumer) => consumer.stop()));
      for (const topic of topics.values())
        settleDeliveries(topic, new Error('the in-process bus was closed'));
    },
  };
}

/** Resolves the deliveries every group has committed past; drops what every group consumed. */
function settleDeliveries(topic: Topic, closing?: Error): void {
  const committed =
    topic.groups.size === 0 ? Number.POSITIVE_INFINITY : Math.min(...topic.groups.values());
  topic.deliveries = topic.deliveries.filter((delivery) => {
    if (delivery.lastOffset < committed) delivery.resolve();
    else if (closing) delivery.reject(closing);
    else return true;
    return false;
  });
  trim(topic);
}

function trim(topic: Topic): void {
  const keepFrom =
    topic.groups.size === 0
      ? topic.baseOffset + Math.max(0, topic.messages.length - unconsumedRetentionMax)
      : Math.min(...topic.groups.values());
  const drop = Math.min(topic.messages.length, keepFrom - topic.baseOffset);
  if (drop <= 0) return;
  topic.messages.splice(0, drop);
  topic.baseOffset += drop;
}

function createInProcessConsumer(
  options: ConsumerOptions,
  topicNamed: (name: string) => Topic,
): MessageConsumer {
  let running = false;
  const loops: Promise<void>[] = [];

  const consumeTopic = async (topic: Topic): Promise<void> => {
    while (running) {
      const from = topic.groups.get(options.groupId) as number;
      const messages = topic.messages.slice(
        from - topic.baseOffset,
        from - topic.baseOffset + batchSizeMax,
      );
      if (messages.length === 0) {
        await new Promise<void>((resolve) => {
          const wake = (): void => {
            topic.wakeups.delete(wake);
            resolve();
          };
          topic.wakeups.add(wake);
          if (!running) wake();
        });
        continue;
      }
      try {
        await options.handleBatch({
          topic: topic.name,
          partition: 0,
          messages,
          highWatermark: String(topic.baseOffset + topic.messages.length),
          heartbeat: async () => undefined,
          isStale: () => !running,
        });
        topic.groups.set(options.groupId, from + messages.length);
        settleDeliveries(topic);
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
      for (const name of options.topics) {
        const topic = topicNamed(name);
        const end = topic.baseOffset + topic.messages.length;
        if (!topic.groups.has(options.groupId)) {
          topic.groups.set(
            options.groupId,
            options.fromBeginning === false ? end : topic.baseOffset,
          );
        }
        loops.push(consumeTopic(topic));
      }
    },
    async stop(): Promise<void> {
      running = false;
      for (const name of options.topics) for (const wake of [...topicNamed(name).wakeups]) wake();
      await Promise.all(loops.splice(0));
    },
  };
}
