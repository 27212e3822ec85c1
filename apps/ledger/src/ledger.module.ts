import {
  DynamicModule,
  Inject,
  Module,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { TopicNames } from '@tally/runtime';
import { ledgerControllerFor } from './consume-messages/ledger.controller';
import { LedgerBatchHandler } from './consume-messages/ledger-batch.handler';
import { AlertPublisher } from './publish-alerts/alert-publisher';

const ALERT_PUBLISHER = Symbol('ALERT_PUBLISHER');

/** Wires the ledger's controller to objects built outside Nest (see ledger.service.ts). */
@Module({})
export class LedgerModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(ALERT_PUBLISHER) private readonly alerts: AlertPublisher | null) {}

  static register(
    handler: LedgerBatchHandler,
    alerts: AlertPublisher | null,
    topics: TopicNames,
  ): DynamicModule {
    return {
      module: LedgerModule,
      controllers: [ledgerControllerFor(topics)],
      providers: [
        { provide: LedgerBatchHandler, useValue: handler },
        { provide: ALERT_PUBLISHER, useValue: alerts },
      ],
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.alerts?.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.alerts?.stop();
  }
}
