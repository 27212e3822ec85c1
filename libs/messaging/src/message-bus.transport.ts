import { CustomTransportStrategy, Server } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import {
  ConsumerOptions,
  MessageBatch,
  MessageBus,
  MessageConsumer,
  PartitionAssignment,
} from './message-bus.port';

export interface MessageBusTransportOptions {
  bus: MessageBus;
  groupId: string;
  partitionsConcurrentlyMax?: number;
  groupMembersMax?: number;
  onAssignment?(assignments: PartitionAssignment[]): void;
  onError?(error: unknown): void;
  onUndecodableBatch?: ConsumerOptions['onUndecodableBatch'];
  undecodableRetryMs?: number;
}

/**
 * A NestJS transport that hands `@EventPattern(topic)` handlers a whole {@link MessageBatch}
 * (one topic-partition, from kafkajs `eachBatch`) instead of one message at a time. The batch's
 * offsets are committed only after the handler's promise resolves.
 */
export class MessageBusTransport extends Server implements CustomTransportStrategy {
  private consumer: MessageConsumer | undefined;

  constructor(private readonly options: MessageBusTransportOptions) {
    super();
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      const topics = [...this.messageHandlers.keys()];
      this.consumer = this.options.bus.createConsumer({
        groupId: this.options.groupId,
        topics,
        partitionsConcurrentlyMax: this.options.partitionsConcurrentlyMax,
        groupMembersMax: this.options.groupMembersMax,
        onAssignment: this.options.onAssignment,
        onError: this.options.onError,
        onUndecodableBatch: this.options.onUndecodableBatch,
        undecodableRetryMs: this.options.undecodableRetryMs,
        handleBatch: (batch) => this.dispatch(batch),
      });
      await this.consumer.start();
      callback();
    } catch (error) {
      callback(error);
    }
  }

  async close(): Promise<void> {
    await this.consumer?.stop();
    this.consumer = undefined;
  }

  on(): void {
    throw new Error('MessageBusTransport has no status events');
  }

  unwrap<T>(): T {
    return this.options.bus as T;
  }

  private async dispatch(batch: MessageBatch): Promise<void> {
    const handler = this.getHandlerByPattern(batch.topic);
    if (!handler) throw new Error(`no handler for topic ${batch.topic}`);
    await lastValueFrom(this.transformToObservable(await handler(batch)), {
      defaultValue: undefined,
    });
  }
}
