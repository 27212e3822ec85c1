export { createLogger, Logger } from './logger';
export { startMetricsServer } from './metrics-server';
export { MetricSet } from './metric-set';
