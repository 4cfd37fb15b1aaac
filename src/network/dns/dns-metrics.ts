import http from 'node:http';
import type { DnsStats } from './dns-handler.js';

const rcodeNames: Record<number, string> = { 0: 'NOERROR', 1: 'FORMERR', 2: 'SERVFAIL', 3: 'NXDOMAIN', 4: 'NOTIMP', 5: 'REFUSED' };

/**
 * Prometheus text for the DNS server, with CoreDNS's metric names so existing dashboards and
 * alerts find them (a subset of their labels).
 */
export function renderDnsMetrics(stats: DnsStats): string {
  const lines = [
    '# HELP coredns_dns_requests_total Counter of DNS requests made per zone, protocol and family.',
    '# TYPE coredns_dns_requests_total counter',
    `coredns_dns_requests_total{proto="udp"} ${stats.requests.udp}`,
    `coredns_dns_requests_total{proto="tcp"} ${stats.requests.tcp}`,
    '# HELP coredns_dns_responses_total Counter of response status codes.',
    '# TYPE coredns_dns_responses_total counter',
    ...[...stats.rcodes].map(([code, n]) => `coredns_dns_responses_total{rcode="${rcodeNames[code] ?? String(code)}"} ${n}`),
    '# HELP coredns_cache_hits_total The count of cache hits.',
    '# TYPE coredns_cache_hits_total counter',
    `coredns_cache_hits_total{type="success"} ${stats.cacheHits}`,
    '# HELP coredns_forward_requests_total Counter of requests made per upstream.',
    '# TYPE coredns_forward_requests_total counter',
    `coredns_forward_requests_total ${stats.forwarded}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** Serves `/metrics` (and `/health`, like CoreDNS's health plugin) on `host:port`. */
export function startMetricsServer(stats: () => DnsStats | undefined, host: string, port: number): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const s = stats();
    if (req.url === '/metrics' && s) {
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
      return void res.end(renderDnsMetrics(s));
    }
    if (req.url === '/health') return void res.end('OK');
    res.writeHead(404).end();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
