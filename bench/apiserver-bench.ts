// API server figures on the embedded store and on etcd, side by side:
// cold start to /readyz, pod create throughput and GET latency under 50 concurrent clients,
// LIST of 10,000 pods, and server RSS with 10,000 pods stored.
//
// Usage: npm run build && node dist/bench/apiserver-bench.js [--pods 10000] [--clients 50] [--backends sqlite,etcd]
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { parseArgs } from 'node:util';
import { startK8ts, type TestServer } from '../test/support/k8ts-server.js';
import { startEtcd, type EtcdProcess } from '../test/support/etcd.js';

const { values } = parseArgs({
  options: {
    pods: { type: 'string', default: '10000' },
    clients: { type: 'string', default: '50' },
    gets: { type: 'string', default: '20000' },
    backends: { type: 'string', default: 'sqlite,etcd' },
    starts: { type: 'string', default: '5' },
  },
});
const podCount = Number(values.pods);
const clients = Number(values.clients);
const getCount = Number(values.gets);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function median(xs: number[]): number {
  return percentile([...xs].sort((a, b) => a - b), 50);
}

function pod(i: number) {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `pod-${i}`, labels: { app: 'bench', shard: String(i % 10) } },
    spec: { containers: [{ name: 'app', image: 'registry.local/app:1.0', ports: [{ containerPort: 8080 }], resources: { requests: { cpu: '10m', memory: '16Mi' } } }] },
  });
}

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Runs `total` requests over `concurrency` workers; returns per-request latencies (ms) and wall time. */
async function load(concurrency: number, total: number, fn: (i: number) => Promise<number>): Promise<{ latencies: number[]; seconds: number; failures: number }> {
  const latencies: number[] = [];
  let next = 0;
  let failures = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const s = performance.now();
        const status = await fn(i);
        latencies.push(performance.now() - s);
        if (status >= 300) failures++;
      }
    }),
  );
  return { latencies: latencies.sort((a, b) => a - b), seconds: (performance.now() - t0) / 1000, failures };
}

async function coldStart(datastoreEndpoint: string | undefined, n: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const s = await startK8ts({ datastoreEndpoint });
    times.push(performance.now() - t0);
    await s.cleanup();
  }
  return median(times);
}

interface Figures {
  coldStartMs: number;
  createPerSec: number;
  createP99: number;
  getP50: number;
  getP99: number;
  listMs: number;
  listTableMs: number;
  rssMiB: number;
  peakRssMiB: number;
}

async function measure(server: TestServer, datastoreEndpoint: string | undefined): Promise<Figures> {
  await server.request('POST', '/api/v1/namespaces', { body: JSON.stringify({ metadata: { name: 'bench' } }), headers: { 'Content-Type': 'application/json' } });
  const create = await load(clients, podCount, async (i) =>
    (await server.request('POST', '/api/v1/namespaces/bench/pods', { body: pod(i), headers: { 'Content-Type': 'application/json' } })).status,
  );
  if (create.failures) throw new Error(`${create.failures} creates failed`);
  const get = await load(clients, getCount, async (i) => (await server.request('GET', `/api/v1/namespaces/bench/pods/pod-${i % 100}`)).status);
  await new Promise((r) => setTimeout(r, 2000));
  const steadyRss = rssMiB(server.process.pid!);
  const lists: number[] = [];
  const tables: number[] = [];
  for (let i = 0; i < 5; i++) {
    let t = performance.now();
    const r = await server.request('GET', '/api/v1/namespaces/bench/pods');
    lists.push(performance.now() - t);
    if (JSON.parse(r.body).items.length !== podCount) throw new Error('list is short');
    t = performance.now();
    await server.request('GET', '/api/v1/namespaces/bench/pods?limit=500', { headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' } });
    tables.push(performance.now() - t);
  }
  return {
    coldStartMs: await coldStart(datastoreEndpoint, Number(values.starts)),
    createPerSec: podCount / create.seconds,
    createP99: percentile(create.latencies, 99),
    getP50: percentile(get.latencies, 50),
    getP99: percentile(get.latencies, 99),
    listMs: median(lists),
    listTableMs: median(tables),
    rssMiB: steadyRss,
    peakRssMiB: rssMiB(server.process.pid!),
  };
}

async function main() {
  https.globalAgent.maxSockets = clients;
  const results: Record<string, Figures> = {};
  for (const backend of values.backends!.split(',')) {
    let etcd: EtcdProcess | undefined;
    let server: TestServer | undefined;
    try {
      if (backend === 'etcd') etcd = await startEtcd();
      server = await startK8ts({ datastoreEndpoint: etcd?.endpoint });
      process.stderr.write(`measuring ${backend}…\n`);
      results[backend] = await measure(server, etcd?.endpoint);
    } finally {
      await server?.cleanup();
      await etcd?.stop();
    }
  }
  const rows: [string, (f: Figures) => string][] = [
    ['cold start to /readyz ok (median of runs, empty data dir)', (f) => `${f.coldStartMs.toFixed(0)} ms`],
    [`create pods, ${clients} concurrent clients`, (f) => `${f.createPerSec.toFixed(0)} pods/s (p99 ${f.createP99.toFixed(1)} ms)`],
    [`GET one pod, ${clients} concurrent clients: p50 / p99`, (f) => `${f.getP50.toFixed(2)} / ${f.getP99.toFixed(2)} ms`],
    [`LIST ${podCount} pods (JSON, median of 5)`, (f) => `${f.listMs.toFixed(0)} ms`],
    ['LIST first 500 pods as a Table (kubectl get)', (f) => `${f.listTableMs.toFixed(0)} ms`],
    [`server RSS with ${podCount} pods stored (steady / after the LISTs)`, (f) => `${f.rssMiB.toFixed(0)} / ${f.peakRssMiB.toFixed(0)} MiB`],
  ];
  const backends = Object.keys(results);
  console.log(`| figure | ${backends.join(' | ')} |`);
  console.log(`|---|${backends.map(() => '---').join('|')}|`);
  for (const [name, fmt] of rows) console.log(`| ${name} | ${backends.map((b) => fmt(results[b]!)).join(' | ')} |`);
}

await main();
