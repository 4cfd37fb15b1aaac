import client from 'prom-client';

/** Prometheus metrics of the API server (`/metrics`), named as kube-apiserver names them. */
export class ApiMetrics {
  readonly registry = new client.Registry();
  private readonly requests = new client.Counter({
    name: 'apiserver_request_total',
    help: 'Counter of apiserver requests broken out for each verb, resource and HTTP response code.',
    labelNames: ['verb', 'resource', 'code'],
    registers: [this.registry],
  });
  private readonly latency = new client.Histogram({
    name: 'apiserver_request_duration_seconds',
    help: 'Response latency distribution in seconds for each verb and resource.',
    labelNames: ['verb', 'resource'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  constructor() {
    client.collectDefaultMetrics({ register: this.registry });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  observe(verb: string, resource: string, code: number, seconds: number): void {
    this.requests.inc({ verb: verb.toUpperCase(), resource, code: String(code) });
    this.latency.observe({ verb: verb.toUpperCase(), resource }, seconds);
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
