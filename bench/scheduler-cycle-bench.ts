// The scheduler's own cost, without the API: scheduling cycles of the default profile on an
// in-memory cache of N nodes, P pods placed one after another (each counted as bound before
// the next), for the basic, anti-affinity and spread pod shapes of scheduler-bench.
//
// Usage: npm run build && node dist/bench/scheduler-cycle-bench.js [--nodes 5000] [--pods 10000]
import { parseArgs } from 'node:util';
import { harness, node, pod } from '../src/scheduler/testing/fixtures.js';

const { values } = parseArgs({ options: { nodes: { type: 'string', default: '5000' }, pods: { type: 'string', default: '10000' } } });
const nodeCount = Number(values.nodes);
const podCount = Number(values.pods);

type Variant = 'basic' | 'anti-affinity' | 'spread';

function podSpec(i: number, variant: Variant) {
  const group = `g${i % 10}`;
  const spec: Record<string, unknown> = { containers: [{ name: 'pause', image: 'pause', resources: { requests: { cpu: '100m', memory: '500Mi' } } }] };
  if (variant === 'anti-affinity') spec.affinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { group } } }] } };
  if (variant === 'spread') spec.topologySpreadConstraints = [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { group } } }];
  return pod(`p${i}`, spec, { labels: { group } });
}

console.log(`| pod shape (${nodeCount} nodes, ${podCount} pods) | CPU per scheduling cycle | cycles per second of one core |`);
console.log('|---|---|---|');
for (const variant of ['basic', 'anti-affinity', 'spread'] as Variant[]) {
  const h = harness();
  for (let i = 0; i < nodeCount; i++) h.cache.addNode(node(`n${i}`, { cpu: '4', memory: '32Gi', labels: { 'topology.kubernetes.io/zone': `zone-${i % 10}` } }));
  const pods = Array.from({ length: podCount }, (_, i) => podSpec(i, variant));
  const cpu0 = process.cpuUsage();
  for (const p of pods) if (h.place(p).startsWith('error')) throw new Error(`${variant}: ${p.metadata.name} did not fit`);
  const c = process.cpuUsage(cpu0);
  const us = (c.user + c.system) / podCount;
  console.log(`| ${variant} | ${us.toFixed(0)} µs | ${(1e6 / us).toFixed(0)} |`);
}
