// Pod start-up on one real node: `k8ts server --disable-agent` plus a `k8ts agent` joined with
// the token (its own process, so its memory is measured alone), a busybox image already
// present in the node's store, then N pods created at R per second with spec.nodeName set.
// Latency is from the pod's create request returning to the watch event that shows the pod
// Running. The floor is `runc run` of the same container (bundle and overlay prepared, time
// until runc's pid file exists), measured in the same run. Also: the agent's RSS with 0 and
// N pods, and its CPU time per pod.
//
// Usage: npm run build && node dist/bench/pod-startup-bench.js [--pods 100] [--rate 20] [--floor-runs 30] [--runtime runc|crun] [--agent-flags=--flannel-backend=none]
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { LocalImageService } from '../src/agent/images/local-image-service.js';
import { resetNode } from '../src/agent/reset/reset.js';
import { detectCgroupLayout, removeCgroup } from '../src/agent/runtime/cgroups.js';
import { ociSpec } from '../src/agent/runtime/oci-spec.js';
import { mountOverlay, overlayDirsIn, unmount } from '../src/agent/runtime/overlay.js';
import { RestClient, restConfigFromKubeconfig } from '../src/client/rest-client.js';
import { startK8ts } from '../test/support/k8ts-server.js';
import { startRegistry } from '../test/support/registry.js';
import { buildBusyboxImage, pushImage } from '../test/support/test-images.js';
import { cpuMs, percentile, rssMiB, stopChild } from './support/stats.js';

const { values } = parseArgs({ options: { pods: { type: 'string', default: '100' }, rate: { type: 'string', default: '20' }, 'floor-runs': { type: 'string', default: '30' }, runtime: { type: 'string', default: 'runc' }, 'agent-flags': { type: 'string', default: '' } } });
const podCount = Number(values.pods);
const rate = Number(values.rate);
const floorRuns = Number(values['floor-runs']);
const tag = randomBytes(3).toString('hex');
const nodeName = `k8ts-bench-${tag}`;
const cgroupRoot = `/k8ts-bench-${tag}`;
const runtimeRoot = `/run/k8ts-bench-${tag}`;

function podBody(name: string, image: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { bench: tag } },
    spec: { nodeName, terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image, imagePullPolicy: 'IfNotPresent', command: ['sleep', '100000'] }] },
  };
}

