// ConfigMap change → file visible inside running pods, on one real node: `k8ts server` with
// its embedded agent, P busybox pods that mount the same ConfigMap. Each round updates the
// ConfigMap with a PUT and times, per pod, how long until the new content is what the
// container sees: the file is read through `/proc/<container pid>/root`, i.e. through the
// container's own mount namespace, every 2 ms. Rounds are sequential.
//
// Usage: npm run build && node dist/bench/configmap-propagation-bench.js [--pods 5] [--updates 50]
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { resetNode } from '../src/agent/reset/reset.js';
import { runCommand } from '../src/agent/runtime/command.js';
import { RestClient, restConfigFromKubeconfig } from '../src/client/rest-client.js';
import { startK8ts } from '../test/support/k8ts-server.js';
import { startRegistry } from '../test/support/registry.js';
import { buildBusyboxImage, pushImage } from '../test/support/test-images.js';

const { values } = parseArgs({ options: { pods: { type: 'string', default: '5' }, updates: { type: 'string', default: '50' } } });
const podCount = Number(values.pods);
const updates = Number(values.updates);
const tag = randomBytes(3).toString('hex');
const nodeName = `k8ts-bench-cm-${tag}`;
const cgroupRoot = `/k8ts-bench-cm-${tag}`;
const runtimeRoot = `/run/k8ts-bench-cm-${tag}`;

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'k8ts-bench-cm-'));
  const dataDir = join(work, 'server');
  const registry = await startRegistry();
  const server = await startK8ts({ dataDir, agent: true, extraArgs: ['--node-name', nodeName, '--node-ip', '127.0.0.1', '--kubelet-port', '0', '--cgroup-root', cgroupRoot, '--runtime-root', runtimeRoot] });
  try {
    await pushImage(registry.url, 'k8ts/busybox', 'bench', await buildBusyboxImage());
    const image = `${registry.host}/k8ts/busybox:bench`;
    const client = new RestClient(restConfigFromKubeconfig(server.kubeconfig));
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
    await server.stop().catch(() => undefined);
    await resetNode({ dataDir, removeData: true }).catch((err) => console.error('reset failed', err));
    await registry.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
