import type { KubeObject } from '../api/types.js';
import { ApiError } from '../apiserver/errors.js';
import type { ResourceCatalog } from '../apiserver/registry/catalog.js';

/** The namespaces every cluster starts with. */
export const systemNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

async function ensure(catalog: ResourceCatalog, group: string, plural: string, obj: KubeObject): Promise<void> {
  const store = catalog.lookup(group, 'v1', plural);
  if (!store) return;
  try {
    await store.get(obj.metadata.namespace, obj.metadata.name!);
  } catch (err) {
    if (!(err instanceof ApiError && err.code === 404)) throw err;
    try {
      await store.create(obj.metadata.namespace, obj);
    } catch (e) {
      // Another server got there first.
      if (!(e instanceof ApiError && e.code === 409)) throw e;
    }
  }
}

/**
 * Creates what exists from a cluster's first start (idempotent, so every start may run it):
 * the system namespaces, the `kubernetes` Service with its Endpoints and EndpointSlice, the system
 * PriorityClasses.
 */
export async function bootstrapCluster(
  catalog: ResourceCatalog,
  opts: { kubernetesServiceIP: string; advertiseAddress: string; port: number },
): Promise<void> {
  for (const name of systemNamespaces) {
    await ensure(catalog, '', 'namespaces', { metadata: { name } });
  }
  await ensure(catalog, '', 'services', {
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: {
      type: 'ClusterIP',
      clusterIP: opts.kubernetesServiceIP,
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: opts.port }],
      sessionAffinity: 'None',
    },
  });
  await ensure(catalog, '', 'endpoints', {
    metadata: { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
    subsets: [{ addresses: [{ ip: opts.advertiseAddress }], ports: [{ name: 'https', port: opts.port, protocol: 'TCP' }] }],
  });
  // The apiserver writes this slice itself (the Endpoints above are skipped by mirroring); service proxies read it.
  await ensure(catalog, 'discovery.k8s.io', 'endpointslices', {
    metadata: { name: 'kubernetes', namespace: 'default', labels: { 'kubernetes.io/service-name': 'kubernetes' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: [opts.advertiseAddress], conditions: { ready: true } }],
    ports: [{ name: 'https', port: opts.port, protocol: 'TCP' }],
  });
  for (const [name, value] of [['system-cluster-critical', 2000000000], ['system-node-critical', 2000001000]] as const) {
    await ensure(catalog, 'scheduling.k8s.io', 'priorityclasses', {
      metadata: { name },
      value,
      description: `Used for system critical pods that must ${name === 'system-node-critical' ? 'not be moved from their current node' : 'run in the cluster, but can be moved to another node if necessary'}.`,
    });
  }
}
