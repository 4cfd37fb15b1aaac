import type { KubeObject } from '../../api/types.js';
import { isPodAvailable, isPodReady } from '../common/pod-status.js';
import { errorMessage } from '../common/api-errors.js';
import { rfc3339 } from '../../util/clock.js';
import { replicatedSpec } from './replicated-kind.js';

export interface ReplicaCondition {
  type: string;
  status: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

/** ReplicaSetStatus / ReplicationControllerStatus as serialized (zero counts are omitted). */
export interface ReplicaStatus {
  replicas: number;
  fullyLabeledReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  observedGeneration?: number;
  conditions?: ReplicaCondition[];
}

/** The error of manageReplicas, with whether it came from creating or deleting pods. */
export interface ManageError {
  op: 'create' | 'delete';
  error: unknown;
}

function omitZero(status: ReplicaStatus, key: 'fullyLabeledReplicas' | 'readyReplicas' | 'availableReplicas', n: number): void {
  if (n) status[key] = n;
}

/**
 * calculateStatus: counts of the controlled active pods (all, fully labeled, ready, available)
 * and the ReplicaFailure condition, set while creating or deleting pods fails.
 */
export function calculateReplicaStatus(owner: KubeObject, pods: KubeObject[], manageErr: ManageError | undefined, nowMs: number): ReplicaStatus {
  const spec = replicatedSpec(owner);
  const templateLabels = Object.entries(spec.template?.metadata?.labels ?? {});
  let fully = 0;
  let ready = 0;
  let available = 0;
  for (const pod of pods) {
    const labels = pod.metadata.labels ?? {};
    if (templateLabels.every(([k, v]) => labels[k] === v)) fully++;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, spec.minReadySeconds ?? 0, nowMs)) available++;
    }
  }
  const status: ReplicaStatus = { replicas: pods.length };
  omitZero(status, 'fullyLabeledReplicas', fully);
  omitZero(status, 'readyReplicas', ready);
  omitZero(status, 'availableReplicas', available);
  const old = (owner.status ?? {}) as Partial<ReplicaStatus>;
  if (old.observedGeneration) status.observedGeneration = old.observedGeneration;
  let conditions = [...(old.conditions ?? [])];
  const failure = conditions.find((c) => c.type === 'ReplicaFailure');
  if (manageErr && !failure) {
    conditions.push({
      type: 'ReplicaFailure',
      status: 'True',
      lastTransitionTime: rfc3339(nowMs),
      reason: manageErr.op === 'create' ? 'FailedCreate' : 'FailedDelete',
      message: errorMessage(manageErr.error),
    });
  } else if (!manageErr && failure) {
    conditions = conditions.filter((c) => c.type !== 'ReplicaFailure');
  }
  if (conditions.length) status.conditions = conditions;
  return status;
}
