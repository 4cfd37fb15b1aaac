import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../../api/types.js';
import { type PolicyRule, RBAC_GROUP } from './rbac-types.js';

// The default ClusterRoles kube-apiserver creates at start-up (its bootstrappolicy), as data.

const read = ['get', 'list', 'watch'];
const write = ['create', 'delete', 'deletecollection', 'patch', 'update'];
const all = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function rule(verbs: string[], apiGroups: string[], resources: string[], resourceNames?: string[]): PolicyRule {
  return { verbs, apiGroups, resources, ...(resourceNames ? { resourceNames } : {}) };
}

function urls(verbs: string[], nonResourceURLs: string[]): PolicyRule {
  return { verbs, nonResourceURLs };
}

/** Label and annotation every default object carries; autoupdate lets a later k8ts rewrite them. */
export const BOOTSTRAP_LABELS = { 'kubernetes.io/bootstrapping': 'rbac-defaults' };
export const BOOTSTRAP_ANNOTATIONS = { 'rbac.authorization.kubernetes.io/autoupdate': 'true' };

const aggregateLabel = (to: 'admin' | 'edit' | 'view') => `rbac.authorization.k8s.io/aggregate-to-${to}`;

interface RoleSpec {
  name: string;
  rules?: PolicyRule[];
  labels?: Record<string, string>;
  /** Aggregates every ClusterRole carrying this label set to "true". */
  aggregateFrom?: 'admin' | 'edit' | 'view';
}

