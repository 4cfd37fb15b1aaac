// Workload controllers at scale.
//
// Part "rollout": a real `k8ts server --simulate-nodes 100` (its scheduler binds, the simulated
// nodes run pods); one Deployment of 1,000 replicas is created over HTTPS and the clock runs
// until its status says 1,000 updated and available; then `set image` and the clock runs until
// the rollout is complete again.
//
// Part "memory": the controller manager's own memory with 10,000 pods, in process: 10
// Deployments × 1,000 replicas and 10 Services, made real by the controllers (pods marked
// ready as a kubelet would), then the heap with every controller running minus the heap once
// they are stopped (their informer caches, queues and indexes released). Run under
// `node --expose-gc` so both readings follow a full collection.
//
// Usage: npm run build && node --expose-gc dist/bench/deployment-bench.js [--parts rollout,memory] [--replicas 1000] [--nodes 100] [--pods 10000]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { KubeObject } from '../src/api/types.js';
import { RestClient, restConfigFromKubeconfig } from '../src/client/rest-client.js';
import { DeploymentController } from '../src/controllers/deployment/deployment-controller.js';
import { EndpointsController } from '../src/controllers/endpoints/endpoints-controller.js';
import { EndpointSliceController } from '../src/controllers/endpointslice/endpointslice-controller.js';
import { PodGCController } from '../src/controllers/podgc/podgc-controller.js';
import { ReplicaSetController } from '../src/controllers/replicaset/replica-set-controller.js';
import { replicaSetKind, replicationControllerKind } from '../src/controllers/replicaset/replicated-kind.js';
import { autoReadyPods, openTestCatalog } from '../src/controllers/test-catalog.js';
import { silentLogger } from '../src/util/log.js';
import { startK8ts } from '../test/support/k8ts-server.js';

const { values } = parseArgs({
  options: {
    parts: { type: 'string', default: 'rollout,memory' },
    replicas: { type: 'string', default: '1000' },
    nodes: { type: 'string', default: '100' },
    pods: { type: 'string', default: '10000' },
  },
});
const parts = values.parts!.split(',');

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

function cpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

async function until<T>(check: () => Promise<T | undefined | false>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  availableReplicas?: number;
}

function deployment(name: string, replicas: number, image: string): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image, ports: [{ name: 'http', containerPort: 8080 }], resources: { requests: { cpu: '10m', memory: '16Mi' } } }] } },
    },
  };
}

async function rollout(): Promise<void> {
  const replicas = Number(values.replicas);
  const nodes = Number(values.nodes);
  const server = await startK8ts({ extraArgs: ['--simulate-nodes', String(nodes)] });
  const client = new RestClient(restConfigFromKubeconfig(server.kubeconfig));
  try {
    await client.create('/api/v1/namespaces', { metadata: { name: 'bench' } });
    const path = '/apis/apps/v1/namespaces/bench/deployments';
    const complete = async (generation: number) => {
      const d = await client.get(`${path}/web`);
      const s = (d.status ?? {}) as DeploymentStatus;
      return (s.observedGeneration ?? 0) >= generation && s.updatedReplicas === replicas && s.replicas === replicas && s.availableReplicas === replicas;
    };
    const cpu0 = cpuSeconds(server.process.pid!);
    const t0 = performance.now();
    await client.create(path, deployment('web', replicas, 'nginx:1.26'));
    await until(() => complete(1), 600_000, 'all replicas available');
    const created = (performance.now() - t0) / 1000;
    const cpu1 = cpuSeconds(server.process.pid!);
    const t1 = performance.now();
    await client.patch(`${path}/web`, { spec: { template: { spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } } } }, 'application/strategic-merge-patch+json');
    await until(() => complete(2), 600_000, 'rollout complete');
    const rolled = (performance.now() - t1) / 1000;
    const cpu2 = cpuSeconds(server.process.pid!);
    const rss = rssMiB(server.process.pid!);
    console.log(`| Deployment of ${replicas} replicas on ${nodes} simulated nodes | wall time | server CPU |`);
    console.log('|---|---|---|');
    console.log(`| create → all ${replicas} Available | ${created.toFixed(1)} s | ${(cpu1 - cpu0).toFixed(1)} s |`);
    console.log(`| \`set image\` → rollout complete (25% surge / 25% unavailable) | ${rolled.toFixed(1)} s | ${(cpu2 - cpu1).toFixed(1)} s |`);
    console.log(`\nServer RSS afterwards: ${rss.toFixed(0)} MiB.\n`);
  } finally {
    client.close();
    await server.cleanup();
  }
}

