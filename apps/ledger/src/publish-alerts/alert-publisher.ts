import { balanceAlertOf } from '@tally/contracts';
import { alertForStatusChange } from '@tally/credits';
import { decodeCreditEvent } from '@tally/ledger';
import { EventStore, EventSubscription, RecordedEvent, SqlClient } from '@tally/event-store';
import { workspaceIdOfStream, workspaceStreamPrefix } from '@tally/ledger';
import { MessageBus, OutboundMessage } from '@tally/messaging';
import { Logger } from '@tally/observability';
import { LedgerMetrics } from '../ledger.metrics';
import { CheckpointStore } from './checkpoint-store';
import { Lease } from './lease';

const checkpointName = 'ledger.balance-alerts';
const alertsPerBatchMax = 500;
const leaseDurationMs = 10_000;
const leaseRenewIntervalMs = 2_000;

/**
 * Publishes `credits.balance-alerts.v1` from committed `CreditStatusChanged` events, so an
 * alert is never sent for a change that was rolled back. The checkpoint moves only after Kafka
 * acknowledged the alerts: at least once (consumers dedupe by the `x-event-id` header). Of
 * several ledger instances only the holder of a lease publishes; another takes over once the
 * holder stops renewing it.
 */
export class AlertPublisher {
  private subscription: EventSubscription | undefined;
  private renewTimer: NodeJS.Timeout | undefined;
  private readonly lease: Lease;
  private stopped = false;
  private renewing = false;

  constructor(
    private readonly store: EventStore,
    private readonly bus: MessageBus,
    private readonly checkpoints: CheckpointStore,
    private readonly metrics: LedgerMetrics,
    private readonly logger: Logger,
    private readonly alertsTopic: string,
    sql: SqlClient,
  ) {
    this.lease = new Lease(sql, checkpointName, leaseDurationMs);
  }

  async start(): Promise<void> {
    await this.renew();
    this.renewTimer = setInterval(() => void this.renew(), leaseRenewIntervalMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.renewTimer);
    await this.unsubscribe();
    await this.lease.release().catch(() => undefined);
  }

  private async renew(): Promise<void> {
    if (this.renewing) return; // the previous renewal (or the subscribe it started) is still running
    this.renewing = true;
    try {
      const held = await this.lease.tryHold();
      if (this.stopped) return;
      if (held && !this.subscription) await this.subscribe();
      if (!held && this.subscription) {
        this.logger.warn('lost the alert-publishing lease; another instance publishes now');
        await this.unsubscribe();
      }
    } catch (error) {
      this.logger.error(
        { error: (error as Error).message },
        'could not renew the alert-publishing lease',
      );
    } finally {
      this.renewing = false;
    }
  }

  private async subscribe(): Promise<void> {
    const fromPosition = await this.checkpoints.load(checkpointName);
    this.subscription = this.store.subscribeToAll({
      fromPosition,
      filter: { eventTypes: ['CreditStatusChanged'], streamPrefixes: [workspaceStreamPrefix] },
      batchSizeMax: alertsPerBatchMax,
      onEvents: (events) => this.publish(events),
      onError: (error) => this.logger.error({ err: error }, 'alert publishing failed; retrying'),
    });
  }

  private async unsubscribe(): Promise<void> {
    const subscription = this.subscription;
    this.subscription = undefined;
    await subscription?.stop();
  }

  private async publish(events: RecordedEvent[]): Promise<void> {
    const alerts: OutboundMessage[] = [];
    for (const recorded of events) {
      const alert = this.alertMessageOf(recorded);
      if (alert) alerts.push(alert);
    }
    await this.bus.publish(this.alertsTopic, alerts);
    for (const alert of alerts)
      this.metrics.alertsPublished.inc({ type: alert.headers?.['x-alert-type'] ?? '' });
    const last = events[events.length - 1];
    if (last) await this.checkpoints.save(checkpointName, last.position);
  }

  /**
   * The alert a stored status change publishes, built and checked by its contract class. One
   * that fails the check is logged and skipped: a bad alert must not stop every later one.
   */
  private alertMessageOf(recorded: RecordedEvent): OutboundMessage | null {
    const event = decodeCreditEvent({
      type: recorded.type,
      data: recorded.data as Record<string, unknown>,
    });
    if (event.type !== 'CreditStatusChanged') return null;
    const type = alertForStatusChange(event.data.from, event.data.to);
    const workspaceId = workspaceIdOfStream(recorded.streamName);
    if (!type || !workspaceId) return null;
    const { alert, issues } = balanceAlertOf({
      type,
      workspaceId,
      status: event.data.to,
      totalAvailableMicro: event.data.totalAvailableMicro.toString(),
      position: recorded.position.prepare.toString(),
      occurredAt: event.data.occurredAt,
    });
    if (issues.length > 0) {
      this.logger.error(
        { workspaceId, eventId: recorded.id, issues },
        'skipped an alert that fails its contract',
      );
      return null;
    }
    return {
      key: workspaceId,
      value: JSON.stringify(alert),
      headers: { 'x-event-id': recorded.id, 'x-alert-type': type },
    };
  }
}
