import type { KubeObject } from '../../api/types.js';
import { CpuRateTracker } from '../../agent/stats/cpu-rate.js';
import type { Summary } from '../../agent/stats/summary.js';
import { rfc3339 } from '../../util/clock.js';
import { cpuQuantity, memoryQuantity } from '../../api/usage-quantity.js';

export const METRICS_GROUP = 'metrics.k8s.io';
export const METRICS_API_VERSION = `${METRICS_GROUP}/v1beta1`;

/** Go's time.Duration text, which metav1.Duration (the `window` field) serialises to: `15s`, `10.5s`, `1m5s`. */
export function goDuration(ms: number): string {
  if (ms <= 0) return '0s';
  const totalSeconds = ms / 1000;
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = Math.round((totalSeconds - h * 3600 - m * 60) * 1000) / 1000;
  return `${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${s}s`;
}

/** One node's scrape: its summary and when it arrived. */
export interface NodeScrape {
  node: KubeObject;
  summary: Summary;
  at: number;
}

/** The objects a scrape turns into. */
export interface MetricsSnapshot {
  nodes: KubeObject[];
  pods: KubeObject[];
}

const minWindowMs = 1_000;

/**
 * Turns node summaries into NodeMetrics and PodMetrics the way metrics-server does: CPU is
 * the rate of the cumulative counter between two readings (the first reading of a
 * container counts from its start), memory is the working set, and a pod is only reported
 * when every one of its running containers has both. Pods missing from `pods` (deleted)
 * are left out; their labels come from the API object.
 *
 * @example
 * const conv = new MetricsConverter();
 * const { nodes, pods } = conv.convert([{ node, summary, at: Date.now() }], podsByUid);
 */
export class MetricsConverter {
  private readonly rates = new CpuRateTracker(minWindowMs);

  convert(scrapes: NodeScrape[], pods: Map<string, KubeObject>): MetricsSnapshot {
    const out: MetricsSnapshot = { nodes: [], pods: [] };
    const seen = new Set<string>();
    for (const { node, summary, at } of scrapes) {
      const name = node.metadata.name!;
      const n = summary.node;
      const key = `node/${name}`;
      seen.add(key);
      const rate = n.cpu.usageCoreNanoSeconds === undefined ? undefined : this.rates.rate(key, { at, nanos: n.cpu.usageCoreNanoSeconds }, Date.parse(n.startTime));
      if (rate && n.memory.workingSetBytes !== undefined) {
        out.nodes.push({
          kind: 'NodeMetrics',
          apiVersion: METRICS_API_VERSION,
          metadata: { name, labels: { ...(node.metadata.labels ?? {}) }, creationTimestamp: rfc3339(Date.now()) },
          timestamp: rfc3339(at),
          window: goDuration(rate.windowMs),
          usage: { cpu: cpuQuantity(rate.nanoCores), memory: memoryQuantity(n.memory.workingSetBytes) },
        } as KubeObject);
      }
      for (const p of summary.pods) {
        const pod = pods.get(p.podRef.uid);
        const containers: Record<string, unknown>[] = [];
        let window = 0;
        let complete = p.containers.length > 0;
        for (const c of p.containers) {
          const ckey = `container/${p.podRef.uid}/${c.name}`;
          seen.add(ckey);
          const r = c.cpu.usageCoreNanoSeconds === undefined ? undefined : this.rates.rate(ckey, { at, nanos: c.cpu.usageCoreNanoSeconds }, Date.parse(c.startTime));
          if (!r || c.memory.workingSetBytes === undefined) {
            complete = false;
            continue;
          }
          window = Math.max(window, r.windowMs);
          containers.push({ name: c.name, usage: { cpu: cpuQuantity(r.nanoCores), memory: memoryQuantity(c.memory.workingSetBytes) } });
        }
        if (!pod || !complete) continue;
        out.pods.push({
          kind: 'PodMetrics',
          apiVersion: METRICS_API_VERSION,
          metadata: { name: p.podRef.name, namespace: p.podRef.namespace, labels: { ...(pod.metadata.labels ?? {}) }, creationTimestamp: rfc3339(Date.now()) },
          timestamp: rfc3339(at),
          window: goDuration(window),
          containers,
        } as KubeObject);
      }
    }
    this.rates.retain(seen);
    return out;
  }
}
