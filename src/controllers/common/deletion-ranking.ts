import type { KubeObject } from '../../api/types.js';
import { isPodActive, isPodReady, podPhase, podSpec, podStatus, readyCondition } from './pod-status.js';

const phaseOrdinal: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };
const deletionCostAnnotation = 'controller.kubernetes.io/pod-deletion-cost';

function ms(ts: string | null | undefined): number | undefined {
  if (!ts) return undefined;
  const t = Date.parse(ts);
  return Number.isNaN(t) ? undefined : t;
}

function deletionCost(pod: KubeObject): number {
  const v = Number(pod.metadata.annotations?.[deletionCostAnnotation] ?? 0);
  return Number.isInteger(v) ? v : 0;
}

function maxRestarts(pod: KubeObject): number {
  return Math.max(0, ...(podStatus(pod).containerStatuses ?? []).map((c) => c.restartCount ?? 0));
}

/** Base-2 log of the age in nanoseconds: ages in the same power-of-two bucket count as equal. */
function logRank(t: number, now: number): number {
  const d = (now - t) * 1e6;
  return d > 0 ? Math.floor(Math.log2(d)) : -1;
}

/** afterOrZero: a missing time sorts first, then the later time. */
function newerFirst(a: number | undefined, b: number | undefined): boolean {
  if (a === undefined || b === undefined) return a === undefined;
  return a > b;
}

function compareTimes(a: number | undefined, b: number | undefined, uidA: string, uidB: string, now: number): number {
  if (a === b) return 0;
  if (a === undefined || b === undefined) return newerFirst(a, b) ? -1 : 1;
  const diff = logRank(a, now) - logRank(b, now);
  if (diff === 0) return uidA < uidB ? -1 : uidA > uidB ? 1 : 0;
  return diff;
}

/**
 * Kubernetes' deletion order for scale-down (ActivePodsWithRanks, with LogarithmicScaleDown
 * and PodDeletionCost on, as their defaults are): unscheduled before scheduled, pending before
 * unknown before running, not ready before ready, lower deletion cost first, pods doubled up on
 * a node with more related pods first, recently ready first, more restarts first, newer first.
 * Returns the `count` pods to delete.
 */
export function podsToDelete(pods: KubeObject[], relatedPods: KubeObject[], count: number, nowMs: number): KubeObject[] {
  if (count >= pods.length) return pods.slice(0, count);
  const perNode = new Map<string, number>();
  for (const p of relatedPods) {
    if (!isPodActive(p)) continue;
    const n = podSpec(p).nodeName ?? '';
    perNode.set(n, (perNode.get(n) ?? 0) + 1);
  }
  const rank = new Map(pods.map((p) => [p, perNode.get(podSpec(p).nodeName ?? '') ?? 0]));
  const compare = (a: KubeObject, b: KubeObject): number => {
    const na = podSpec(a).nodeName ?? '';
    const nb = podSpec(b).nodeName ?? '';
    if (na !== nb && (!na || !nb)) return !na ? -1 : 1;
    const pa = phaseOrdinal[podPhase(a)] ?? 0;
    const pb = phaseOrdinal[podPhase(b)] ?? 0;
    if (pa !== pb) return pa - pb;
    const ra = isPodReady(a);
    const rb = isPodReady(b);
    if (ra !== rb) return ra ? 1 : -1;
    const ca = deletionCost(a);
    const cb = deletionCost(b);
    if (ca !== cb) return ca - cb;
    const ka = rank.get(a)!;
    const kb = rank.get(b)!;
    if (ka !== kb) return kb - ka;
    const uidA = a.metadata.uid ?? '';
    const uidB = b.metadata.uid ?? '';
    if (ra && rb) {
      const c = compareTimes(ms(readyCondition(a)?.lastTransitionTime), ms(readyCondition(b)?.lastTransitionTime), uidA, uidB, nowMs);
      if (c !== 0) return c;
    }
    const xa = maxRestarts(a);
    const xb = maxRestarts(b);
    if (xa !== xb) return xb - xa;
    return compareTimes(ms(a.metadata.creationTimestamp), ms(b.metadata.creationTimestamp), uidA, uidB, nowMs);
  };
  return [...pods].sort(compare).slice(0, count);
}
