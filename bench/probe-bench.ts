// Probe overhead on one real node: `k8ts server --disable-agent` plus a `k8ts agent` joined
// with the token (its own process, so its CPU is measured alone; node networking in a network
// namespace of its own, as the e2e tests run it), the busybox test image in a local registry,
// then N pods running busybox `httpd`, first without probes and then with an httpGet
// liveness probe every second. For each set the agent's CPU and that of its connection
// helper (the process that dials pod IPs inside the node's namespace) are read from /proc over
// a fixed window once every pod is Running.
//
// Usage: npm run build && node dist/bench/probe-bench.js [--pods 100] [--window 30]
import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { resetNode } from '../src/agent/reset/reset.js';
import { claimTestResources, reapStaleTestEnvs } from '../src/agent/runtime/test-support.js';
import { RestClient, restConfigFromKubeconfig } from '../src/client/rest-client.js';
import { startK8ts } from '../test/support/k8ts-server.js';
import { nodeNetnsFor } from '../test/support/node-netns.js';
import { startRegistry } from '../test/support/registry.js';
import { buildBusyboxImage, pushImage } from '../test/support/test-images.js';
import { cpuMs, rssMiB, stopChild } from './support/stats.js';

const { values } = parseArgs({ options: { pods: { type: 'string', default: '100' }, window: { type: 'string', default: '30' } } });
const podCount = Number(values.pods);
const windowS = Number(values.window);
const tag = randomBytes(3).toString('hex');
const nodeName = `k8ts-pbench-${tag}`;
const cgroupRoot = `/k8ts-pbench-${tag}`;
const runtimeRoot = `/run/k8ts-pbench-${tag}`;

/** The agent's netns connection helpers: children of the server running the helper script. */
function helperPids(agentPid: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.split(') ')[1]!.split(' ')[1]);
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8');
      if (ppid === agentPid && cmd.includes('netns-connect-helper')) out.push(Number(d));
    } catch {
      // gone
    }
  }
  return out;
}

function podBody(name: string, image: string, probe: boolean): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { bench: tag } },
    spec: {
      nodeName,
      terminationGracePeriodSeconds: 1,
      automountServiceAccountToken: false,
      containers: [
        {
          name: 'web',
          image,
          command: ['sh', '-c', 'mkdir -p /www && echo ok > /www/healthz && exec httpd -f -p 8080 -h /www'],
          ...(probe ? { livenessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 1 } } : {}),
        },
      ],
    },
  };
}

interface PodList {
  items: { metadata: { name?: string }; status?: { phase?: string; containerStatuses?: { ready?: boolean; restartCount?: number }[] } }[];
}

