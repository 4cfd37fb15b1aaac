// Declarative-management figures: `kubectl apply` of a 100-object file against a running
// server (wall time and the server's share of it, from /metrics), and strategic merge patch
// of a 50-container pod spec (in-process p50/p99, and through the API).
//
// Usage: npm run build && node dist/bench/apply-bench.js [--objects 100] [--iterations 2000] [--kubectl 1.33]
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { strategicMergePatch } from '../src/apiserver/patch/strategic-merge.js';
import { defaultFieldManager } from '../src/apiserver/apply/tracking.js';
import { startK8ts, type TestServer } from '../test/support/k8ts-server.js';
import { Kubectl, type KubectlVersion } from '../test/support/kubectl.js';

const { values } = parseArgs({
  options: {
    objects: { type: 'string', default: '100' },
    iterations: { type: 'string', default: '2000' },
    kubectl: { type: 'string', default: '1.33' },
  },
});
const objectCount = Number(values.objects);
const iterations = Number(values.iterations);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const ms = (x: number): string => x.toFixed(3);

/** CPU seconds the server process has used (user + system, from /proc): immune to other load. */
function serverCpu(server: TestServer): number {
  const fields = readFileSync(`/proc/${server.process.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

/** Sum and count of apiserver_request_duration_seconds over every verb and resource. */
async function serverSeconds(server: TestServer): Promise<{ sum: number; count: number }> {
  const text = (await server.request('GET', '/metrics')).body;
  let sum = 0;
  let count = 0;
  for (const line of text.split('\n')) {
    const m = /^apiserver_request_duration_seconds_(sum|count)\{[^}]*\} ([0-9.e+-]+)$/.exec(line);
    if (!m) continue;
    if (m[1] === 'sum') sum += Number(m[2]);
    else count += Number(m[2]);
  }
  return { sum, count };
}

/** A file of `n` objects: a third Deployments, a third Services, a third ConfigMaps. */
function manifest(ns: string, n: number, image: string): string {
  const docs: string[] = [];
  for (let i = 0; i < n; i++) {
    const name = `obj-${i}`;
    if (i % 3 === 0) {
      docs.push(`apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${ns}, labels: {app: ${name}}}
spec:
  replicas: 2
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers:
      - name: app
        image: ${image}
        ports: [{containerPort: 8080}]
        env: [{name: MODE, value: prod}]
        resources: {requests: {cpu: 10m, memory: 16Mi}}`);
    } else if (i % 3 === 1) {
      docs.push(`apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: ${ns}}
spec:
  selector: {app: ${name}}
  ports: [{name: http, port: 80, targetPort: 8080}]`);
    } else {
      docs.push(`apiVersion: v1
