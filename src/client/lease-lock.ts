import type { KubeObject } from '../api/types.js';
import type { ResourceCatalog } from '../apiserver/registry/catalog.js';
import { isNotFound } from '../controllers/common/api-errors.js';
import type { RestClient } from './rest-client.js';

/** The spec of a coordination.k8s.io/v1 Lease used as a leader lock. */
export interface LeaderRecord {
  holderIdentity: string;
  leaseDurationSeconds: number;
  acquireTime: string;
  renewTime: string;
  leaseTransitions: number;
}

/** A Lease read back: its record and the resourceVersion an update must match. */
export interface ObservedLease {
  record: Partial<LeaderRecord>;
  resourceVersion: string;
  raw: string;
}

/**
 * Where a leader election keeps its Lease: get (undefined when absent), create, and an
 * update that fails (409) unless the Lease is still at the version last read.
 */
export interface LeaseLock {
  readonly description: string;
  get(): Promise<ObservedLease | undefined>;
  create(record: LeaderRecord): Promise<ObservedLease>;
  update(record: LeaderRecord, resourceVersion: string): Promise<ObservedLease>;
}

function observed(lease: KubeObject): ObservedLease {
  const record = (lease.spec ?? {}) as Partial<LeaderRecord>;
  return { record, resourceVersion: lease.metadata.resourceVersion ?? '', raw: JSON.stringify(record) };
}

function leaseObject(namespace: string, name: string, record: LeaderRecord, resourceVersion?: string): KubeObject {
  return { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace, ...(resourceVersion ? { resourceVersion } : {}) }, spec: { ...record } };
}

/** A LeaseLock over this process's registry (servers sharing one datastore). */
export function catalogLeaseLock(catalog: ResourceCatalog, namespace: string, name: string): LeaseLock {
  const store = () => catalog.lookup('coordination.k8s.io', 'v1', 'leases')!;
  return {
    description: `${namespace}/${name}`,
    async get() {
      try {
        return observed(await store().get(namespace, name));
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },
    create: async (record) => observed(await store().create(namespace, leaseObject(namespace, name, record))),
    update: async (record, rv) => observed(await store().update(namespace, name, () => leaseObject(namespace, name, record, rv))),
  };
}

/** A LeaseLock over the REST API (controllers running outside the server). */
export function restLeaseLock(client: RestClient, namespace: string, name: string): LeaseLock {
  const path = `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(namespace)}/leases`;
  return {
    description: `${namespace}/${name}`,
    async get() {
      try {
        return observed(await client.get(`${path}/${encodeURIComponent(name)}`));
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },
    create: async (record) => observed(await client.create(path, leaseObject(namespace, name, record))),
    update: async (record, rv) => observed(await client.update(`${path}/${encodeURIComponent(name)}`, leaseObject(namespace, name, record, rv))),
  };
}
