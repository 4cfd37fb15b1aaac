// Test support: a real registry (every built-in kind) over a throwaway SQLite store, for
// network components that run inside the server.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinResources } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import { ResourceCatalog } from '../../apiserver/registry/catalog.js';
import { openSqliteStore } from '../../storage/sqlite-store.js';
import type { Store } from '../../storage/store.js';
import { systemClock } from '../../util/clock.js';

export interface TestRegistry {
  catalog: ResourceCatalog;
  store: Store;
  create(group: string, plural: string, obj: KubeObject): Promise<KubeObject>;
  close(): Promise<void>;
}

export async function openTestRegistry(namespaces: string[] = ['default']): Promise<TestRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-net-registry-'));
  const store = openSqliteStore(join(dir, 'state.db'));
  const catalog = new ResourceCatalog(builtinResources, store, systemClock);
  const versions: Record<string, string> = { '': 'v1', 'discovery.k8s.io': 'v1', 'networking.k8s.io': 'v1' };
  const create = (group: string, plural: string, obj: KubeObject) => catalog.lookup(group, versions[group] ?? 'v1', plural)!.create(obj.metadata.namespace, obj);
  for (const name of namespaces) await create('', 'namespaces', { metadata: { name } });
  return {
    catalog,
    store,
    create,
    close: async () => {
      for (const s of catalog.all()) s.stopWatchCache();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
