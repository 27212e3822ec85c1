import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Topics } from '@tally/contracts';
import { MessageBatch } from '@tally/messaging';
import { LedgerBatchHandler } from './ledger-batch.handler';

/** Entry points of the ledger: each receives a whole topic-partition batch from the transport. */
@Controller()
export class LedgerController {
  constructor(private readonly handler: LedgerBatchHandler) {}

  @EventPattern(Topics.actionExecuted)
  async onActionsExecuted(@Payload() batch: MessageBatch): Promise<void> {
    await this.handler.handle(batch);
  }

  @EventPattern(Topics.subscription)
  async onSubscriptionEvents(@Payload() batch: MessageBatch): Promise<void> {
    await this.handler.handle(batch);
  }
}
