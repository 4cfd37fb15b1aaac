import { rfc3339 } from '../../util/clock.js';
import type { ConditionStatus, DeploymentCondition, DeploymentStatus } from './types.js';

/** Condition reasons the deployment controller writes (kubectl and users match on them). */
export const reasons = {
  newRSAvailable: 'NewReplicaSetAvailable',
  timedOut: 'ProgressDeadlineExceeded',
  rsUpdated: 'ReplicaSetUpdated',
  newRSCreated: 'NewReplicaSetCreated',
  foundNewRS: 'FoundNewReplicaSet',
  failedRSCreate: 'ReplicaSetCreateError',
  paused: 'DeploymentPaused',
  resumed: 'DeploymentResumed',
  minimumAvailable: 'MinimumReplicasAvailable',
  minimumUnavailable: 'MinimumReplicasUnavailable',
} as const;

/** NewDeploymentCondition: both times are now. */
export function newCondition(type: DeploymentCondition['type'], status: ConditionStatus, reason: string, message: string, nowMs: number): DeploymentCondition {
  const now = rfc3339(nowMs);
  return { type, status, lastUpdateTime: now, lastTransitionTime: now, reason, message };
}

export function getCondition(status: DeploymentStatus, type: DeploymentCondition['type']): DeploymentCondition | undefined {
  return status.conditions?.find((c) => c.type === type);
}

export function removeCondition(status: DeploymentStatus, type: DeploymentCondition['type']): void {
  const rest = (status.conditions ?? []).filter((c) => c.type !== type);
  if (rest.length) status.conditions = rest;
  else delete status.conditions;
}

/**
 * SetDeploymentCondition: nothing changes when status and reason are the same; a new reason
 * with the same status keeps lastTransitionTime; the condition moves to the end of the list.
 */
export function setCondition(status: DeploymentStatus, cond: DeploymentCondition): void {
  const cur = getCondition(status, cond.type);
  if (cur && cur.status === cond.status && cur.reason === cond.reason) return;
  const next = { ...cond };
  if (cur && cur.status === cond.status) next.lastTransitionTime = cur.lastTransitionTime;
  status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== cond.type), next];
}
