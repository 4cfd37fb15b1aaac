import type { KubeObject } from '../api/types.js';
import { ApiError } from '../apiserver/errors.js';
import type { ResourceCatalog } from '../apiserver/registry/catalog.js';
import type { ServerComponent } from '../server/component.js';

const rbac = 'rbac.authorization.k8s.io';
export const nodeNetworkRoleName = 'k8ts:node-network';

/**
 * What an agent's networking reads beyond `system:node` (k3s grants the same to its
 * embedded kube-proxy and network policy controller): EndpointSlices for the service proxy;
 * Namespaces and NetworkPolicies for policy enforcement.
 */
export function nodeNetworkRbac(): KubeObject[] {
  const labels = { 'kubernetes.io/bootstrapping': 'rbac-defaults' };
  return [
    {
      apiVersion: `${rbac}/v1`,
      kind: 'ClusterRole',
      metadata: { name: nodeNetworkRoleName, labels },
      rules: [
        { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: [''], resources: ['namespaces', 'pods', 'services', 'nodes'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: ['get', 'list', 'watch'] },
      ],
    },
    {
      apiVersion: `${rbac}/v1`,
      kind: 'ClusterRoleBinding',
      metadata: { name: nodeNetworkRoleName, labels },
      roleRef: { apiGroup: rbac, kind: 'ClusterRole', name: nodeNetworkRoleName },
      subjects: [{ apiGroup: rbac, kind: 'Group', name: 'system:nodes' }],
    },
  ];
}

/** Creates the role and binding when missing (an administrator's edits are kept). */
export async function ensureNodeNetworkRbac(catalog: ResourceCatalog): Promise<void> {
  for (const obj of nodeNetworkRbac()) {
    const store = catalog.lookup(rbac, 'v1', obj.kind === 'ClusterRole' ? 'clusterroles' : 'clusterrolebindings');
    if (!store) return;
    await store.create(undefined, obj).catch((err) => {
      if (!(err instanceof ApiError && err.code === 409)) throw err;
    });
  }
}

/** The server piece that grants nodes what their networking reads. */
export function nodeNetworkRbacComponent(): ServerComponent {
  return { name: 'node-network-rbac', start: (ctx) => ensureNodeNetworkRbac(ctx.catalog) };
}
