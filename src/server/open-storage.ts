import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openSqliteStore } from '../storage/sqlite-store.js';
import type { Store } from '../storage/store.js';

/** What a datastore endpoint names, for logs: `sqlite <path>` or `etcd <endpoints>`. */
export interface OpenedStorage {
  store: Store;
  description: string;
}

/**
 * Opens the embedded SQLite store in `<dataDir>/db/state.db`, or etcd v3 when the endpoint
 * is `http(s)://host:port[,…]` (several servers may share one etcd cluster).
 */
export async function openStorage(dataDir: string, endpoint: string): Promise<OpenedStorage> {
  if (!endpoint || endpoint.startsWith('sqlite://')) {
    const path = endpoint ? endpoint.slice('sqlite://'.length) : join(dataDir, 'db', 'state.db');
    mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
    return { store: openSqliteStore(path), description: `sqlite ${path}` };
  }
  if (/^https?:\/\//.test(endpoint)) {
    const { openEtcdStore } = await import('../storage/etcd-store.js');
    return { store: await openEtcdStore(endpoint), description: `etcd ${endpoint}` };
  }
  throw new Error(`unsupported --datastore-endpoint ${JSON.stringify(endpoint)}: use an empty value (SQLite) or http://host:2379`);
}
