/**
 * Strategic-merge-patch metadata for built-in kinds, as data: which field of which type holds
 * which type, and how its lists merge. The facts come from the k8s.io/api Go struct tags
 * (`patchStrategy`, `patchMergeKey`, `+listMapKey`); the OpenAPI generator reads these same
 * tables to emit `x-kubernetes-patch-strategy` / `x-kubernetes-patch-merge-key`.
 *
 * Types are named by their OpenAPI definition names. A type only needs an entry when it holds
 * a field with a strategy, or leads to one; fields without an entry patch like JSON merge patch
 * (maps merge, lists are replaced whole).
 */

/** `x-kubernetes-patch-strategy` values Kubernetes uses. */
export type PatchStrategy = 'merge' | 'replace' | 'retainKeys' | 'merge,retainKeys';

/** Where a list in an object of this kind merges by key, and how. */
export interface ListStrategy {
  strategy: PatchStrategy;
  /** Merge key for lists of objects; absent for merged lists of primitives (finalizers). */
  mergeKey?: string;
  /**
   * Server-side-apply identity (`x-kubernetes-list-map-keys`), only where it is more than
   * `[mergeKey]`. Strategic merge still matches on `mergeKey` alone, as Kubernetes does — which
   * is why a TCP and a UDP port with the same number collide in a strategic merge patch.
   */
  listMapKeys?: readonly string[];
}

/** One field of a type: the type of its value (each element, for lists and maps) and its strategy. */
export interface FieldSchema extends Partial<ListStrategy> {
  type?: string;
}

export type TypeSchema = Readonly<Record<string, FieldSchema>>;

const core = (name: string): string => `io.k8s.api.core.v1.${name}`;
const api = (group: string, version: string) => (name: string) => `io.k8s.api.${group}.${version}.${name}`;
const apps = api('apps', 'v1');
const batch = api('batch', 'v1');
const admission = api('admissionregistration', 'v1');
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';

const of = (type: string): FieldSchema => ({ type });
const byKey = (mergeKey: string, type: string, listMapKeys?: readonly string[]): FieldSchema =>
  listMapKeys ? { type, strategy: 'merge', mergeKey, listMapKeys } : { type, strategy: 'merge', mergeKey };
const retainedByKey = (mergeKey: string, type: string): FieldSchema => ({ type, strategy: 'merge,retainKeys', mergeKey });
const conditions = (type: string): TypeSchema => ({ conditions: byKey('type', type) });
/** Every top-level kind: ObjectMeta plus its own fields. */
const object = (fields: TypeSchema = {}): TypeSchema => ({ metadata: of(`${META}ObjectMeta`), ...fields });
const specStatus = (spec?: string, status?: string): TypeSchema =>
  object({ ...(spec ? { spec: of(spec) } : {}), ...(status ? { status: of(status) } : {}) });

const containerFields: TypeSchema = {
  ports: byKey('containerPort', core('ContainerPort'), ['containerPort', 'protocol']),
  env: byKey('name', core('EnvVar')),
  volumeMounts: byKey('mountPath', core('VolumeMount')),
  volumeDevices: byKey('devicePath', core('VolumeDevice')),
};

