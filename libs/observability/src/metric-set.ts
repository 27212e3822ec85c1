import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The one way an app declares its Prometheus metrics: each on the app's own registry (so two
 * apps in one process never collide), named with the app's prefix.
 */
export class MetricSet {
  readonly registry = new Registry();

  constructor(private readonly prefix: string) {}

  counter<Label extends string = never>(
    name: string,
    help: string,
    labelNames: readonly Label[] = [],
  ): Counter<Label> {
    return new Counter({
      name: `${this.prefix}_${name}`,
      help,
      labelNames,
      registers: [this.registry],
    });
  }

  gauge<Label extends string = never>(
    name: string,
    help: string,
    labelNames: readonly Label[] = [],
    collect?: (this: Gauge<Label>) => Promise<void>,
  ): Gauge<Label> {
    return new Gauge({
      name: `${this.prefix}_${name}`,
      help,
      labelNames,
      registers: [this.registry],
      ...(collect ? { collect } : {}),
    });
  }

  histogram<Label extends string = never>(
    name: string,
    help: string,
    buckets: readonly number[],
    labelNames: readonly Label[] = [],
  ): Histogram<Label> {
    return new Histogram({
      name: `${this.prefix}_${name}`,
      help,
      labelNames,
      buckets: [...buckets],
      registers: [this.registry],
    });
  }
}
