import type { NextFunction, Request, Response } from 'express';
import { Counter, Histogram, Registry } from 'prom-client';

/** The billing API's Prometheus metrics, on a registry of its own. */
export class HttpMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'tally_api_requests_total',
    help: 'HTTP requests, by method, route and status',
    labelNames: ['method', 'route', 'status'],
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: 'tally_api_request_duration_seconds',
    help: 'HTTP request duration, by method and route',
    labelNames: ['method', 'route'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

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
