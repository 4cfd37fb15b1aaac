import type { IncomingMessage } from 'node:http';
import type { KubeObject } from '../../api/types.js';
import type { Summary } from '../../agent/stats/summary.js';
import { simulatedAnnotation } from '../../simulator/node-template.js';
import type { Logger } from '../../util/log.js';
import { MetricsConverter, type MetricsSnapshot, type NodeScrape } from './metrics-objects.js';

/** What the scraper needs: the nodes and pods the API holds, and a way to GET from an agent. */
export interface ScrapeSources {
  nodes(): Promise<KubeObject[]>;
  pods(): Promise<KubeObject[]>;
  get(node: KubeObject, path: string): Promise<{ res: IncomingMessage; abort(): void }>;
  log: Logger;
  now?: () => number;
}

export interface ScraperOptions {
  /** A snapshot younger than this is served as is (metrics-server's resolution is 15 s). */
  cacheMs?: number;
  /** A node that has not answered by then is left out of this round. */
  timeoutMs?: number;
}

function ready(node: KubeObject): boolean {
  const conditions = ((node.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []);
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

async function readJson(res: IncomingMessage, limit = 64 << 20): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error('summary too large');
    chunks.push(chunk as Buffer);
  }
  if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}: ${Buffer.concat(chunks).toString().slice(0, 200)}`);
  return JSON.parse(Buffer.concat(chunks).toString());
}

/**
 * The API server's own metrics-server: on demand it asks every Ready, real node's agent for
 * `/stats/summary` (in parallel, with a timeout), turns the answers into NodeMetrics and
 * PodMetrics, and keeps that snapshot for a few seconds so a burst of `kubectl top` calls
 * costs one scrape. Concurrent callers share the scrape in flight.
 *
 * @example
 * const scraper = new MetricsScraper({ nodes, pods, get: (n, p) => kubelet.get(n, p), log });
 * const { pods } = await scraper.snapshot();
 */
export class MetricsScraper {
  private readonly converter = new MetricsConverter();
  private cached?: { at: number; snapshot: MetricsSnapshot };
  private inflight?: Promise<MetricsSnapshot>;

  constructor(
    private readonly src: ScrapeSources,
    private readonly opts: ScraperOptions = {},
  ) {}

  private now(): number {
    return this.src.now?.() ?? Date.now();
  }

  snapshot(): Promise<MetricsSnapshot> {
    const c = this.cached;
    if (c && this.now() - c.at < (this.opts.cacheMs ?? 5_000)) return Promise.resolve(c.snapshot);
    this.inflight ??= this.scrape().finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  private async scrapeNode(node: KubeObject): Promise<NodeScrape | undefined> {
    const timeoutMs = this.opts.timeoutMs ?? 5_000;
    let abort: (() => void) | undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      const work = (async () => {
        const r = await this.src.get(node, '/stats/summary');
        abort = r.abort;
        return (await readJson(r.res)) as Summary;
      })();
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      });
      const summary = await Promise.race([work, timeout]);
      return { node, summary, at: this.now() };
    } catch (err) {
      abort?.();
      this.src.log.warn({ err, node: node.metadata.name }, 'metrics: scraping node failed');
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  private async scrape(): Promise<MetricsSnapshot> {
    const nodes = (await this.src.nodes()).filter((n) => n.metadata.annotations?.[simulatedAnnotation] !== 'true' && ready(n));
    const [scrapes, pods] = await Promise.all([Promise.all(nodes.map((n) => this.scrapeNode(n))), this.src.pods()]);
    const byUid = new Map(pods.map((p) => [p.metadata.uid!, p]));
    const snapshot = this.converter.convert(scrapes.filter((s): s is NodeScrape => !!s), byUid);
    this.cached = { at: this.now(), snapshot };
    return snapshot;
  }
}
