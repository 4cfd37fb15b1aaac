// Test support: a real registry over a throwaway SQLite store, with the raw store exposed (binding writes through it).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinResources } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import { openSqliteStore } from '../../storage/sqlite-store.js';
import type { Store } from '../../storage/store.js';
import { ResourceCatalog } from '../registry/catalog.js';

export interface PodTestRegistry {
  catalog: ResourceCatalog;
  storage: Store;
  clock: { now(): number; advance(ms: number): void };
  close(): Promise<void>;
}

export async function openPodTestRegistry(): Promise<PodTestRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-pods-test-'));
  const storage = openSqliteStore(join(dir, 'state.db'));
  let now = Date.parse('2025-01-01T00:00:00Z');
  const clock = { now: () => now, advance: (ms: number) => void (now += ms) };
  const catalog = new ResourceCatalog(builtinResources, storage, clock);
  await catalog.lookup('', 'v1', 'namespaces')!.create(undefined, { metadata: { name: 'default' } });
  return {
    catalog,
    storage,
    clock,
    close: async () => {
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A minimal pod, optionally already running and ready on a node. */
export function testPod(name: string, opts: { labels?: Record<string, string>; node?: string; ready?: boolean } = {}): KubeObject {
  return {
    metadata: { name, labels: opts.labels },
    spec: { containers: [{ name: 'c', image: 'img:1' }], ...(opts.node ? { nodeName: opts.node } : {}) },
  };
}