function heapMiB(): number {
  (globalThis as { gc?: () => void }).gc?.();
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

/**
 * Starts the controllers. In a helper on purpose: a suspended async function keeps its loop
 * variables, so a loop here in memory() would pin the last controller (and its informers).
 */
async function startAll(controllers: { start(): Promise<void> }[]): Promise<void> {
  for (const c of controllers) await c.start();
}

/** Stops and forgets the controllers (in its own frame, so no stack slot keeps one alive). */
function stopAll(controllers: { stop(): void }[]): void {
  for (const c of controllers.splice(0)) c.stop();
}

async function memory(): Promise<void> {
  if (!(globalThis as { gc?: unknown }).gc) throw new Error('run with node --expose-gc');
  const pods = Number(values.pods);
  const perDeployment = 1000;
  const count = Math.ceil(pods / perDeployment);
  const t = await openTestCatalog(['bench']);
  const log = silentLogger();
  // The real clock: pods become available at once (minReadySeconds 0), as on a live server.
  const clock = { now: () => Date.now() };
  const stopKubelet = autoReadyPods({ ...t, clock: { now: clock.now, advance: () => undefined } });
  const controllers = [
    new ReplicaSetController(t.catalog, replicaSetKind, clock, log),
    new ReplicaSetController(t.catalog, replicationControllerKind, clock, log),
    new DeploymentController(t.catalog, clock, log),
    new EndpointsController(t.catalog, log),
    new EndpointSliceController(t.catalog, clock, log),
    new PodGCController(t.catalog, clock, log),
  ];
  const baseline = heapMiB();
  await startAll(controllers);
  const t0 = performance.now();
  const deploys = t.catalog.lookup('apps', 'v1', 'deployments')!;
  for (let i = 0; i < count; i++) {
    await deploys.create('bench', deployment(`app-${i}`, perDeployment, 'nginx:1.27'));
    await t.catalog.lookup('', 'v1', 'services')!.create('bench', { metadata: { name: `app-${i}` }, spec: { selector: { app: `app-${i}` }, ports: [{ port: 80, targetPort: 'http' }] } });
  }
  await until(async () => {
    const list = (await deploys.list('bench')).items;
    return list.every((d) => ((d.status ?? {}) as DeploymentStatus).availableReplicas === perDeployment);
  }, 1_800_000, 'every deployment available');
  const settled = (performance.now() - t0) / 1000;
  const slices = t.catalog.lookup('discovery.k8s.io', 'v1', 'endpointslices')!;
  await until(async () => {
    const n = (await slices.list('bench')).items.reduce((a, s) => a + ((s.endpoints as unknown[] | undefined)?.length ?? 0), 0);
    return n === count * perDeployment;
  }, 600_000, 'endpoint slices complete');
  stopKubelet();
  const running = heapMiB();
  const rss = process.memoryUsage().rss / 1024 / 1024;
  stopAll(controllers);
  await new Promise((r) => setTimeout(r, 100));
  const stopped = heapMiB();
  console.log(`| controller manager, ${count * perDeployment} pods (${count} Deployments × ${perDeployment}, ${count} Services) | value |`);
  console.log('|---|---|');
  console.log(`| heap held by the running controllers (caches, indexes, queues, expectations) | ${(running - stopped).toFixed(0)} MiB |`);
  console.log(`| per pod | ${(((running - stopped) * 1024) / (count * perDeployment)).toFixed(1)} KiB |`);
  console.log(`| heap of the whole process: before controllers / running / after stop | ${baseline.toFixed(0)} / ${running.toFixed(0)} / ${stopped.toFixed(0)} MiB |`);
  console.log(`| process RSS (registry, SQLite and controllers in one process) | ${rss.toFixed(0)} MiB |`);
  console.log(`| time from the first create to every Deployment available (in process) | ${settled.toFixed(1)} s |`);
  await t.close();
}

if (parts.includes('rollout')) await rollout();
if (parts.includes('memory')) await memory();
