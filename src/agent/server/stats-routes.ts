import type { ServerResponse } from 'node:http';
import { resourceMetricsText } from '../stats/resource-metrics.js';
import type { Summary } from '../stats/summary.js';

/** What the stats routes read: the summary provider. */
export interface StatsSource {
  summary(): Promise<Summary>;
}

/**
 * The kubelet's resource endpoints: `GET /stats/summary` (stats/v1alpha1 Summary JSON) and
 * `GET /metrics/resource` (Prometheus text). Returns false for other paths.
 *
 * @example
 * if (await serveStats('/stats/summary', res, stats)) return;
 */
export async function serveStats(pathname: string, res: ServerResponse, stats: StatsSource | undefined): Promise<boolean> {
  if (!stats) return false;
  if (pathname === '/stats/summary' || pathname === '/stats/summary/') {
    const body = JSON.stringify(await stats.summary());
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(body);
    return true;
  }
  if (pathname === '/metrics/resource') {
    const body = resourceMetricsText(await stats.summary());
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
    res.end(body);
    return true;
  }
  return false;
}
