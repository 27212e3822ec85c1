import type { NextFunction, Request, Response } from 'express';
import { MetricSet } from '@tally/observability';

/** The billing API's Prometheus metrics, on a registry of its own. */
export class HttpMetrics {
  private readonly metrics = new MetricSet('tally_api');
  readonly registry = this.metrics.registry;
  private readonly requests = this.metrics.counter(
    'requests_total',
    'HTTP requests, by method, route and status',
    ['method', 'route', 'status'],
  );
  private readonly duration = this.metrics.histogram(
    'request_duration_seconds',
    'HTTP request duration, by method and route',
    [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    ['method', 'route'],
  );

  /** Express middleware: counts each request when its response finishes. */
  readonly middleware = (request: Request, response: Response, next: NextFunction): void => {
    const started = performance.now();
    response.on('finish', () => {
      // The matched route pattern, never the raw path: ids must not become label values.
      const route =
        typeof request.route?.path === 'string'
          ? `${request.baseUrl}${request.route.path}`
          : 'unmatched';
      this.requests.inc({ method: request.method, route, status: String(response.statusCode) });
      this.duration.observe(
        { method: request.method, route },
        (performance.now() - started) / 1_000,
      );
    });
    next();
  };
}
