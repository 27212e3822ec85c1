import { Controller, Type } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { MessageBatch } from '@tally/messaging';
import { TopicNames } from '@tally/runtime';
import { LedgerBatchHandler } from './ledger-batch.handler';

/**
 * The ledger's entry points: each receives a whole topic-partition batch from the transport.
 * Topic names are configuration, so the controller class is made for the names in force.
 */
export function ledgerControllerFor(topics: TopicNames): Type<unknown> {
  @Controller()
  class LedgerController {
    constructor(private readonly handler: LedgerBatchHandler) {}

    @EventPattern(topics.actionExecuted)
    async onActionsExecuted(@Payload() batch: MessageBatch): Promise<void> {
      await this.handler.handle(batch);
    }

    @EventPattern(topics.subscription)
    async onSubscriptionEvents(@Payload() batch: MessageBatch): Promise<void> {
      await this.handler.handle(batch);
    }
  }
  return LedgerController;
}
