import { MetricSet } from '@tally/observability';

/** The ledger's Prometheus metrics, on a registry of its own. */
export class LedgerMetrics {
  private readonly metrics = new MetricSet('tally_ledger');
  readonly registry = this.metrics.registry;
  readonly consumed = this.metrics.counter(
    'messages_consumed_total',
    'Messages consumed, by topic',
    ['topic'],
  );
  readonly debited = this.metrics.counter('debits_total', 'CreditDebited events appended');
  readonly duplicates = this.metrics.counter(
    'duplicates_total',
    'Messages that changed nothing because their idempotency key was already applied',
  );
  readonly deadLettered = this.metrics.counter(
    'dead_lettered_total',
    'Messages sent to a DLQ, by topic and error code',
    ['topic', 'code'],
  );
  readonly batchLatency = this.metrics.histogram(
    'batch_duration_seconds',
    'Time from a batch arriving to its events being appended',
    [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  );
  readonly lag = this.metrics.gauge(
    'consumer_lag_messages',
    'Messages behind the partition end, as of the last batch',
    ['topic', 'partition'],
  );
  readonly partitionStuck = this.metrics.gauge(
    'partition_stuck',
    'Whether the partition waits at a record batch the ledger cannot decode (1) or not (0)',
    ['topic', 'partition'],
  );
  readonly alertsPublished = this.metrics.counter(
    'alerts_published_total',
    'Balance alerts published, by type',
    ['type'],
  );
}