const viewRules: PolicyRule[] = [
  rule(read, [''], ['configmaps', 'endpoints', 'persistentvolumeclaims', 'persistentvolumeclaims/status', 'pods', 'replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/status']),
  rule(read, [''], ['bindings', 'events', 'limitranges', 'namespaces/status', 'pods/log', 'pods/status', 'replicationcontrollers/status', 'resourcequotas', 'resourcequotas/status']),
  rule(read, [''], ['namespaces']),
  rule(read, ['discovery.k8s.io'], ['endpointslices']),
  rule(read, ['apps'], ['controllerrevisions', 'daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status', 'replicasets', 'replicasets/scale', 'replicasets/status', 'statefulsets', 'statefulsets/scale', 'statefulsets/status']),
  rule(read, ['autoscaling'], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status']),
  rule(read, ['batch'], ['cronjobs', 'cronjobs/status', 'jobs', 'jobs/status']),
  rule(read, ['extensions'], ['daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status', 'ingresses', 'ingresses/status', 'networkpolicies', 'replicasets', 'replicasets/scale', 'replicasets/status', 'replicationcontrollers/scale']),
  rule(read, ['policy'], ['poddisruptionbudgets', 'poddisruptionbudgets/status']),
  rule(read, ['networking.k8s.io'], ['ingresses', 'ingresses/status', 'networkpolicies']),
];

const editRules: PolicyRule[] = [
  rule(read, [''], ['pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy', 'secrets', 'services/proxy']),
  rule(['impersonate'], [''], ['serviceaccounts']),
  rule(write, [''], ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy']),
  rule(['create'], [''], ['pods/eviction']),
  rule(write, [''], ['configmaps', 'events', 'persistentvolumeclaims', 'replicationcontrollers', 'replicationcontrollers/scale', 'secrets', 'serviceaccounts', 'services', 'services/proxy']),
  rule(['create'], [''], ['serviceaccounts/token']),
  rule(write, ['apps'], ['daemonsets', 'deployments', 'deployments/rollback', 'deployments/scale', 'replicasets', 'replicasets/scale', 'statefulsets', 'statefulsets/scale']),
  rule(write, ['autoscaling'], ['horizontalpodautoscalers']),
  rule(write, ['batch'], ['cronjobs', 'jobs']),
  rule(write, ['extensions'], ['daemonsets', 'deployments', 'deployments/rollback', 'deployments/scale', 'ingresses', 'networkpolicies', 'replicasets', 'replicasets/scale', 'replicationcontrollers/scale']),
  rule(write, ['policy'], ['poddisruptionbudgets']),
  rule(write, ['networking.k8s.io'], ['ingresses', 'networkpolicies']),
  rule(all, ['coordination.k8s.io'], ['leases']),
];

const adminRules: PolicyRule[] = [
  rule(['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews']),
  rule(all, [RBAC_GROUP], ['rolebindings', 'roles']),
];

/** What a node's kubelet (the k8ts agent) needs; k8ts has no Node authorizer, so RBAC grants it. */
const nodeRules: PolicyRule[] = [
  rule(['create'], ['authentication.k8s.io'], ['tokenreviews']),
  rule(['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews', 'subjectaccessreviews']),
  rule(read, [''], ['services']),
  rule(['create', 'get', 'list', 'watch'], [''], ['nodes']),
  rule(['patch', 'update'], [''], ['nodes/status']),
  rule(['patch', 'update'], [''], ['nodes']),
  rule(['create', 'patch', 'update'], ['', 'events.k8s.io'], ['events']),
  rule(read, [''], ['pods']),
  rule(['create', 'delete'], [''], ['pods']),
  rule(['patch', 'update'], [''], ['pods/status']),
  rule(['create'], [''], ['pods/eviction']),
  rule(read, [''], ['configmaps', 'secrets']),
  rule(['get'], [''], ['persistentvolumeclaims', 'persistentvolumes']),
  rule(['get'], [''], ['endpoints']),
  rule(['create', 'get', 'list', 'watch'], ['certificates.k8s.io'], ['certificatesigningrequests']),
  rule(['create', 'delete', 'get', 'patch', 'update'], ['coordination.k8s.io'], ['leases']),
  rule(['get'], ['storage.k8s.io'], ['volumeattachments']),
  rule(['create'], [''], ['serviceaccounts/token']),
  rule(['get', 'patch', 'update'], [''], ['persistentvolumeclaims/status']),
  rule(read, ['storage.k8s.io'], ['csidrivers']),
  rule(['create', 'delete', 'get', 'patch', 'update'], ['storage.k8s.io'], ['csinodes']),
  rule(read, ['node.k8s.io'], ['runtimeclasses']),
];

const roleSpecs: RoleSpec[] = [
  { name: 'cluster-admin', rules: [rule(['*'], ['*'], ['*']), urls(['*'], ['*'])] },
  { name: 'admin', aggregateFrom: 'admin' },
  { name: 'edit', aggregateFrom: 'edit', labels: { [aggregateLabel('admin')]: 'true' } },
  { name: 'view', aggregateFrom: 'view', labels: { [aggregateLabel('edit')]: 'true' } },
  { name: 'system:aggregate-to-admin', rules: adminRules, labels: { [aggregateLabel('admin')]: 'true' } },
  { name: 'system:aggregate-to-edit', rules: editRules, labels: { [aggregateLabel('edit')]: 'true' } },
  { name: 'system:aggregate-to-view', rules: viewRules, labels: { [aggregateLabel('view')]: 'true' } },
  {
    // What metrics-server installs, so admins, editors and viewers can run `kubectl top`.
    name: 'system:aggregated-metrics-reader',
    rules: [rule(['get', 'list', 'watch'], ['metrics.k8s.io'], ['pods', 'nodes'])],
    labels: { [aggregateLabel('view')]: 'true', [aggregateLabel('edit')]: 'true', [aggregateLabel('admin')]: 'true' },
  },
  {
    name: 'system:discovery',
    rules: [urls(['get'], ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'])],
  },
  {
    name: 'system:basic-user',
    rules: [
      rule(['create'], ['authorization.k8s.io'], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews']),
      rule(['create'], ['authentication.k8s.io'], ['selfsubjectreviews']),
    ],
  },
  { name: 'system:public-info-viewer', rules: [urls(['get'], ['/healthz', '/livez', '/readyz', '/version', '/version/'])] },
  {
    name: 'system:auth-delegator',
    rules: [rule(['create'], ['authentication.k8s.io'], ['tokenreviews']), rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews'])],
  },
  { name: 'system:service-account-issuer-discovery', rules: [urls(['get'], ['/.well-known/openid-configuration', '/openid/v1/jwks'])] },
  {
    name: 'system:monitoring',
    rules: [urls(['get'], ['/healthz', '/healthz/*', '/livez', '/livez/*', '/metrics', '/metrics/slis', '/readyz', '/readyz/*'])],
  },
  { name: 'system:node', rules: nodeRules },
  {
    name: 'system:node-proxier',
    rules: [
      rule(['list', 'watch'], [''], ['endpoints', 'services']),
      rule(read, [''], ['nodes']),
      rule(['create', 'patch', 'update'], ['', 'events.k8s.io'], ['events']),
      rule(['list', 'watch'], ['discovery.k8s.io'], ['endpointslices']),
    ],
  },
];

/**
 * The aggregation controller's rule: the union, without duplicates, of the rules of every
 * other ClusterRole carrying the label, taken in name order.
 *
 * @example
 * aggregatedRules('view', 'rbac.authorization.k8s.io/aggregate-to-view', roles); // rules of system:aggregate-to-view
 */
export function aggregatedRules(self: string, label: string, roles: readonly KubeObject[]): PolicyRule[] {
  const out: PolicyRule[] = [];
  const sources = roles.filter((r) => r.metadata.name !== self && r.metadata.labels?.[label] === 'true');
  sources.sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
  for (const source of sources) {
    for (const r of (source.rules ?? []) as PolicyRule[]) if (!out.some((o) => isDeepStrictEqual(o, r))) out.push(r);
  }
  return out;
}

/**
 * The default ClusterRoles, with admin/edit/view already aggregated (their aggregationRule is
 * kept for clients that read it), so evaluation never has to follow aggregation.
 *
 * @example
 * bootstrapClusterRoles().find((r) => r.metadata.name === 'view')!.rules; // the read-only rules
 */
export function bootstrapClusterRoles(): KubeObject[] {
  const roles: KubeObject[] = roleSpecs.map((spec) => ({
    apiVersion: `${RBAC_GROUP}/v1`,
    kind: 'ClusterRole',
    metadata: {
      name: spec.name,
      labels: { ...BOOTSTRAP_LABELS, ...spec.labels },
      annotations: { ...BOOTSTRAP_ANNOTATIONS },
    },
    ...(spec.aggregateFrom
      ? { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [aggregateLabel(spec.aggregateFrom)]: 'true' } }] } }
      : {}),
    rules: structuredClone(spec.rules ?? []),
  }));
  // view feeds edit, which feeds admin: aggregate in that order so each sees its sources complete.
  for (const to of ['view', 'edit', 'admin'] as const) {
    const role = roles.find((r) => r.metadata.name === to)!;
    role.rules = structuredClone(aggregatedRules(to, aggregateLabel(to), roles));
  }
  return roles;
}