/** Built-in kinds whose own fields have no strategies: only their ObjectMeta (finalizers, ownerReferences) does. */
const PLAIN_KINDS: Readonly<Record<string, (name: string) => string>> = {
  'v1/ConfigMap': core,
  'v1/Secret': core,
  'v1/Endpoints': core,
  'v1/Event': core,
  'v1/LimitRange': core,
  'v1/ResourceQuota': core,
  'v1/PersistentVolume': core,
  'v1/Binding': core,
  'v1/ComponentStatus': core,
  'apps/v1/ControllerRevision': apps,
  'autoscaling/v1/HorizontalPodAutoscaler': api('autoscaling', 'v1'),
  'networking.k8s.io/v1/Ingress': api('networking', 'v1'),
  'networking.k8s.io/v1/IngressClass': api('networking', 'v1'),
  'networking.k8s.io/v1/NetworkPolicy': api('networking', 'v1'),
  'discovery.k8s.io/v1/EndpointSlice': api('discovery', 'v1'),
  'rbac.authorization.k8s.io/v1/Role': api('rbac', 'v1'),
  'rbac.authorization.k8s.io/v1/ClusterRole': api('rbac', 'v1'),
  'rbac.authorization.k8s.io/v1/RoleBinding': api('rbac', 'v1'),
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': api('rbac', 'v1'),
  'storage.k8s.io/v1/StorageClass': api('storage', 'v1'),
  'storage.k8s.io/v1/CSIDriver': api('storage', 'v1'),
  'storage.k8s.io/v1/VolumeAttachment': api('storage', 'v1'),
  'coordination.k8s.io/v1/Lease': api('coordination', 'v1'),
  'scheduling.k8s.io/v1/PriorityClass': api('scheduling', 'v1'),
  'node.k8s.io/v1/RuntimeClass': api('node', 'v1'),
  'certificates.k8s.io/v1/CertificateSigningRequest': api('certificates', 'v1'),
  'events.k8s.io/v1/Event': api('events', 'v1'),
  'flowcontrol.apiserver.k8s.io/v1/FlowSchema': api('flowcontrol', 'v1'),
  'flowcontrol.apiserver.k8s.io/v1/PriorityLevelConfiguration': api('flowcontrol', 'v1'),
  'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding': admission,
  'apiextensions.k8s.io/v1/CustomResourceDefinition': (n) => `io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.${n}`,
};

const typeOfKind = (key: string, pkg: (name: string) => string): string => pkg(key.slice(key.lastIndexOf('/') + 1));

