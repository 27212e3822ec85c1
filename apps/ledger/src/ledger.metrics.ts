import type { CreditEvent } from '@tally/credits';
import { MetricSet } from '@tally/observability';

/** Most distinct model labels of the fallback counter; any model beyond them counts as `other`. */
export const FALLBACK_MODEL_LABELS_MAX = 100;

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
  readonly deadlineLateness = this.metrics.histogram(
    'deadline_lateness_seconds',
    'How long after its expiresAt a grant or reservation was expired (by the deadline scheduler)',
    [0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 2, 5, 10],
  );
  readonly fallbackPriced = this.metrics.counter(
    'fallback_priced_total',
    `Debits priced at the fallback rate because the price book does not list their model, by model (the first ${FALLBACK_MODEL_LABELS_MAX} models seen, then "other")`,
    ['model'],
  );
  private readonly fallbackModels = new Set<string>();

  /** Counts the debits a command appended, and those priced at the fallback rate by model. */
  countApplied(events: readonly CreditEvent[]): void {
    for (const event of events) {
      if (event.type !== 'CreditDebited') continue;
      this.debited.inc();
      if (event.data.fallback)
        this.fallbackPriced.inc({ model: this.modelLabel(event.data.model) });
    }
  }

  // Model names come from producers: the label set is bounded so a flood of invented names
  // cannot grow the registry without end.
  private modelLabel(model: string | null): string {
    const name = model ?? 'none';
    if (this.fallbackModels.has(name)) return name;
    if (this.fallbackModels.size >= FALLBACK_MODEL_LABELS_MAX) return 'other';
    this.fallbackModels.add(name);
    return name;
  }
}
