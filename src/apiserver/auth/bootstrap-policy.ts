import type { KubeObject } from '../../api/types.js';
import { ApiError } from '../errors.js';
import type { ResourceCatalog } from '../registry/catalog.js';
import { BOOTSTRAP_ANNOTATIONS, BOOTSTRAP_LABELS, bootstrapClusterRoles } from './bootstrap-roles.js';
import { RBAC_GROUP, type Subject } from './rbac-types.js';

export { bootstrapClusterRoles, aggregatedRules } from './bootstrap-roles.js';

const group = (name: string): Subject => ({ apiGroup: RBAC_GROUP, kind: 'Group', name });
const user = (name: string): Subject => ({ apiGroup: RBAC_GROUP, kind: 'User', name });

/** Default ClusterRoleBindings: binding (and ClusterRole) name → subjects. */
const bindings: [string, Subject[]][] = [
  ['cluster-admin', [group('system:masters')]],
  ['system:basic-user', [group('system:authenticated')]],
  ['system:discovery', [group('system:authenticated')]],
  ['system:public-info-viewer', [group('system:authenticated'), group('system:unauthenticated')]],
  ['system:service-account-issuer-discovery', [group('system:serviceaccounts')]],
  ['system:monitoring', [group('system:monitoring')]],
  // Kubernetes leaves this binding empty and lets the Node authorizer speak for kubelets;
  // k8ts authorizes agents (CN=system:node:<name>, O=system:nodes) through RBAC alone.
  ['system:node', [group('system:nodes')]],
  ['system:node-proxier', [user('system:kube-proxy')]],
];

/**
 * The default ClusterRoleBindings, each naming the ClusterRole of the same name.
 *
 * @example
 * bootstrapClusterRoleBindings()[0]; // cluster-admin → Group system:masters
 */
export function bootstrapClusterRoleBindings(): KubeObject[] {
  return bindings.map(([name, subjects]) => ({
    apiVersion: `${RBAC_GROUP}/v1`,
    kind: 'ClusterRoleBinding',
    metadata: { name, labels: { ...BOOTSTRAP_LABELS }, annotations: { ...BOOTSTRAP_ANNOTATIONS } },
    roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name },
    subjects: structuredClone(subjects),
  }));
}

/**
 * Creates the default ClusterRoles and ClusterRoleBindings that do not exist yet. Existing
 * objects are left alone (an administrator may have edited them), so it is safe on every
 * start and from several servers at once. Does nothing when the RBAC kinds are not served.
 *
 * @example
 * await bootstrapRbac(catalog); // after the catalog exists, before serving user traffic
 */
export async function bootstrapRbac(catalog: ResourceCatalog): Promise<void> {
  const roles = catalog.lookup(RBAC_GROUP, 'v1', 'clusterroles');
  const roleBindings = catalog.lookup(RBAC_GROUP, 'v1', 'clusterrolebindings');
  const work: [typeof roles, KubeObject[]][] = [
    [roles, bootstrapClusterRoles()],
    [roleBindings, bootstrapClusterRoleBindings()],
  ];
  for (const [store, objects] of work) {
    if (!store) continue;
    for (const obj of objects) {
      try {
        await store.create(undefined, obj);
      } catch (err) {
        if (err instanceof ApiError && err.code === 409 && err.reason === 'AlreadyExists') continue;
        throw err;
      }
    }
  }
}
