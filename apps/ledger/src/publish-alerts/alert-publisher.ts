import { alertForStatusChange, decodeCreditEvent } from '@tally/credits';
import { EventStore, EventSubscription, RecordedEvent } from '@tally/event-store';
import { workspaceIdOfStream, workspaceStreamPrefix } from '@tally/ledger';
import { MessageBus, OutboundMessage } from '@tally/messaging';
import { Logger } from '@tally/observability';
import { LedgerMetrics } from '../ledger.metrics';
import { CheckpointStore } from './checkpoint-store';

const checkpointName = 'ledger.balance-alerts';
const alertsPerBatchMax = 500;

/**
 * Publishes `credits.balance-alerts.v1` from committed `CreditStatusChanged` events, so an
 * alert is never sent for a change that was rolled back. The checkpoint moves only after Kafka
 * acknowledged the alerts: at least once (consumers dedupe by the `x-event-id` header).
 */
export class AlertPublisher {
  private subscription: EventSubscription | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly bus: MessageBus,
    private readonly checkpoints: CheckpointStore,
    private readonly metrics: LedgerMetrics,
    private readonly logger: Logger,
    private readonly alertsTopic: string,
  ) {}

  async start(): Promise<void> {
    const fromPosition = await this.checkpoints.load(checkpointName);
    this.subscription = this.store.subscribeToAll({
      fromPosition,
      filter: { eventTypes: ['CreditStatusChanged'], streamPrefixes: [workspaceStreamPrefix] },
      batchSizeMax: alertsPerBatchMax,
      onEvents: (events) => this.publish(events),
      onError: (error) => this.logger.error({ err: error }, 'alert publishing failed; retrying'),
    });
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
    this.subscription = undefined;
  }

  private async publish(events: RecordedEvent[]): Promise<void> {
    const alerts: OutboundMessage[] = [];
    for (const recorded of events) {
      const alert = alertMessageOf(recorded);
      if (alert) alerts.push(alert);
    }
    await this.bus.publish(this.alertsTopic, alerts);
    for (const alert of alerts) this.metrics.alertsPublished.inc({ type: alert.headers?.['x-alert-type'] ?? '' });
    const last = events[events.length - 1];
    if (last) await this.checkpoints.save(checkpointName, last.position);
  }
}

function alertMessageOf(recorded: RecordedEvent): OutboundMessage | null {
  const event = decodeCreditEvent({ type: recorded.type, data: recorded.data as Record<string, unknown> });
  if (event.type !== 'CreditStatusChanged') return null;
  const type = alertForStatusChange(event.data.from, event.data.to);
  const workspaceId = workspaceIdOfStream(recorded.streamName);
  if (!type || !workspaceId) return null;
  const body = {
    type,
    workspaceId,
    status: event.data.to,
    totalAvailableMicro: event.data.totalAvailableMicro.toString(),
    position: recorded.position.prepare.toString(),
    occurredAt: event.data.occurredAt,
  };
  return {
    key: workspaceId,
    value: JSON.stringify(body),
    headers: { 'x-event-id': recorded.id, 'x-alert-type': type },
  };
}