async function main(): Promise<void> {
  await reapStaleTestEnvs();
  const dataDir = mkdtempSync(join(tmpdir(), 'k8ts-bench-probes-'));
  const claim = claimTestResources({ dir: join(dataDir, 'node'), root: runtimeRoot, cgroupRoot, podsDir: join(dataDir, 'node', 'agent', 'pods') }, `pbench-${tag}`);
  const registry = await startRegistry();
  claim.addProcess(registry.pid, 'docker-registry');
  const server = await startK8ts({ dataDir: join(dataDir, 'server') });
  const client = new RestClient(restConfigFromKubeconfig(server.kubeconfig));
  const agentDir = join(dataDir, 'node');
  let agent: ChildProcess | undefined;
  try {
    const netns = await nodeNetnsFor(agentDir);
    const token = readFileSync(join(server.dataDir, 'token'), 'utf8').trim();
    agent = spawn(process.execPath, ['bin/k8ts', 'agent', '--server', server.url, '--token', token, '--data-dir', agentDir, '--node-name', nodeName, '--node-ip', netns.nodeAddress, '--node-netns', netns.name, '--kubelet-port', '0', '--cgroup-root', cgroupRoot, '--runtime-root', runtimeRoot, '--max-pods', String(podCount + 10)], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, K8TS_LOG_LEVEL: 'warn' },
    });
    claim.addProcess(agent.pid!, 'k8ts agent');
    const pid = agent.pid!;
    for (;;) {
      const n = await client.get<{ status?: { conditions?: { type: string; status: string }[] } }>(`/api/v1/nodes/${nodeName}`).catch(() => undefined);
      if (n?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    await pushImage(registry.url, 'k8ts/busybox', 'bench', await buildBusyboxImage());
    const image = `${registry.host}/k8ts/busybox:bench`;
    const list = () => client.get<PodList>('/api/v1/namespaces/default/pods', { labelSelector: `bench=${tag}` });

    const measure = async (probe: boolean) => {
      const names = Array.from({ length: podCount }, (_, i) => `${probe ? 'probed' : 'plain'}-${i}`);
      for (const n of names) await client.create('/api/v1/namespaces/default/pods', podBody(n, image, probe));
      for (;;) {
        const l = await list();
        if (l.items.length === podCount && l.items.every((p) => p.status?.phase === 'Running' && p.status.containerStatuses?.[0]?.ready)) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      await new Promise((r) => setTimeout(r, 5000));
      const helpersBefore = helperPids(pid);
      const cpu0 = cpuMs(pid);
      const h0 = helpersBefore.reduce((a, p) => a + cpuMs(p), 0);
      const t0 = performance.now();
      await new Promise((r) => setTimeout(r, windowS * 1000));
      const elapsed = (performance.now() - t0) / 1000;
      const helpers = helperPids(pid);
      const agentMsPerS = (cpuMs(pid) - cpu0) / elapsed;
      // Helpers that existed before the window; new ones count from zero.
      const helperMsPerS = (helpers.reduce((a, p) => a + cpuMs(p), 0) - h0) / elapsed;
      const rss = rssMiB(pid);
      const helperRss = helpers.reduce((a, p) => a + rssMiB(p), 0);
      const l = await list();
      const restarts = l.items.reduce((a, p) => a + (p.status?.containerStatuses?.[0]?.restartCount ?? 0), 0);
      const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
      // Why probes failed, if they did (a busy machine can make them time out).
      const events = await client.get<{ items: { reason?: string; message?: string; count?: number }[] }>('/api/v1/namespaces/default/events', { fieldSelector: 'reason=Unhealthy' });
      const unhealthy = new Map<string, number>();
      for (const e of events.items) {
        const why = (e.message ?? '').replace(/\d+\.\d+\.\d+\.\d+:\d+/g, '<pod>:<port>');
        unhealthy.set(why, (unhealthy.get(why) ?? 0) + (e.count ?? 1));
      }
      await client.request('DELETE', '/api/v1/namespaces/default/pods', { query: { labelSelector: `bench=${tag}`, gracePeriodSeconds: 1 } });
      for (;;) {
        if ((await list()).items.length === 0) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      return { agentMsPerS, helperMsPerS, helpers: helpers.length, rss, helperRss, restarts, load, unhealthy };
    };

    const plain = await measure(false);
    const probed = await measure(true);
    const pct = (msPerS: number) => `${(msPerS / 10).toFixed(1)} %`;
    console.log(`${podCount} pods running busybox httpd on one node, ${windowS} s window each`);
    console.log(`without probes: agent ${pct(plain.agentMsPerS)} of a core, RSS ${plain.rss.toFixed(0)} MiB; load ${plain.load}`);
    console.log(`with an httpGet liveness probe every 1 s: agent ${pct(probed.agentMsPerS)} of a core, RSS ${probed.rss.toFixed(0)} MiB; dial helpers: ${probed.helpers} using ${pct(probed.helperMsPerS)} of a core, ${probed.helperRss.toFixed(0)} MiB RSS; load ${probed.load}`);
    const perProbe = (probed.agentMsPerS + probed.helperMsPerS - plain.agentMsPerS - plain.helperMsPerS) / podCount;
    console.log(`probe overhead: ${pct(probed.agentMsPerS + probed.helperMsPerS - plain.agentMsPerS - plain.helperMsPerS)} of a core for ${podCount} probes/s = ${perProbe.toFixed(2)} ms CPU per probe; restarts during the run: ${probed.restarts}`);
    for (const [why, n] of probed.unhealthy) console.log(`  Unhealthy ×${n}: ${why}`);
  } finally {
    client.close();
    await stopChild(agent);
    await server.stop();
    await resetNode({ dataDir: agentDir, removeData: true });
    await registry.stop();
    claim.release();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