/** Field metadata per type, keyed by OpenAPI definition name. */
export const PATCH_SCHEMAS: Readonly<Record<string, TypeSchema>> = {
  ...Object.fromEntries(Object.entries(PLAIN_KINDS).map(([key, pkg]) => [typeOfKind(key, pkg), object()])),
  [`${META}ObjectMeta`]: {
    finalizers: { strategy: 'merge' },
    ownerReferences: byKey('uid', `${META}OwnerReference`),
  },

  // core/v1: pods and their templates
  [core('Pod')]: specStatus(core('PodSpec'), core('PodStatus')),
  [core('PodTemplate')]: object({ template: of(core('PodTemplateSpec')) }),
  [core('PodTemplateSpec')]: object({ spec: of(core('PodSpec')) }),
  [core('PodSpec')]: {
    volumes: retainedByKey('name', core('Volume')),
    initContainers: byKey('name', core('Container')),
    containers: byKey('name', core('Container')),
    ephemeralContainers: byKey('name', core('EphemeralContainer')),
    imagePullSecrets: byKey('name', core('LocalObjectReference')),
    hostAliases: byKey('ip', core('HostAlias')),
    topologySpreadConstraints: byKey('topologyKey', core('TopologySpreadConstraint'), ['topologyKey', 'whenUnsatisfiable']),
    resourceClaims: retainedByKey('name', core('PodResourceClaim')),
    schedulingGates: byKey('name', core('PodSchedulingGate')),
  },
  [core('Container')]: containerFields,
  [core('EphemeralContainer')]: containerFields,
  [core('PodStatus')]: {
    ...conditions(core('PodCondition')),
    podIPs: byKey('ip', core('PodIP')),
    hostIPs: byKey('ip', core('HostIP')),
    resourceClaimStatuses: retainedByKey('name', core('PodResourceClaimStatus')),
    // Status lists are atomic; the link is here only so the OpenAPI generator finds the type.
    containerStatuses: of(core('ContainerStatus')),
  },
  [core('ContainerStatus')]: {
    allocatedResourcesStatus: byKey('name', core('ResourceStatus')),
    volumeMounts: byKey('mountPath', core('VolumeMountStatus')),
  },

  // core/v1: other kinds with strategies
  [core('ReplicationController')]: specStatus(core('ReplicationControllerSpec'), core('ReplicationControllerStatus')),
  [core('ReplicationControllerSpec')]: { template: of(core('PodTemplateSpec')) },
  [core('ReplicationControllerStatus')]: conditions(core('ReplicationControllerCondition')),
  [core('Service')]: specStatus(core('ServiceSpec'), core('ServiceStatus')),
  [core('ServiceSpec')]: { ports: byKey('port', core('ServicePort'), ['port', 'protocol']) },
  [core('ServiceStatus')]: conditions(`${META}Condition`),
  [core('Node')]: specStatus(core('NodeSpec'), core('NodeStatus')),
  [core('NodeSpec')]: { podCIDRs: { strategy: 'merge' } },
  [core('NodeStatus')]: { ...conditions(core('NodeCondition')), addresses: byKey('type', core('NodeAddress')) },
  [core('Namespace')]: specStatus(undefined, core('NamespaceStatus')),
  [core('NamespaceStatus')]: conditions(core('NamespaceCondition')),
  [core('PersistentVolumeClaim')]: specStatus(undefined, core('PersistentVolumeClaimStatus')),
  [core('PersistentVolumeClaimStatus')]: conditions(core('PersistentVolumeClaimCondition')),
  [core('ServiceAccount')]: object({ secrets: byKey('name', core('ObjectReference')) }),

  // apps/v1
  [apps('Deployment')]: specStatus(apps('DeploymentSpec'), apps('DeploymentStatus')),
  [apps('DeploymentSpec')]: {
    template: of(core('PodTemplateSpec')),
    strategy: { type: apps('DeploymentStrategy'), strategy: 'retainKeys' },
  },
  [apps('DeploymentStatus')]: conditions(apps('DeploymentCondition')),
  [apps('ReplicaSet')]: specStatus(apps('ReplicaSetSpec'), apps('ReplicaSetStatus')),
  [apps('ReplicaSetSpec')]: { template: of(core('PodTemplateSpec')) },
  [apps('ReplicaSetStatus')]: conditions(apps('ReplicaSetCondition')),
  [apps('StatefulSet')]: specStatus(apps('StatefulSetSpec'), apps('StatefulSetStatus')),
  [apps('StatefulSetSpec')]: { template: of(core('PodTemplateSpec')) },
  [apps('StatefulSetStatus')]: conditions(apps('StatefulSetCondition')),
  [apps('DaemonSet')]: specStatus(apps('DaemonSetSpec'), apps('DaemonSetStatus')),
  [apps('DaemonSetSpec')]: { template: of(core('PodTemplateSpec')) },
  [apps('DaemonSetStatus')]: conditions(apps('DaemonSetCondition')),

  // batch/v1
  [batch('Job')]: specStatus(batch('JobSpec'), batch('JobStatus')),
  [batch('JobSpec')]: { template: of(core('PodTemplateSpec')) },
  [batch('JobStatus')]: conditions(batch('JobCondition')),
  [batch('CronJob')]: specStatus(batch('CronJobSpec')),
  [batch('CronJobSpec')]: { jobTemplate: of(batch('JobTemplateSpec')) },
  [batch('JobTemplateSpec')]: object({ spec: of(batch('JobSpec')) }),

  // other groups
  [api('autoscaling', 'v2')('HorizontalPodAutoscaler')]: specStatus(undefined, api('autoscaling', 'v2')('HorizontalPodAutoscalerStatus')),
  [api('autoscaling', 'v2')('HorizontalPodAutoscalerStatus')]: conditions(api('autoscaling', 'v2')('HorizontalPodAutoscalerCondition')),
  [api('policy', 'v1')('PodDisruptionBudget')]: specStatus(api('policy', 'v1')('PodDisruptionBudgetSpec'), api('policy', 'v1')('PodDisruptionBudgetStatus')),
  [api('policy', 'v1')('PodDisruptionBudgetSpec')]: { selector: { type: `${META}LabelSelector`, strategy: 'replace' } },
  [api('policy', 'v1')('PodDisruptionBudgetStatus')]: conditions(`${META}Condition`),
  [api('storage', 'v1')('CSINode')]: specStatus(api('storage', 'v1')('CSINodeSpec')),
  [api('storage', 'v1')('CSINodeSpec')]: { drivers: byKey('name', api('storage', 'v1')('CSINodeDriver')) },
  [admission('MutatingWebhookConfiguration')]: object({ webhooks: byKey('name', admission('MutatingWebhook')) }),
  [admission('MutatingWebhook')]: { matchConditions: byKey('name', admission('MatchCondition')) },
  [admission('ValidatingWebhookConfiguration')]: object({ webhooks: byKey('name', admission('ValidatingWebhook')) }),
  [admission('ValidatingWebhook')]: { matchConditions: byKey('name', admission('MatchCondition')) },
  [admission('ValidatingAdmissionPolicy')]: specStatus(admission('ValidatingAdmissionPolicySpec')),
  [admission('ValidatingAdmissionPolicySpec')]: {
    matchConditions: byKey('name', admission('MatchCondition')),
    variables: byKey('name', admission('Variable')),
  },
  ['io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.APIService']: specStatus(undefined, 'io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.APIServiceStatus'),
  ['io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.APIServiceStatus']: conditions('io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.APIServiceCondition'),
};

