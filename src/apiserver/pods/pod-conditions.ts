/**
 * Pod status conditions, set the way Kubernetes' UpdatePodCondition does: a condition whose
 * status changes gets a new lastTransitionTime; one that only changes reason or message
 * keeps it; an unchanged one is left alone (so no write is needed).
 */
export interface PodCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastProbeTime?: string | null;
  lastTransitionTime?: string | null;
  observedGeneration?: number;
}

/**
 * Puts `cond` into `status.conditions` (created if absent); returns whether anything changed.
 *
 * @example
 * updatePodCondition(pod.status, { type: 'PodScheduled', status: 'True' }, '2024-01-01T00:00:00Z');
 */
export function updatePodCondition(status: Record<string, unknown>, cond: PodCondition, now: string): boolean {
  const list = Array.isArray(status.conditions) ? (status.conditions as PodCondition[]) : [];
  const i = list.findIndex((c) => c?.type === cond.type);
  const next: PodCondition = { lastProbeTime: null, ...cond };
  if (i < 0) {
    next.lastTransitionTime ??= now;
    status.conditions = [...list, next];
    return true;
  }
  const old = list[i]!;
  next.lastTransitionTime = old.status === cond.status ? (old.lastTransitionTime ?? now) : (cond.lastTransitionTime ?? now);
  const same =
    old.status === next.status &&
    (old.reason ?? '') === (next.reason ?? '') &&
    (old.message ?? '') === (next.message ?? '') &&
    (old.lastProbeTime ?? null) === (next.lastProbeTime ?? null) &&
    old.lastTransitionTime === next.lastTransitionTime;
  if (same) return false;
  const copy = [...list];
  copy[i] = next;
  status.conditions = copy;
  return true;
}

/** The condition of a type, if the pod has it. */
export function podCondition(status: unknown, type: string): PodCondition | undefined {
  const list = (status as { conditions?: unknown } | undefined)?.conditions;
  return Array.isArray(list) ? (list as PodCondition[]).find((c) => c?.type === type) : undefined;
}

/** A pod is ready when its Ready condition is True (IsPodReady). */
export function isPodReady(pod: { status?: unknown } | Record<string, unknown>): boolean {
  return podCondition(pod.status, 'Ready')?.status === 'True';
}
