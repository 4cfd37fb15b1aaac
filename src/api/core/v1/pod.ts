import type { ResourceDefinition } from '../../../apiserver/registry/resource.js';
import type { KubeObject } from '../../types.js';
import { ageColumn, column, nameColumn } from './columns.js';
import { type JsonObject, ensureObject, isObject, objectOr, objectsOf } from './json.js';
import { defaultPodSpec, validatePodSpec } from './pod-spec.js';
import { podCells } from './pod-table.js';
import { validatePodSpecUpdate } from './pod-update.js';
import { podQOSClass } from './qos.js';

/** Seconds a pod stays bound to a not-ready or unreachable node (DefaultTolerationSeconds admission). */
const defaultTolerationSeconds = 300;
const defaultTolerations = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'];

/** SetDefaults_Pod: a limit with no request requests the limit. */
function defaultRequestsFromLimits(spec: JsonObject): void {
  for (const c of [...objectsOf(spec.initContainers), ...objectsOf(spec.containers)]) {
    const res = ensureObject(c, 'resources');
    if (!isObject(res.limits) || Object.keys(res.limits).length === 0) continue;
    const requests = ensureObject(res, 'requests');
    for (const [name, q] of Object.entries(res.limits)) if (!(name in requests)) requests[name] = q;
  }
}

/** What the Priority, DefaultTolerationSeconds and ServiceAccount admission plugins add. */
function admissionDefaults(spec: JsonObject): void {
  if (spec.priority === undefined) spec.priority = 0;
  if (spec.preemptionPolicy === undefined) spec.preemptionPolicy = 'PreemptLowerPriority';
  const tolerations = objectsOf(spec.tolerations);
  for (const key of defaultTolerations) {
    const covered = tolerations.some(
      (t) => (t.key === key || !t.key) && (!t.effect || t.effect === 'NoExecute'),
    );
    if (!covered) tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: defaultTolerationSeconds });
  }
  spec.tolerations = tolerations;
  if (!spec.serviceAccountName) spec.serviceAccountName = spec.serviceAccount || 'default';
  spec.serviceAccount = spec.serviceAccountName;
}

function defaultPod(obj: KubeObject): void {
  const spec = ensureObject(obj, 'spec');
  defaultPodSpec(spec);
  if (spec.enableServiceLinks === undefined) spec.enableServiceLinks = true;
  defaultRequestsFromLimits(spec);
  admissionDefaults(spec);
}

/** How long a delete waits for the kubelet (CheckGracefulDelete). */
function gracePeriodSeconds(obj: KubeObject, requested: number | undefined): number {
  const spec = objectOr(obj.spec);
  const phase = objectOr(obj.status).phase;
  // Nothing runs an unscheduled or finished pod, so there is nothing to wait for.
  if (!spec.nodeName || phase === 'Succeeded' || phase === 'Failed') return 0;
  const period = requested ?? (typeof spec.terminationGracePeriodSeconds === 'number' ? spec.terminationGracePeriodSeconds : 30);
  return period < 0 ? 1 : period;
}

const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

export const pods: ResourceDefinition = {
  group: '',
  version: 'v1',
  kind: 'Pod',
  plural: 'pods',
  singular: 'pod',
  namespaced: true,
  shortNames: ['po'],
  categories: ['all'],
  statusSubresource: true,
  protobufMessage: 'k8s.io.api.core.v1.Pod',
  defaults: defaultPod,
  prepareForCreate(obj) {
    // Clients do not set status; a new pod is Pending with its QoS class fixed for life.
    obj.status = { phase: 'Pending', qosClass: podQOSClass(objectOr(obj.spec)) };
  },
  validate: (obj) => validatePodSpec(obj.spec, 'spec'),
  validateUpdate: (obj, old) => validatePodSpecUpdate(obj, old),
  gracePeriodSeconds,
  columns: [
    nameColumn,
    column('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
    column('Status', 'The aggregate status of the containers in this pod.'),
    column('Restarts', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
    ageColumn,
    column('IP', 'IP address allocated to the pod. Routable at least within the cluster.', true),
    column('Node', 'NodeName indicates in which node this pod is scheduled.', true),
    column('Nominated Node', 'nominatedNodeName is set when this pod preempts other pods on the node.', true),
    column('Readiness Gates', 'If specified, all readiness gates will be evaluated for pod readiness.', true),
  ],
  cells: (obj, now) => podCells(obj, now),
  fieldSelectors: {
    'spec.nodeName': (o) => str(objectOr(o.spec).nodeName),
    'spec.restartPolicy': (o) => str(objectOr(o.spec).restartPolicy),
    'spec.schedulerName': (o) => str(objectOr(o.spec).schedulerName),
    'spec.serviceAccountName': (o) => str(objectOr(o.spec).serviceAccountName),
    'spec.hostNetwork': (o) => String(objectOr(o.spec).hostNetwork === true),
    'status.phase': (o) => str(objectOr(o.status).phase),
    'status.podIP': (o) => str(objectsOf(objectOr(o.status).podIPs)[0]?.ip ?? objectOr(o.status).podIP),
    'status.nominatedNodeName': (o) => str(objectOr(o.status).nominatedNodeName),
  },
};