kind: ConfigMap
metadata: {name: ${name}, namespace: ${ns}}
data: {config: "image=${image}"}`);
    }
  }
  return docs.join('\n---\n') + '\n';
}

async function timedApply(server: TestServer, k: Kubectl, args: string[]): Promise<{ wall: number; server: number; cpu: number; requests: number }> {
  const before = await serverSeconds(server);
  const cpu0 = serverCpu(server);
  const t0 = performance.now();
  await k.ok(args);
  const wall = (performance.now() - t0) / 1000;
  const cpu = serverCpu(server) - cpu0;
  const after = await serverSeconds(server);
  // The /metrics read itself is one request; leave it out.
  return { wall, server: after.sum - before.sum, cpu, requests: after.count - before.count - 1 };
}

function podSpec(containers: number): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'big', namespace: 'default', labels: { app: 'big' } },
    spec: {
      containers: Array.from({ length: containers }, (_, i) => ({
        name: `c${i}`,
        image: `registry.local/app-${i}:1.0`,
        ports: [{ containerPort: 8000 + i, protocol: 'TCP' }],
        env: [
          { name: 'INDEX', value: String(i) },
          { name: 'MODE', value: 'prod' },
        ],
        resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '64Mi' } },
        volumeMounts: [{ name: 'data', mountPath: '/data' }],
      })),
      volumes: [{ name: 'data', emptyDir: {} }],
    },
  };
}

/** What `kubectl set image` sends to change every tenth container's image (pods allow only that). */
function smpPatch(containers: number, round: number): Record<string, unknown> {
  const changed = Array.from({ length: containers }, (_, i) => i).filter((i) => i % 10 === 0);
  return {
    spec: {
      '$setElementOrder/containers': Array.from({ length: containers }, (_, i) => ({ name: `c${i}` })),
      containers: changed.map((i) => ({ name: `c${i}`, image: `registry.local/app-${i}:1.${round}` })),
    },
  };
}

function inProcessSmp(): void {
  const pod = podSpec(50);
  const gvk = { group: '', version: 'v1', kind: 'Pod' };
  const fm = defaultFieldManager();
  // Wall time shows what a request waits; CPU time (this process only) is what the work costs,
  // and stays meaningful when other processes compete for the cores.
  const smp: number[] = [];
  const smpCpu: number[] = [];
  const tracked: number[] = [];
  const trackedCpu: number[] = [];
  const cpu = (): number => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  let current = pod as never;
  for (let i = 0; i < iterations; i++) {
    const patch = JSON.parse(JSON.stringify(smpPatch(50, i % 7)));
    let c0 = cpu();
    let t0 = performance.now();
    const next = strategicMergePatch(current, patch, gvk);
    smp.push(performance.now() - t0);
    smpCpu.push(cpu() - c0);
    c0 = cpu();
    t0 = performance.now();
    fm.trackUpdate(next as never, current, { manager: 'bench', apiVersion: 'v1', kind: 'Pod', now: new Date().toISOString(), statusSplit: true });
    tracked.push(performance.now() - t0);
    trackedCpu.push(cpu() - c0);
    current = next as never;
  }
  for (const xs of [smp, smpCpu, tracked, trackedCpu]) xs.sort((a, b) => a - b);
  const row = (xs: number[]) => `p50 ${ms(percentile(xs, 50))} ms, p99 ${ms(percentile(xs, 99))} ms`;
  console.log(`in-process SMP, 50-container pod spec, ${iterations} patches: wall ${row(smp)}; CPU ${row(smpCpu)}`);
  console.log(`in-process managedFields tracking of the same write: wall ${row(tracked)}; CPU ${row(trackedCpu)}`);
  console.log(`load average during the run: ${loadavg().map((x) => x.toFixed(1)).join(' ')} on ${cpus().length} cores`);
}

async function apiSmp(server: TestServer): Promise<void> {
  const created = await server.request('POST', '/api/v1/namespaces/default/pods', { body: JSON.stringify(podSpec(50)), headers: { 'content-type': 'application/json' } });
  if (created.status !== 201) throw new Error(`create pod: ${created.status} ${created.body}`);
  const n = Math.min(iterations, 500);
  const client: number[] = [];
  const before = await serverSeconds(server);
  const cpu0 = serverCpu(server);
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const r = await server.request('PATCH', '/api/v1/namespaces/default/pods/big?fieldManager=bench', {
      body: JSON.stringify(smpPatch(50, i % 7)),
      headers: { 'content-type': 'application/strategic-merge-patch+json' },
    });
    client.push(performance.now() - t0);
    if (r.status !== 200) throw new Error(`patch: ${r.status} ${r.body}`);
  }
  const cpuPerPatch = ((serverCpu(server) - cpu0) / n) * 1000;
  const after = await serverSeconds(server);
  client.sort((a, b) => a - b);
  const mean = ((after.sum - before.sum) / (after.count - before.count - 1)) * 1000;
  console.log(
    `SMP through the API (HTTPS, one client), ${n} patches: client p50 ${ms(percentile(client, 50))} ms, p99 ${ms(percentile(client, 99))} ms; ` +
      `server request time mean ${ms(mean)} ms; server CPU per patch (incl. watchers and controllers) ${ms(cpuPerPatch)} ms`,
  );
}

async function main(): Promise<void> {
  inProcessSmp();
  const server = await startK8ts();
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-apply-bench-'));
  try {
    const k = new Kubectl(values.kubectl as KubectlVersion, server.kubeconfig);
    await k.ok(['create', 'namespace', 'bench']);
    await k.ok(['api-resources']); // fill kubectl's discovery cache, as a user's would be
    const v1 = join(dir, 'v1.yaml');
    const v2 = join(dir, 'v2.yaml');
    writeFileSync(v1, manifest('bench', objectCount, 'registry.local/app:1.0'));
    writeFileSync(v2, manifest('bench', objectCount, 'registry.local/app:2.0'));
    const rows: [string, Awaited<ReturnType<typeof timedApply>>][] = [
      ['apply (create)', await timedApply(server, k, ['apply', '-f', v1])],
      ['apply (unchanged)', await timedApply(server, k, ['apply', '-f', v1])],
      ['apply (every object changed)', await timedApply(server, k, ['apply', '-f', v2])],
      ['apply --server-side (takes over)', await timedApply(server, k, ['apply', '--server-side', '--force-conflicts', '-f', v1])],
      ['apply --server-side (unchanged)', await timedApply(server, k, ['apply', '--server-side', '-f', v1])],
    ];
    console.log(`\nkubectl ${values.kubectl} apply of a ${objectCount}-object file:`);
    for (const [what, r] of rows) {
      console.log(
        `  ${what}: wall ${r.wall.toFixed(2)} s, ${r.requests} requests, server request time ${r.server.toFixed(3)} s (${((r.server / r.wall) * 100).toFixed(1)}%), server CPU ${r.cpu.toFixed(2)} s`,
      );
    }
    await apiSmp(server);
  } finally {
    await server.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
