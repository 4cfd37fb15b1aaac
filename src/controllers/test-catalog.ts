// Test support for controllers: a real registry (every built-in kind) over a throwaway SQLite
// store, with a clock the test can move.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinResources } from '../api/resources.js';
import { ResourceCatalog } from '../apiserver/registry/catalog.js';
import { openSqliteStore } from '../storage/sqlite-store.js';

export interface TestCatalog {
  catalog: ResourceCatalog;
  clock: { now(): number; advance(ms: number): void };
  close(): Promise<void>;
}

/** Opens a catalog with namespaces `default` (and any others named) already created. */
export async function openTestCatalog(namespaces: string[] = []): Promise<TestCatalog> {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-controller-test-'));
  const storage = openSqliteStore(join(dir, 'state.db'));
  let now = Date.parse('2025-01-01T00:00:00Z');
  const clock = { now: () => now, advance: (ms: number) => void (now += ms) };
  const catalog = new ResourceCatalog(builtinResources, storage, clock);
  for (const name of ['default', ...namespaces]) await catalog.lookup('', 'v1', 'namespaces')!.create(undefined, { metadata: { name } });
  return {
    catalog,
    clock,
    close: async () => {
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
