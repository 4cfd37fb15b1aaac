import type { KubeObject } from '../../api/types.js';
import { maxReplicasOf } from './revisions.js';
import { specReplicas } from './replica-set-math.js';
import { dReplicas, dSpec, dStatus, rsReplicas } from './types.js';

/** intstr.GetScaledValueFromIntOrPercent: a count, or a percentage of `total` rounded up or down. */
export function scaledValue(v: number | string | undefined, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\d+%$/.test(v)) {
    const x = (Number(v.slice(0, -1)) * total) / 100;
    return roundUp ? Math.ceil(x) : Math.floor(x);
  }
  const n = Number(v ?? 0);
  return Number.isInteger(n) ? n : 0;
}

export function isRollingUpdate(d: KubeObject): boolean {
  return (dSpec(d).strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

/** ResolveFenceposts: surge rounds up, unavailability down; both zero means one unavailable. */
export function resolveFenceposts(d: KubeObject, desired: number): { surge: number; unavailable: number } {
  const ru = dSpec(d).strategy?.rollingUpdate ?? {};
  const surge = scaledValue(ru.maxSurge ?? '25%', desired, true);
  let unavailable = scaledValue(ru.maxUnavailable ?? '25%', desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

/** MaxSurge: how many pods above `replicas` a rolling update may run. */
export function maxSurge(d: KubeObject): number {
  if (!isRollingUpdate(d)) return 0;
  return resolveFenceposts(d, dReplicas(d)).surge;
}

/** MaxUnavailable: how many of `replicas` may be unavailable (never more than replicas). */
export function maxUnavailable(d: KubeObject): number {
  const replicas = dReplicas(d);
  if (!isRollingUpdate(d) || replicas === 0) return 0;
  return Math.min(resolveFenceposts(d, replicas).unavailable, replicas);
}

/** NewRSNewReplicas: how big the new set may be now. */
export function newRSNewReplicas(d: KubeObject, allRSs: KubeObject[], newRS: KubeObject): number {
  const replicas = dReplicas(d);
  if (!isRollingUpdate(d)) return replicas;
  const surge = scaledValue(dSpec(d).strategy?.rollingUpdate?.maxSurge ?? '25%', replicas, true);
  const current = specReplicas(allRSs);
  const maxTotal = replicas + surge;
  if (current >= maxTotal) return rsReplicas(newRS);
  const up = Math.min(maxTotal - current, replicas - rsReplicas(newRS));
  return rsReplicas(newRS) + up;
}

/** IsSaturated: the new set has all replicas, asked for and available. */
export function isSaturated(d: KubeObject, rs: KubeObject | undefined): boolean {
  if (!rs) return false;
  const desired = rs.metadata.annotations?.['deployment.kubernetes.io/desired-replicas'];
  const status = (rs.status ?? {}) as { availableReplicas?: number };
  return desired === String(dReplicas(d)) && rsReplicas(rs) === dReplicas(d) && (status.availableReplicas ?? 0) === dReplicas(d);
}

/** Go's math.Round: halves away from zero. */
function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/** getReplicaSetFraction: the set's share of a resize, from its size and the size it was made for. */
function fraction(rs: KubeObject, d: KubeObject): number {
  if (dReplicas(d) === 0) return -rsReplicas(rs);
  const deploymentReplicas = dReplicas(d) + maxSurge(d);
  const annotated = maxReplicasOf(rs) ?? dStatus(d).replicas ?? 0;
  if (annotated === 0) return 0;
  return roundHalfAway((rsReplicas(rs) * deploymentReplicas) / annotated) - rsReplicas(rs);
}

/** GetProportion: how many of `toAdd` (positive or negative) this set takes, given `added` so far. */
export function proportion(rs: KubeObject | undefined, d: KubeObject, toAdd: number, added: number): number {
  if (!rs || rsReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const f = fraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(f, allowed) : Math.max(f, allowed);
}
