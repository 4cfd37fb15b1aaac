import type { KubeObject, LabelSelector } from '../../api/types.js';
import { selectorMatches } from '../../api/common/label-selector.js';
import type { ResourceRef } from '../../client/informer-factory.js';
import type { PodTemplate } from '../common/pod-template.js';

/**
 * What differs between ReplicaSets and ReplicationControllers for the one controller that
 * runs both (as Kubernetes runs the replication manager on the ReplicaSet code): where they
 * live, their kind for controller references, the event source, and the selector's shape.
 */
export interface ReplicatedKind {
  resource: ResourceRef;
  apiVersion: string;
  kind: string;
  /** Event source component (`replicaset-controller`, `replication-controller`). */
  component: string;
  selector(obj: KubeObject): LabelSelector | undefined;
}

export interface ReplicatedSpec {
  replicas?: number;
  minReadySeconds?: number;
  template?: PodTemplate;
}

export function replicatedSpec(obj: KubeObject): ReplicatedSpec {
  return (obj.spec ?? {}) as ReplicatedSpec;
}

export const replicaSetKind: ReplicatedKind = {
  resource: { group: 'apps', version: 'v1', plural: 'replicasets' },
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  component: 'replicaset-controller',
  selector: (obj) => ((obj.spec as { selector?: LabelSelector } | undefined)?.selector ?? undefined),
};

export const replicationControllerKind: ReplicatedKind = {
  resource: { group: '', version: 'v1', plural: 'replicationcontrollers' },
  apiVersion: 'v1',
  kind: 'ReplicationController',
  component: 'replication-controller',
  selector: (obj) => {
    const sel = (obj.spec as { selector?: Record<string, string> } | undefined)?.selector;
    return sel && Object.keys(sel).length ? { matchLabels: sel } : undefined;
  },
};

/** Whether the kind's selector of `owner` picks `labels` (an absent selector picks nothing). */
export function selects(kind: ReplicatedKind, owner: KubeObject, labels: Record<string, string> | undefined): boolean {
  const sel = kind.selector(owner);
  if (!sel) return false;
  // An empty selector would match every pod of the namespace; validation forbids it, so refuse it here too.
  if (!Object.keys(sel.matchLabels ?? {}).length && !(sel.matchExpressions ?? []).length) return false;
  return selectorMatches(sel, labels);
}
