// Streaming through the API server to a real node: `k8ts server` with its embedded agent runs
// a busybox pod (httpd serving a file of --mb MiB); the real kubectl measures
//   - `exec -- true` round trips (1.27 over SPDY, 1.33 over WebSocket v5), with the floor of
//     `runc exec` of the same command straight on the node;
//   - exec stdout throughput (`exec -- cat file`), both protocols;
//   - port-forward download throughput (1.27 SPDY, 1.33 SPDY tunnelled in a WebSocket);
//   - `kubectl cp` into the pod and back.
//
// Usage: npm run build && node dist/bench/streaming-bench.js [--runs 20] [--mb 64]
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Kubectl, kubectlBinary, type KubectlVersion } from '../test/support/kubectl.js';
import { startBenchNode } from './support/bench-node.js';
import { percentile } from './support/stats.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' }, mb: { type: 'string', default: '64' } } });
const runs = Number(values.runs);
const mb = Number(values.mb);
const tag = randomBytes(3).toString('hex');

function run(file: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => execFile(file, args, { maxBuffer: 1 << 30, encoding: 'buffer' }, (err) => (err ? reject(err) : resolve())));
}

async function timeRuns(fn: () => Promise<void>): Promise<{ p50: number; p90: number }> {
  await fn();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  return { p50: percentile(ms, 50), p90: percentile(ms, 90) };
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function download(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/big', agent: false }, (res) => {
      let n = 0;
      res.on('data', (d: Buffer) => (n += d.length));
      res.on('end', () => resolve(n));
    }).on('error', reject);
  });
}

async function portForwardMiBps(v: KubectlVersion, kubeconfig: string): Promise<number> {
  const port = await freePort();
  const child = spawn(kubectlBinary(v), ['--kubeconfig', kubeconfig, 'port-forward', 'pod/bench', `${port}:8080`], { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    while (!out.includes('Forwarding from')) await new Promise((r) => setTimeout(r, 20));
    await download(port);
    const t = performance.now();
    const bytes = await download(port);
    return bytes / 1048576 / ((performance.now() - t) / 1000);
  } finally {
    child.kill();
  }
}

const work = mkdtempSync(join(tmpdir(), 'k8ts-bench-stream-work-'));
const node = await startBenchNode(`bench-${tag}`);
const { runtimeRoot, server, image } = node;
try {
  const k = (v: KubectlVersion) => new Kubectl(v, server.kubeconfig);
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bench' }, spec: { containers: [{ name: 'bench', image, command: ['sh', '-c', `mkdir -p /www && head -c ${mb * 1048576} /dev/zero > /www/big && exec httpd -f -p 8080 -h /www`] }] } };
  await k('1.33').ok(['apply', '-f', '-'], { input: JSON.stringify(pod) });
  for (;;) {
    const phase = await k('1.33').ok(['get', 'pod', 'bench', '-o', 'jsonpath={.status.phase}']);
    const ready = phase === 'Running' && (await k('1.33').run(['exec', 'bench', '--', 'test', '-s', '/www/big'])).code === 0;
    if (ready) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const list = JSON.parse(await new Promise<string>((resolve, reject) => execFile('runc', ['--root', runtimeRoot, 'list', '--format', 'json'], (e, out) => (e ? reject(e) : resolve(out))))) as { id: string }[];
  const containerId = list[0]!.id;

  console.log(`exec round trip (${runs} runs, ms)`);
  const floor = await timeRuns(() => run('runc', ['--root', runtimeRoot, 'exec', containerId, 'true']));
  console.log(`  runc exec (floor)        p50 ${floor.p50.toFixed(1)}  p90 ${floor.p90.toFixed(1)}`);
  for (const v of ['1.27', '1.33'] as const) {
    const r = await timeRuns(async () => void (await k(v).ok(['exec', 'bench', '--', 'true'])));
    console.log(`  kubectl ${v} exec        p50 ${r.p50.toFixed(1)}  p90 ${r.p90.toFixed(1)}`);
  }

  console.log(`exec stdout throughput (cat of ${mb} MiB, MiB/s)`);
  for (const v of ['1.27', '1.33'] as const) {
    const bin = kubectlBinary(v);
    const t = performance.now();
    await run('sh', ['-c', `'${bin}' --kubeconfig '${server.kubeconfig}' exec bench -- cat /www/big > /dev/null`]);
    console.log(`  kubectl ${v}             ${(mb / ((performance.now() - t) / 1000)).toFixed(0)}`);
  }

  console.log(`port-forward download (${mb} MiB over HTTP, MiB/s)`);
  for (const v of ['1.27', '1.33'] as const) console.log(`  kubectl ${v}             ${(await portForwardMiBps(v, server.kubeconfig)).toFixed(0)}`);

  const file = join(work, 'cp.bin');
  writeFileSync(file, randomBytes(16 * 1048576));
  console.log('kubectl cp of 16 MiB (ms)');
  for (const v of ['1.27', '1.33'] as const) {
    let t = performance.now();
    await k(v).ok(['cp', file, `bench:/tmp/cp-${v}.bin`]);
    const up = performance.now() - t;
    t = performance.now();
    await k(v).ok(['cp', `bench:/tmp/cp-${v}.bin`, join(work, `back-${v}.bin`)]);
    const down = performance.now() - t;
    if (statSync(join(work, `back-${v}.bin`)).size !== 16 * 1048576) throw new Error('cp lost bytes');
    console.log(`  kubectl ${v}  into pod ${up.toFixed(0)}  out of pod ${down.toFixed(0)}`);
  }
} finally {
  await node.stop();
  rmSync(work, { recursive: true, force: true });
}
