import type { Summary } from './summary.js';

type Labels = Record<string, string>;

function labelText(l: Labels): string {
  const parts = Object.entries(l).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

/**
 * The kubelet's `/metrics/resource` (what metrics-server scrapes) from a summary: cumulative
 * CPU seconds and memory working sets of the node, pods and containers, in Prometheus text
 * format with sample timestamps in milliseconds.
 *
 * @example
 * resourceMetricsText(await stats.summary());
 * // '# HELP node_cpu_usage_seconds_total [STABLE] Cumulative cpu time consumed by the node in core-seconds\n…'
 */
export function resourceMetricsText(s: Summary): string {
  const families: { name: string; help: string; type: 'counter' | 'gauge'; samples: { labels: Labels; value: number; at?: string }[] }[] = [];
  const family = (name: string, help: string, type: 'counter' | 'gauge') => {
    const f = { name, help, type, samples: [] as { labels: Labels; value: number; at?: string }[] };
    families.push(f);
    return f.samples;
  };
  const containerCpu = family('container_cpu_usage_seconds_total', 'Cumulative cpu time consumed by the container in core-seconds', 'counter');
  const containerMem = family('container_memory_working_set_bytes', 'Current working set of the container in bytes', 'gauge');
  const containerStart = family('container_start_time_seconds', 'Start time of the container since unix epoch in seconds', 'gauge');
  const nodeCpu = family('node_cpu_usage_seconds_total', 'Cumulative cpu time consumed by the node in core-seconds', 'counter');
  const nodeMem = family('node_memory_working_set_bytes', 'Current working set of the node in bytes', 'gauge');
  const podCpu = family('pod_cpu_usage_seconds_total', 'Cumulative cpu time consumed by the pod in core-seconds', 'counter');
  const podMem = family('pod_memory_working_set_bytes', 'Current working set of the pod in bytes', 'gauge');
  const scrapeError = family('resource_scrape_error', '1 if there was an error while getting container metrics, 0 otherwise', 'gauge');

  const n = s.node;
  if (n.cpu.usageCoreNanoSeconds !== undefined) nodeCpu.push({ labels: {}, value: n.cpu.usageCoreNanoSeconds / 1e9, at: n.cpu.time });
  if (n.memory.workingSetBytes !== undefined) nodeMem.push({ labels: {}, value: n.memory.workingSetBytes, at: n.memory.time });
  for (const p of s.pods) {
    const pl = { namespace: p.podRef.namespace, pod: p.podRef.name };
    if (p.cpu.usageCoreNanoSeconds !== undefined) podCpu.push({ labels: pl, value: p.cpu.usageCoreNanoSeconds / 1e9, at: p.cpu.time });
    if (p.memory.workingSetBytes !== undefined) podMem.push({ labels: pl, value: p.memory.workingSetBytes, at: p.memory.time });
    for (const c of p.containers) {
      const cl = { container: c.name, namespace: p.podRef.namespace, pod: p.podRef.name };
      if (c.cpu.usageCoreNanoSeconds !== undefined) containerCpu.push({ labels: cl, value: c.cpu.usageCoreNanoSeconds / 1e9, at: c.cpu.time });
      if (c.memory.workingSetBytes !== undefined) containerMem.push({ labels: cl, value: c.memory.workingSetBytes, at: c.memory.time });
      containerStart.push({ labels: cl, value: Date.parse(c.startTime) / 1000 });
    }
  }
  scrapeError.push({ labels: {}, value: 0 });

  const lines: string[] = [];
  for (const f of families) {
    lines.push(`# HELP ${f.name} [STABLE] ${f.help}`, `# TYPE ${f.name} ${f.type}`);
    for (const x of f.samples) lines.push(`${f.name}${labelText(x.labels)} ${x.value}${x.at ? ` ${Date.parse(x.at)}` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}