/** Top-level type of each built-in kind, keyed `apiVersion/Kind` (`v1/Pod`, `apps/v1/Deployment`). */
export const KIND_TYPES: Readonly<Record<string, string>> = {
  'v1/Pod': core('Pod'),
  'v1/PodTemplate': core('PodTemplate'),
  'v1/ReplicationController': core('ReplicationController'),
  'v1/Service': core('Service'),
  'v1/Node': core('Node'),
  'v1/Namespace': core('Namespace'),
  'v1/PersistentVolumeClaim': core('PersistentVolumeClaim'),
  'v1/ServiceAccount': core('ServiceAccount'),
  'apps/v1/Deployment': apps('Deployment'),
  'apps/v1/ReplicaSet': apps('ReplicaSet'),
  'apps/v1/StatefulSet': apps('StatefulSet'),
  'apps/v1/DaemonSet': apps('DaemonSet'),
  'batch/v1/Job': batch('Job'),
  'batch/v1/CronJob': batch('CronJob'),
  'autoscaling/v2/HorizontalPodAutoscaler': api('autoscaling', 'v2')('HorizontalPodAutoscaler'),
  'policy/v1/PodDisruptionBudget': api('policy', 'v1')('PodDisruptionBudget'),
  'storage.k8s.io/v1/CSINode': api('storage', 'v1')('CSINode'),
  'admissionregistration.k8s.io/v1/MutatingWebhookConfiguration': admission('MutatingWebhookConfiguration'),
  'admissionregistration.k8s.io/v1/ValidatingWebhookConfiguration': admission('ValidatingWebhookConfiguration'),
  'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy': admission('ValidatingAdmissionPolicy'),
  'apiregistration.k8s.io/v1/APIService': 'io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.APIService',
  ...Object.fromEntries(Object.entries(PLAIN_KINDS).map(([key, pkg]) => [key, typeOfKind(key, pkg)])),
};

/** The top-level type name of a built-in kind, or undefined (custom resources, unknown kinds). */
export function rootTypeFor(gvk: { group: string; version: string; kind: string }): string | undefined {
  return KIND_TYPES[`${gvk.group ? `${gvk.group}/` : ''}${gvk.version}/${gvk.kind}`];
}

/** Metadata of `field` within type `typeName`; undefined when the field has none. */
export function fieldSchema(typeName: string | undefined, field: string): FieldSchema | undefined {
  if (typeName === undefined) return undefined;
  const schema = PATCH_SCHEMAS[typeName];
  return schema && Object.hasOwn(schema, field) ? schema[field] : undefined;
}

/**
 * Metadata of the field at `path` in an object of the given kind; list elements are implicit,
 * so `['spec', 'template', 'spec', 'containers', 'env']` is the env list of every container.
 *
 * @example fieldSchemaAt({ group: 'apps', version: 'v1', kind: 'Deployment' }, ['spec', 'template', 'spec', 'containers'])
 * // { type: 'io.k8s.api.core.v1.Container', strategy: 'merge', mergeKey: 'name' }
 */
export function fieldSchemaAt(gvk: { group: string; version: string; kind: string }, path: readonly string[]): FieldSchema | undefined {
  let type = rootTypeFor(gvk);
  let found: FieldSchema | undefined;
  for (const field of path) {
    found = fieldSchema(type, field);
    if (!found) return undefined;
    type = found.type;
  }
  return found;
}
