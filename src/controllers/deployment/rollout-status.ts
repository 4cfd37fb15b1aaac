import type { KubeObject } from '../../api/types.js';
import { getCondition, newCondition, reasons, removeCondition, setCondition } from './conditions.js';
import { actualReplicas, availableReplicas, readyReplicas, specReplicas } from './replica-set-math.js';
import { maxUnavailable } from './rollout-math.js';
import { type DeploymentCondition, type DeploymentStatus, dReplicas, dSpec, dStatus, rsStatus } from './types.js';

/** HasProgressDeadline: set and not the "never" sentinel (MaxInt32). */
export function hasProgressDeadline(d: KubeObject): boolean {
  const s = dSpec(d).progressDeadlineSeconds;
  return typeof s === 'number' && s !== 2147483647;
}

/** calculateStatus: counts from the sets, and the Available condition from minimum availability. */
export function calculateStatus(allRSs: KubeObject[], newRS: KubeObject | undefined, d: KubeObject, nowMs: number): DeploymentStatus {
  const available = availableReplicas(allRSs);
  const total = specReplicas(allRSs);
  const status: DeploymentStatus = {};
  const put = (k: keyof DeploymentStatus, v: number | undefined) => {
    if (v) (status as Record<string, unknown>)[k] = v;
  };
  put('observedGeneration', d.metadata.generation);
  put('replicas', actualReplicas(allRSs));
  put('updatedReplicas', newRS ? (rsStatus(newRS).replicas ?? 0) : 0);
  put('readyReplicas', readyReplicas(allRSs));
  put('availableReplicas', available);
  put('unavailableReplicas', Math.max(0, total - available));
  const old = dStatus(d);
  if (old.conditions?.length) status.conditions = old.conditions.map((c) => ({ ...c }));
  if (old.collisionCount !== undefined) status.collisionCount = old.collisionCount;
  if (available >= dReplicas(d) - maxUnavailable(d)) {
    setCondition(status, newCondition('Available', 'True', reasons.minimumAvailable, 'Deployment has minimum availability.', nowMs));
  } else {
    setCondition(status, newCondition('Available', 'False', reasons.minimumUnavailable, 'Deployment does not have minimum availability.', nowMs));
  }
  return status;
}

/** DeploymentComplete: every replica updated and available, and the latest spec observed. */
export function deploymentComplete(d: KubeObject, s: DeploymentStatus): boolean {
  const r = dReplicas(d);
  return (s.updatedReplicas ?? 0) === r && (s.replicas ?? 0) === r && (s.availableReplicas ?? 0) === r && (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);
}

/** DeploymentProgressing: more updated, fewer old, more ready or more available pods than before. */
export function deploymentProgressing(d: KubeObject, s: DeploymentStatus): boolean {
  const o = dStatus(d);
  const oldOld = (o.replicas ?? 0) - (o.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (s.updatedReplicas ?? 0) > (o.updatedReplicas ?? 0) || newOld < oldOld || (s.readyReplicas ?? 0) > (o.readyReplicas ?? 0) || (s.availableReplicas ?? 0) > (o.availableReplicas ?? 0);
}

/** DeploymentTimedOut: no progress recorded for progressDeadlineSeconds. */
export function deploymentTimedOut(d: KubeObject, s: DeploymentStatus, nowMs: number): boolean {
  if (!hasProgressDeadline(d)) return false;
  const c = getCondition(s, 'Progressing');
  if (!c || c.reason === reasons.newRSAvailable) return false;
  if (c.reason === reasons.timedOut) return true;
  const from = Date.parse(c.lastUpdateTime ?? '');
  return from + dSpec(d).progressDeadlineSeconds! * 1000 < nowMs;
}

/**
 * The status syncRolloutStatus writes: calculateStatus plus the Progressing condition
 * (complete, progressing or timed out) and ReplicaSet failures carried up.
 */
export function rolloutStatus(allRSs: KubeObject[], newRS: KubeObject | undefined, d: KubeObject, nowMs: number): DeploymentStatus {
  const s = calculateStatus(allRSs, newRS, d, nowMs);
  if (!hasProgressDeadline(d)) removeCondition(s, 'Progressing');
  const current = getCondition(dStatus(d), 'Progressing');
  const complete = (s.replicas ?? 0) === (s.updatedReplicas ?? 0) && current?.reason === reasons.newRSAvailable;
  if (hasProgressDeadline(d) && !complete) {
    const name = d.metadata.name;
    if (deploymentComplete(d, s)) {
      const msg = newRS ? `ReplicaSet "${newRS.metadata.name}" has successfully progressed.` : `Deployment "${name}" has successfully progressed.`;
      setCondition(s, newCondition('Progressing', 'True', reasons.newRSAvailable, msg, nowMs));
    } else if (deploymentProgressing(d, s)) {
      const msg = newRS ? `ReplicaSet "${newRS.metadata.name}" is progressing.` : `Deployment "${name}" is progressing.`;
      const cond = newCondition('Progressing', 'True', reasons.rsUpdated, msg, nowMs);
      // Progress refreshes lastUpdateTime even with an unchanged reason (the deadline counts from it).
      if (current) {
        if (current.status === 'True') cond.lastTransitionTime = current.lastTransitionTime;
        removeCondition(s, 'Progressing');
      }
      setCondition(s, cond);
    } else if (deploymentTimedOut(d, s, nowMs)) {
      const msg = newRS ? `ReplicaSet "${newRS.metadata.name}" has timed out progressing.` : `Deployment "${name}" has timed out progressing.`;
      setCondition(s, newCondition('Progressing', 'False', reasons.timedOut, msg, nowMs));
    }
  }
  const failure = replicaFailure(allRSs, newRS, nowMs);
  if (failure) setCondition(s, failure);
  else removeCondition(s, 'ReplicaFailure');
  return s;
}

/** getReplicaFailures: the new set's ReplicaFailure condition, else an old set's. */
function replicaFailure(allRSs: KubeObject[], newRS: KubeObject | undefined, nowMs: number): DeploymentCondition | undefined {
  const from = (rs: KubeObject) => rsStatus(rs).conditions?.find((c) => c.type === 'ReplicaFailure');
  const ordered = newRS ? [newRS, ...allRSs.filter((r) => r !== newRS)] : allRSs;
  for (const rs of ordered) {
    const c = from(rs);
    if (c) {
      const at = c.lastTransitionTime ?? newCondition('ReplicaFailure', c.status, '', '', nowMs).lastTransitionTime;
      return { type: 'ReplicaFailure', status: c.status, lastUpdateTime: at, lastTransitionTime: at, reason: c.reason, message: c.message };
    }
  }
  return undefined;
}

/**
 * requeueStuckDeployment: how long until a deployment without progress should be looked at
 * again to time it out (undefined: no need).
 */
export function stuckRecheckMs(d: KubeObject, s: DeploymentStatus, nowMs: number): number | undefined {
  const c = getCondition(dStatus(d), 'Progressing');
  if (!hasProgressDeadline(d) || !c) return undefined;
  if (deploymentComplete(d, s) || c.reason === reasons.timedOut) return undefined;
  const after = Date.parse(c.lastUpdateTime ?? '') + dSpec(d).progressDeadlineSeconds! * 1000 - nowMs;
  return after < 1000 ? 0 : after + 1000;
}
