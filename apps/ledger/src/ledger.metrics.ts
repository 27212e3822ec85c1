import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The ledger's Prometheus metrics, registered on a registry of its own. */
export class LedgerMetrics {
  readonly registry = new Registry();
  readonly consumed = new Counter({
    name: 'tally_ledger_messages_consumed_total',
    help: 'Messages consumed, by topic',
    labelNames: ['topic'],
    registers: [this.registry],
  });
  readonly debited = new Counter({
    name: 'tally_ledger_debits_total',
    help: 'CreditDebited events appended',
    registers: [this.registry],
  });
  readonly duplicates = new Counter({
    name: 'tally_ledger_duplicates_total',
    help: 'Messages that changed nothing because their idempotency key was already applied',
    registers: [this.registry],
  });
  readonly deadLettered = new Counter({
    name: 'tally_ledger_dead_lettered_total',
    help: 'Messages sent to a DLQ, by topic and error code',
    labelNames: ['topic', 'code'],
    registers: [this.registry],
  });
  readonly batchLatency = new Histogram({
    name: 'tally_ledger_batch_duration_seconds',
    help: 'Time from a batch arriving to its events being appended',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly lag = new Gauge({
    name: 'tally_ledger_consumer_lag_messages',
    help: 'Messages behind the partition end, as of the last batch',
    labelNames: ['topic', 'partition'],
    registers: [this.registry],
  });
  readonly partitionStuck = new Gauge({
    name: 'tally_ledger_partition_stuck',
    help: 'Whether the partition waits at a record batch the ledger cannot decode (1) or not (0)',
    labelNames: ['topic', 'partition'],
    registers: [this.registry],
  });
  readonly alertsPublished = new Counter({
    name: 'tally_ledger_alerts_published_total',
    help: 'Balance alerts published, by type',
    labelNames: ['type'],
    registers: [this.registry],
  });
}
