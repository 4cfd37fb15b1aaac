import type { KubeObject } from '../../api/types.js';

export const revisionAnnotation = 'deployment.kubernetes.io/revision';
export const revisionHistoryAnnotation = 'deployment.kubernetes.io/revision-history';
export const desiredReplicasAnnotation = 'deployment.kubernetes.io/desired-replicas';
export const maxReplicasAnnotation = 'deployment.kubernetes.io/max-replicas';
/** Kubernetes caps the revision-history annotation at this many characters. */
const maxRevisionHistoryChars = 2000;

/** Deployment annotations that never travel to its ReplicaSets. */
const notCopied = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  revisionAnnotation,
  revisionHistoryAnnotation,
  desiredReplicasAnnotation,
  maxReplicasAnnotation,
  'deprecated.deployment.rollback.to',
]);

/** The set's revision number (0 when absent or unreadable). */
export function revisionOf(obj: KubeObject): number {
  const v = obj.metadata.annotations?.[revisionAnnotation];
  const n = v === undefined ? 0 : Number(v);
  return Number.isSafeInteger(n) ? n : 0;
}

/** MaxRevision. */
export function maxRevision(sets: KubeObject[]): number {
  return sets.reduce((m, rs) => Math.max(m, revisionOf(rs)), 0);
}

function annotations(obj: KubeObject): Record<string, string> {
  return (obj.metadata.annotations ??= {});
}

/** SetReplicasAnnotations: desired and max replicas on a set; true when they changed. */
export function setReplicasAnnotations(rs: KubeObject, desired: number, max: number): boolean {
  const a = annotations(rs);
  let changed = false;
  for (const [k, v] of [[desiredReplicasAnnotation, String(desired)], [maxReplicasAnnotation, String(max)]] as const) {
    if (a[k] !== v) {
      a[k] = v;
      changed = true;
    }
  }
  return changed;
}

export function replicasAnnotationsNeedUpdate(rs: KubeObject, desired: number, max: number): boolean {
  const a = rs.metadata.annotations ?? {};
  return a[desiredReplicasAnnotation] !== String(desired) || a[maxReplicasAnnotation] !== String(max);
}

/** The set's max-replicas annotation, if it has a readable one. */
export function maxReplicasOf(rs: KubeObject): number | undefined {
  const v = rs.metadata.annotations?.[maxReplicasAnnotation];
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : undefined;
}

export function desiredReplicasOf(rs: KubeObject): number | undefined {
  const v = rs.metadata.annotations?.[desiredReplicasAnnotation];
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** copyDeploymentAnnotationsToReplicaSet: the deployment's own annotations (change-cause …) onto the set. */
function copyDeploymentAnnotations(d: KubeObject, rs: KubeObject): boolean {
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (notCopied.has(k) || rs.metadata.annotations?.[k] === v) continue;
    annotations(rs)[k] = v;
    changed = true;
  }
  return changed;
}

/**
 * SetNewReplicaSetAnnotations: copies the deployment's annotations, raises the set's revision
 * to `newRevision` (a set brought back by a rollback keeps its former revisions in
 * `revision-history`), and for a set about to be created adds the replicas annotations.
 */
export function setNewReplicaSetAnnotations(d: KubeObject, rs: KubeObject, newRevision: number, exists: boolean, desired: number, max: number): boolean {
  let changed = copyDeploymentAnnotations(d, rs);
  const oldText = rs.metadata.annotations?.[revisionAnnotation];
  const old = oldText === undefined ? 0 : Number(oldText);
  if (!Number.isSafeInteger(old)) return changed;
  if (old < newRevision) {
    annotations(rs)[revisionAnnotation] = String(newRevision);
    changed = true;
    if (oldText !== undefined) {
      const history = rs.metadata.annotations?.[revisionHistoryAnnotation] ?? '';
      if (!history) {
        annotations(rs)[revisionHistoryAnnotation] = oldText;
      } else {
        const parts = history.split(',');
        let total = history.length + oldText.length + 1;
        let start = 0;
        while (total > maxRevisionHistoryChars && start < parts.length) total -= parts[start++]!.length + 1;
        if (total <= maxRevisionHistoryChars) annotations(rs)[revisionHistoryAnnotation] = [...parts.slice(start), oldText].join(',');
      }
    }
  }
  if (!exists && setReplicasAnnotations(rs, desired, max)) changed = true;
  return changed;
}
