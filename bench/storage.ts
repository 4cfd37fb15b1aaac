/**
 * Storage micro-benchmark: sequential creates, GET latency, LIST of 10,000 keys under a
 * prefix (latest and at an older revision), paged LIST, COUNT and watch fan-out.
 *
 * Usage: node dist/bench/storage.js [sqlite|etcd] [keys]
 * `etcd` starts a throwaway etcd (/usr/bin/etcd) on loopback ports and removes it afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEtcdStore } from '../src/storage/etcd-store.js';
import { openSqliteStore } from '../src/storage/sqlite-store.js';
import type { Store } from '../src/storage/store.js';
import { startEtcd } from '../test/support/etcd.js';

const backend = process.argv[2] ?? 'sqlite';
const keys = Number(process.argv[3] ?? 10_000);

async function open(): Promise<{ store: Store; cleanup: () => Promise<void> }> {
  if (backend === 'etcd') {
    const etcd = await startEtcd();
    const store = await openEtcdStore(etcd.endpoint);
    return { store, cleanup: async () => { await store.close(); await etcd.stop(); } };
  }
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-bench-'));
  const store = openSqliteStore(join(dir, 'state.db'));
  return { store, cleanup: async () => { await store.close(); rmSync(dir, { recursive: true, force: true }); } };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

async function time<T>(label: string, fn: () => Promise<T>, runs = 5): Promise<void> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  console.log(`${label}: median ${percentile(samples, 0.5).toFixed(1)} ms, best ${samples[0]!.toFixed(1)} ms`);
}

const { store, cleanup } = await open();
try {
  const value = JSON.stringify({ kind: 'Pod', metadata: { name: 'x', labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] }, pad: 'x'.repeat(400) });
  // Unrelated keys around the prefix, so the range reads have to skip something.
  for (let i = 0; i < 2000; i++) await store.create(`/registry/configmaps/ns/cm-${i}`, value);

  let t = performance.now();
  for (let i = 0; i < keys; i++) await store.create(`/registry/pods/ns${i % 10}/pod-${String(i).padStart(6, '0')}`, value);
  let ms = performance.now() - t;
  console.log(`${backend}: ${keys} sequential creates in ${ms.toFixed(0)} ms = ${Math.round((keys / ms) * 1000)} creates/s`);

  const concurrent = 2000;
  t = performance.now();
  await Promise.all(Array.from({ length: concurrent }, (_, i) => store.create(`/registry/events/ns/e-${i}`, value)));
  ms = performance.now() - t;
  console.log(`${concurrent} concurrent creates in ${ms.toFixed(0)} ms = ${Math.round((concurrent / ms) * 1000)} creates/s`);

  const oldRevision = await store.currentRevision();
  for (let i = 0; i < keys; i += 3) {
    const key = `/registry/pods/ns${i % 10}/pod-${String(i).padStart(6, '0')}`;
    const cur = (await store.get(key))!;
    await store.update(key, value.replace('web', 'api'), cur.modRevision);
  }

  const gets: number[] = [];
  for (let i = 0; i < 5000; i++) {
    const key = `/registry/pods/ns${i % 10}/pod-${String((i * 7919) % keys).padStart(6, '0')}`;
    const s = performance.now();
    await store.get(key);
    gets.push(performance.now() - s);
  }
  gets.sort((a, b) => a - b);
  console.log(`GET: p50 ${(percentile(gets, 0.5) * 1000).toFixed(0)} µs, p99 ${(percentile(gets, 0.99) * 1000).toFixed(0)} µs`);

  await time(`LIST ${keys} keys (latest)`, async () => {
    const r = await store.list('/registry/pods/');
    if (r.items.length !== keys) throw new Error(`listed ${r.items.length}`);
  });
  await time(`LIST ${keys} keys at an older revision`, async () => {
    const r = await store.list('/registry/pods/', { revision: oldRevision });
    if (r.items.length !== keys) throw new Error(`listed ${r.items.length}`);
  });
  await time('LIST one namespace, pages of 500', async () => {
    let startAfter: string | undefined;
    for (;;) {
      const r = await store.list('/registry/pods/ns3/', { limit: 500, startAfter });
      if (!r.more) break;
      startAfter = r.items[r.items.length - 1]!.key;
    }
  });
  await time(`COUNT ${keys} keys`, () => store.count('/registry/pods/'));

  let seen = 0;
  const watchers = await Promise.all(
    Array.from({ length: 10 }, async () =>
      store.watch('/registry/pods/', { afterRevision: await store.currentRevision(), onEvent: () => void seen++ }),
    ),
  );
  t = performance.now();
  const writes = 1000;
  for (let i = 0; i < writes; i++) await store.create(`/registry/pods/watch/p-${i}`, value);
  while (seen < writes * watchers.length) await new Promise((r) => setTimeout(r, 1));
  ms = performance.now() - t;
  console.log(`${writes} writes fanned out to ${watchers.length} watchers in ${ms.toFixed(0)} ms`);
  for (const w of watchers) w.stop();
} finally {
  await cleanup();
}
