import { TOPIC_OF_MESSAGE_TYPE, Topics } from '@tally/contracts';
import type { Producer } from 'kafkajs';
import type { CreditsEnvelope } from '../messages/envelopes';
import {
  checkedForSending,
  chunksOf,
  CreditsPublisher,
  IndexedEnvelope,
  MESSAGES_PER_BATCH_MAX,
  PublishResult,
} from './credits-publisher';

export interface KafkaCreditsTopics {
  /** Default `credits.action-executed.v1`. */
  actionExecuted: string;
  /** Default `billing.subscription.v1` (periods, packs, grants). */
  subscription: string;
}

export interface KafkaCreditsPublisherOptions {
  /** Override the design's default topic names (as TALLY_TOPIC_* does for Tally). */
  topics?: Partial<KafkaCreditsTopics>;
  /** Broker acknowledgement; default -1 (all in-sync replicas), so a sent message is kept. */
  acks?: -1 | 0 | 1;
  /** How long the broker may take to acknowledge a batch; default 30 s. */
  ackTimeoutMs?: number;
}

/**
 * Publishes to Kafka through a kafkajs Producer the caller owns (connects and disconnects),
 * keyed by workspaceId so one workspace's messages stay in order on one partition. Each message
 * is checked with the contracts' parser first; the ones it refuses are reported, not sent. A
 * send the broker does not acknowledge throws (kafkajs retries it first); sending again is safe.
 */
export class KafkaCreditsPublisher implements CreditsPublisher {
  private readonly topics: KafkaCreditsTopics;

  constructor(
    private readonly producer: Producer,
    private readonly options: KafkaCreditsPublisherOptions = {},
  ) {
    this.topics = {
      actionExecuted: options.topics?.actionExecuted ?? Topics.actionExecuted,
      subscription: options.topics?.subscription ?? Topics.subscription,
    };
  }

  async publish(messages: readonly CreditsEnvelope[]): Promise<PublishResult> {
    const { valid, rejected } = checkedForSending(messages);
    for (const chunk of chunksOf(valid, MESSAGES_PER_BATCH_MAX)) {
      await this.producer.sendBatch({
        acks: this.options.acks ?? -1,
        timeout: this.options.ackTimeoutMs ?? 30_000,
        topicMessages: [...this.byTopic(chunk)].map(([topic, items]) => ({
          topic,
          messages: items.map((item) => ({ key: item.envelope.workspaceId, value: item.value })),
        })),
      });
    }
    return { accepted: valid.length, rejected };
  }

  /** The topic of each message, from the contracts' one routing table. */
  topicOf(envelope: CreditsEnvelope): string {
    return this.topics[TOPIC_OF_MESSAGE_TYPE[envelope.type]];
  }

  private byTopic(chunk: IndexedEnvelope[]): Map<string, IndexedEnvelope[]> {
    const grouped = new Map<string, IndexedEnvelope[]>();
    for (const item of chunk) {
      const topic = this.topicOf(item.envelope);
      grouped.set(topic, [...(grouped.get(topic) ?? []), item]);
    }
    return grouped;
  }
}
