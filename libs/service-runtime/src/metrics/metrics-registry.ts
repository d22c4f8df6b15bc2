import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/**
 * The service's own Prometheus registry (not prom-client's global one, so several services can run in one
 * process in tests): default process metrics plus HTTP request counters and latency.
 */
export class MetricsRegistry {
  readonly registry = new Registry();
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route'>;

  constructor(service: string) {
    this.registry.setDefaultLabels({ service: `tessera-${service}` });
    collectDefaultMetrics({ register: this.registry, prefix: 'tessera_' });
    this.httpRequests = new Counter({
      name: 'tessera_http_requests_total',
      help: 'HTTP requests by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      registers: [this.registry],
    });
    this.httpDuration = new Histogram({
      name: 'tessera_http_request_duration_seconds',
      help: 'HTTP request latency by method and route pattern',
      labelNames: ['method', 'route'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [this.registry],
    });
  }
}
