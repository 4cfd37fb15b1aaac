// ConfigMap change → file visible inside running pods, on one real node: `k8ts server` with
// its embedded agent, P busybox pods that mount the same ConfigMap. Each round updates the
// ConfigMap with a PUT and times, per pod, how long until the new content is what the
// container sees: the file is read through `/proc/<container pid>/root`, i.e. through the
// container's own mount namespace, every 2 ms. Rounds are sequential.
//
// Usage: npm run build && node dist/bench/configmap-propagation-bench.js [--pods 5] [--updates 50]
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runCommand } from '../src/agent/runtime/command.js';
import { startBenchNode } from './support/bench-node.js';
import { percentile } from './support/stats.js';

const { values } = parseArgs({ options: { pods: { type: 'string', default: '5' }, updates: { type: 'string', default: '50' } } });
const podCount = Number(values.pods);
const updates = Number(values.updates);
const tag = randomBytes(3).toString('hex');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const node = await startBenchNode(`bench-cm-${tag}`);
  const { nodeName, runtimeRoot, image, client } = node;
  try {
    const cmPath = '/api/v1/namespaces/default/configmaps/bench';
    const cm = await client.create<Record<string, any>>('/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bench' }, data: { value: '0' } });
    for (let i = 0; i < podCount; i++) {
      await client.create('/api/v1/namespaces/default/pods', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `cm-${i}` },
        spec: { nodeName, terminationGracePeriodSeconds: 1, automountServiceAccountToken: false, containers: [{ name: 'c', image, command: ['sleep', '100000'], volumeMounts: [{ name: 'cfg', mountPath: '/etc/cfg' }] }], volumes: [{ name: 'cfg', configMap: { name: 'bench' } }] },
      });
    }
    // The container's host pid: what `runc state` reports for the pod's container ID.
    const files: string[] = [];
    for (let i = 0; i < podCount; i++) {
      let id = '';
      for (;;) {
        const p = await client.get<Record<string, any>>(`/api/v1/namespaces/default/pods/cm-${i}`);
        const cs = p.status?.containerStatuses?.[0];
        if (cs?.state?.running) {
          id = String(cs.containerID).replace(/^runc:\/\//, '');
          break;
        }
        await sleep(100);
      }
      const state = JSON.parse((await runCommand('runc', ['--root', runtimeRoot, 'state', id])).stdout) as { pid: number };
      files.push(`/proc/${state.pid}/root/etc/cfg/value`);
    }
    const latencies: number[] = [];
    let version = cm;
    for (let u = 1; u <= updates; u++) {
      const want = String(u);
      const t0 = performance.now();
      version = await client.update<Record<string, any>>(cmPath, { ...version, data: { value: want } });
      const pending = new Set(files);
      while (pending.size) {
        for (const f of [...pending]) {
          let text = '';
          try {
            text = readFileSync(f, 'utf8');
          } catch {
            // mid-swap: try again
          }
          if (text === want) {
            latencies.push(performance.now() - t0);
            pending.delete(f);
          }
        }
        if (performance.now() - t0 > 120_000) throw new Error(`update ${u} not visible after 120 s`);
        if (pending.size) await sleep(2);
      }
    }
    const fmt = (n: number) => `${n.toFixed(0)} ms`;
    console.log(`pods: ${podCount}, updates: ${updates}, samples: ${latencies.length}`);
    console.log(`ConfigMap PUT → file visible in pod: p50 ${fmt(percentile(latencies, 50))}, p90 ${fmt(percentile(latencies, 90))}, p99 ${fmt(percentile(latencies, 99))}, max ${fmt(Math.max(...latencies))}`);
  } finally {
    await node.stop();
  }
}

await main();