/** `runc run` of the same image and command, straight from a prepared bundle, until the pid file appears. */
async function runcFloor(images: LocalImageService, ref: string, dir: string, runs: number): Promise<number[]> {
  const image = (await images.getImage(ref))!;
  const out: number[] = [];
  const root = `${runtimeRoot}-floor`;
  for (let i = 0; i < runs; i++) {
    const bundle = join(dir, `floor-${i}`);
    const id = `k8ts-bench-floor-${tag}-${i}`;
    mkdirSync(bundle, { recursive: true });
    await mountOverlay(overlayDirsIn(bundle, image.layers));
    const spec = ociSpec({ args: ['sleep', '100000'], env: ['PATH=/bin'], cwd: '/', user: { uid: 0, gid: 0 }, hostname: id, cgroupsPath: `${cgroupRoot}-floor/${id}`, mounts: [], resources: {}, security: {} });
    writeFileSync(join(bundle, 'config.json'), JSON.stringify(spec));
    const pidFile = join(bundle, 'pid');
    const t = performance.now();
    const child = spawn('runc', ['--root', root, 'run', '--pid-file', pidFile, '--bundle', bundle, id], { stdio: 'ignore', detached: true });
    child.unref();
    while (!existsSync(pidFile)) await new Promise((r) => setTimeout(r, 1));
    out.push(performance.now() - t);
    spawn('runc', ['--root', root, 'kill', id, 'KILL'], { stdio: 'ignore' });
    await new Promise<void>((r) => child.once('exit', () => r()));
    await unmount(join(bundle, 'rootfs'));
  }
  rmSync(root, { recursive: true, force: true });
  removeCgroup(detectCgroupLayout(), `${cgroupRoot}-floor`);
  return out;
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'k8ts-bench-pods-'));
  const registry = await startRegistry();
  const server = await startK8ts({ dataDir: join(work, 'server') });
  const agentDir = join(work, 'node');
  let agent: ChildProcess | undefined;
  const client = new RestClient(restConfigFromKubeconfig(server.kubeconfig));
  try {
    await pushImage(registry.url, 'k8ts/busybox', 'bench', await buildBusyboxImage());
    const image = `${registry.host}/k8ts/busybox:bench`;
    const token = readFileSync(join(server.dataDir, 'token'), 'utf8').trim();
    // K8TS_BENCH_AGENT_NODE_ARGS (e.g. --cpu-prof) is passed to the agent's node process.
    const nodeArgs = (process.env.K8TS_BENCH_AGENT_NODE_ARGS ?? '').split(' ').filter(Boolean);
    agent = spawn(process.execPath, [...nodeArgs, resolve('bin/k8ts'), 'agent', '--server', server.url, '--token', token, '--data-dir', agentDir, '--node-name', nodeName, '--node-ip', '127.0.0.1', '--kubelet-port', '0', '--cgroup-root', cgroupRoot, '--runtime-root', runtimeRoot, '--runtime', String(values.runtime), ...String(values['agent-flags']).split(' ').filter(Boolean)], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, K8TS_LOG_LEVEL: 'warn' },
    });
    for (;;) {
      const n = await client.get<{ status?: { conditions?: { type: string; status: string }[] } }>(`/api/v1/nodes/${nodeName}`).catch(() => undefined);
      if (n?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) break;
      await new Promise((r) => setTimeout(r, 100));
    }

    // Running pods, as the watch reports them.
    const runningAt = new Map<string, number>();
    const watch = client.watch('/api/v1/namespaces/default/pods', { labelSelector: `bench=${tag}` }, (_type, pod) => {
      const status = pod.status as { phase?: string } | undefined;
      if (status?.phase === 'Running' && !runningAt.has(pod.metadata.name!)) runningAt.set(pod.metadata.name!, performance.now());
    }, () => undefined);
    const waitRunning = async (names: string[]) => {
      while (names.some((n) => !runningAt.has(n))) await new Promise((r) => setTimeout(r, 20));
    };

    // Warm-up: pulls the image into the node's store (so every measured pod finds it present).
    await client.create('/api/v1/namespaces/default/pods', podBody('warmup', image));
    await waitRunning(['warmup']);
    await client.delete('/api/v1/namespaces/default/pods/warmup', { gracePeriodSeconds: 1 });
    await new Promise((r) => setTimeout(r, 3000));
    const rss0 = rssMiB(agent.pid!);

    // One pod at a time: the pipeline's own latency, without queueing behind other pods.
    const single: number[] = [];
    for (let i = 0; i < 10; i++) {
      const name = `single-${i}`;
      await client.create('/api/v1/namespaces/default/pods', podBody(name, image));
      const t = performance.now();
      await waitRunning([name]);
      single.push(runningAt.get(name)! - t);
    }

    const createdAt = new Map<string, number>();
    const cpuBefore = cpuMs(agent.pid!);
    const serverCpuBefore = cpuMs(server.process.pid!);
    const names = Array.from({ length: podCount }, (_, i) => `bench-${i}`);
    const started = performance.now();
    await Promise.all(
      names.map(async (name, i) => {
        const due = started + (i * 1000) / rate;
        await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
        await client.create('/api/v1/namespaces/default/pods', podBody(name, image));
        createdAt.set(name, performance.now());
      }),
    );
    await waitRunning(names);
    const cpuAfter = cpuMs(agent.pid!);
    const serverCpuAfter = cpuMs(server.process.pid!);
    await new Promise((r) => setTimeout(r, 2000));
    const rss100 = rssMiB(agent.pid!);
    const latencies = names.map((n) => runningAt.get(n)! - createdAt.get(n)!);
    watch.stop();

    const images = await LocalImageService.open({ agentDataDir: join(agentDir, 'agent') });
    const floor = await runcFloor(images, image, join(work, 'floor'), floorRuns);

    const fmt = (x: number) => `${Math.round(x)} ms`;
    console.log(`pods: ${podCount} at ${rate}/s on one node (image present), runtime ${values.runtime}`);
    console.log(`created → Running: p50 ${fmt(percentile(latencies, 50))}, p99 ${fmt(percentile(latencies, 99))}, max ${fmt(Math.max(...latencies))}`);
    console.log(`one pod at a time (10): p50 ${fmt(percentile(single, 50))}, max ${fmt(Math.max(...single))}`);
    console.log(`runc run floor (${floorRuns} runs): p50 ${fmt(percentile(floor, 50))}, p99 ${fmt(percentile(floor, 99))}`);
    console.log(`agent RSS: ${rss0.toFixed(1)} MiB with 0 pods, ${rss100.toFixed(1)} MiB with ${podCount} pods`);
    console.log(`agent CPU: ${((cpuAfter - cpuBefore) / podCount).toFixed(1)} ms per pod started; API server CPU: ${((serverCpuAfter - serverCpuBefore) / podCount).toFixed(1)} ms per pod`);
    console.log(`load average during the run: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);

    await client.request('DELETE', '/api/v1/namespaces/default/pods', { query: { labelSelector: `bench=${tag}`, gracePeriodSeconds: 1 } });
    for (;;) {
      const list = await client.get<{ items: unknown[] }>('/api/v1/namespaces/default/pods', { labelSelector: `bench=${tag}` });
      if (list.items.length === 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    client.close();
    await stopChild(agent);
    await server.stop();
    await resetNode({ dataDir: agentDir, removeData: true });
    await unmountAllFloors(join(work, 'floor'));
    await registry.stop();
    await server.cleanup();
    rmSync(work, { recursive: true, force: true });
  }
}

async function unmountAllFloors(dir: string): Promise<void> {
  const { unmountAllUnder } = await import('../src/agent/runtime/overlay.js');
  await unmountAllUnder(dir);
}

await main();
