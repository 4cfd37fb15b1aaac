// `kubectl top` latency on one real node: `k8ts server` with its embedded agent runs P
// busybox pods; the real kubectl asks the API server's own metrics.k8s.io API, which scrapes
// the agent's /stats/summary (cgroup reads) and keeps the result for 5 s. Each round times:
//   - a cold API list of PodMetrics (cache expired: a scrape of the node happens),
//   - a warm API list right after (served from the cache),
//   - `kubectl top pods -A` and, as the baseline of kubectl's own start-up and discovery,
//     `kubectl get pods -A` (both as whole processes).
//
// Usage: npm run build && node dist/bench/kubectl-top-bench.js [--pods 10] [--rounds 15]
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Kubectl } from '../test/support/kubectl.js';
import { startBenchNode } from './support/bench-node.js';
import { percentile } from './support/stats.js';

const { values } = parseArgs({ options: { pods: { type: 'string', default: '10' }, rounds: { type: 'string', default: '15' } } });
const podCount = Number(values.pods);
const rounds = Number(values.rounds);
const tag = randomBytes(3).toString('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function main(): Promise<void> {
  const node = await startBenchNode(`bench-top-${tag}`);
  const { nodeName, image, client, server } = node;
  try {
    const k = new Kubectl('1.33', server.kubeconfig);
    for (let i = 0; i < podCount; i++) {
      await client.create('/api/v1/namespaces/default/pods', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `top-${i}` },
        spec: { nodeName, terminationGracePeriodSeconds: 1, automountServiceAccountToken: false, containers: [{ name: 'c', image, command: ['sleep', '100000'] }] },
      });
    }
    const path = '/apis/metrics.k8s.io/v1beta1/pods';
    for (;;) {
      const list = await client.get<{ items: unknown[] }>(path);
      if (list.items.length === podCount) break;
      await sleep(500);
    }
    const cold: number[] = [];
    const warm: number[] = [];
    const top: number[] = [];
    const get: number[] = [];
    for (let r = 0; r < rounds; r++) {
      await sleep(5_500);
      cold.push(await timed(() => client.get(path)));
      warm.push(await timed(() => client.get(path)));
      top.push(await timed(() => k.ok(['top', 'pods', '-A'])));
      get.push(await timed(() => k.ok(['get', 'pods', '-A'])));
    }
    const row = (name: string, xs: number[]) => console.log(`${name}: p50 ${percentile(xs, 50).toFixed(1)} ms, p90 ${percentile(xs, 90).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms`);
    console.log(`pods: ${podCount}, rounds: ${rounds}`);
    row('API list PodMetrics, cold (scrape)', cold);
    row('API list PodMetrics, warm (cache)', warm);
    row('kubectl top pods -A (process)', top);
    row('kubectl get pods -A (process, baseline)', get);
  } finally {
    await node.stop();
  }
}

await main();
