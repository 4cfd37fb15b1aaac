// Scheduling throughput end to end through the API (the shape of Kubernetes' scheduler_perf
// SchedulingBasic): a real `k8ts server` with N simulated nodes; P pods created over HTTPS
// by concurrent clients; the clock runs from the first create until the last pod is bound, as
// seen by a watch on bound pods. Variants: basic, required pod anti-affinity by hostname,
// topology spread over zones.
//
// Usage: npm run build && node dist/bench/scheduler-bench.js [--nodes 5000] [--pods 10000] [--clients 50] [--variants basic,anti-affinity,spread]
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startK8ts, type TestServer } from '../test/support/k8ts-server.js';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '5000' },
    pods: { type: 'string', default: '10000' },
    clients: { type: 'string', default: '50' },
    variants: { type: 'string', default: 'basic,anti-affinity,spread' },
    groups: { type: 'string', default: '10' },
  },
});
const nodeCount = Number(values.nodes);
const podCount = Number(values.pods);
const clients = Number(values.clients);
const groups = Number(values.groups);

type Variant = 'basic' | 'anti-affinity' | 'spread';

/** scheduler_perf's pod-default.yaml: 100m CPU, 500Mi memory; plus the variant's constraint. */
function podBody(i: number, variant: Variant): string {
  const group = `g${i % groups}`;
  const spec: Record<string, unknown> = {
    containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.10', ports: [{ containerPort: 80 }], resources: { limits: { cpu: '100m', memory: '500Mi' }, requests: { cpu: '100m', memory: '500Mi' } } }],
  };
  if (variant === 'anti-affinity') {
    spec.affinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { group } } }] } };
  } else if (variant === 'spread') {
    spec.topologySpreadConstraints = [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { group } } }];
  }
  return JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `pod-${i}`, labels: { app: 'bench', group } }, spec });
}

/** CPU seconds a process has used (utime + stime from /proc, 100 ticks a second). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Counts pods as they get a node, through a watch on `spec.nodeName!=` in the namespace. */
function watchBound(server: TestServer, onBound: (n: number) => void): () => void {
  const seen = new Set<string>();
  const cfg = readFileSync(server.kubeconfig, 'utf8');
  const b64 = (k: string) => Buffer.from(new RegExp(`${k}: (\\S+)`).exec(cfg)![1]!, 'base64');
  const req = https.request(new URL('/api/v1/namespaces/bench/pods?watch=true&fieldSelector=spec.nodeName!%3D', server.url), {
    ca: b64('certificate-authority-data'),
    cert: b64('client-certificate-data'),
    key: b64('client-key-data'),
  }, (res) => {
    let buf = '';
    res.setEncoding('utf8').on('data', (d: string) => {
      buf += d;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const ev = JSON.parse(line) as { object: { metadata: { name: string } } };
        seen.add(ev.object.metadata.name);
        onBound(seen.size);
      }
    });
  });
  req.end();
  return () => req.destroy();
}

interface Result {
  variant: Variant;
  createPerSec: number;
  scheduledPerSec: number;
  seconds: number;
  rssMiB: number;
  /** Server CPU per pod (ms), and what that allows on one core the server has to itself. */
  serverCpuMsPerPod: number;
  /** The same without the fleet's idle load (heartbeats) over the run. */
  podCpuMsPerPod: number;
  /** Share of a core the idle fleet uses. */
  idleCores: number;
  clientCpuMsPerPod: number;
}

async function run(variant: Variant): Promise<Result> {
  const server = await startK8ts({
    extraArgs: [
      '--simulate-nodes', String(nodeCount),
      '--simulate-node-capacity', 'cpu=4,memory=32Gi,pods=110',
      '--simulate-node-labels', 'topology.kubernetes.io/zone=zone-{index%10}',
    ],
  });
  try {
    await server.request('POST', '/api/v1/namespaces', { body: JSON.stringify({ metadata: { name: 'bench' } }), headers: { 'Content-Type': 'application/json' } });
    let done!: () => void;
    const allBound = new Promise<void>((r) => (done = r));
    let lastBound = 0;
    const stop = watchBound(server, (n) => {
      lastBound = performance.now();
      if (n >= podCount) done();
    });
    // The fleet's own load (Lease renewals, status reports) with no pods: subtracted below.
    const idle0 = cpuSeconds(server.process.pid!);
    const idleT0 = performance.now();
    await new Promise((r) => setTimeout(r, 5000));
    const idleCpuPerSec = (cpuSeconds(server.process.pid!) - idle0) / ((performance.now() - idleT0) / 1000);
    process.stderr.write(`${variant}: creating ${podCount} pods on ${nodeCount} nodes…\n`);
    const t0 = performance.now();
    const serverCpu0 = cpuSeconds(server.process.pid!);
    const clientCpu0 = process.cpuUsage();
    let next = 0;
    let failures = 0;
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (next < podCount) {
          const i = next++;
          const r = await server.request('POST', '/api/v1/namespaces/bench/pods', { body: podBody(i, variant), headers: { 'Content-Type': 'application/json' } });
          if (r.status >= 300) failures++;
        }
      }),
    );
    const created = performance.now();
    if (failures) throw new Error(`${failures} creates failed`);
    const timeout = setTimeout(() => done(), 300_000);
    await allBound;
    clearTimeout(timeout);
    stop();
    const serverCpu = cpuSeconds(server.process.pid!) - serverCpu0;
    const clientCpu = process.cpuUsage(clientCpu0);
    const seconds = (lastBound - t0) / 1000;
    return {
      variant,
      createPerSec: podCount / ((created - t0) / 1000),
      scheduledPerSec: podCount / seconds,
      seconds,
      rssMiB: rssMiB(server.process.pid!),
      serverCpuMsPerPod: (serverCpu * 1000) / podCount,
      podCpuMsPerPod: ((serverCpu - idleCpuPerSec * seconds) * 1000) / podCount,
      idleCores: idleCpuPerSec,
      clientCpuMsPerPod: (clientCpu.user + clientCpu.system) / 1000 / podCount,
    };
  } finally {
    await server.cleanup();
  }
}

const results: Result[] = [];
for (const v of values.variants!.split(',') as Variant[]) {
  const r = await run(v);
  process.stderr.write(`${v}: ${r.scheduledPerSec.toFixed(0)} pods/s scheduled end to end (${r.seconds.toFixed(1)} s), creates ${r.createPerSec.toFixed(0)}/s, server CPU ${r.serverCpuMsPerPod.toFixed(2)} ms/pod (${r.podCpuMsPerPod.toFixed(2)} without the idle fleet's ${(r.idleCores * 100).toFixed(0)}%)\n`);
  results.push(r);
}
console.log(`| variant (${nodeCount} nodes, ${podCount} pods, ${clients} clients) | pods scheduled/s, first create → last bound | creates/s | wall time | server CPU per pod (all / without idle fleet) | server-CPU-bound rate (1 core) | idle fleet load | client CPU per pod | server RSS after |`);
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of results) {
  console.log(
    `| ${r.variant} | ${r.scheduledPerSec.toFixed(0)} | ${r.createPerSec.toFixed(0)} | ${r.seconds.toFixed(1)} s | ${r.serverCpuMsPerPod.toFixed(2)} / ${r.podCpuMsPerPod.toFixed(2)} ms | ${(1000 / r.podCpuMsPerPod).toFixed(0)} pods/s | ${(r.idleCores * 100).toFixed(0)}% of a core | ${r.clientCpuMsPerPod.toFixed(2)} ms | ${r.rssMiB.toFixed(0)} MiB |`,
  );
}
