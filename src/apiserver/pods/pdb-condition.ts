/**
 * The PodDisruptionBudget `DisruptionAllowed` condition, shared by the eviction subresource
 * (which turns it False when it takes the last allowed disruption) and the disruption
 * controller (which keeps it in step with status.disruptionsAllowed).
 */
export interface PDBCondition {
  type: string;
  status: 'True' | 'False';
  reason: string;
  message: string;
  observedGeneration?: number;
  lastTransitionTime: string;
}

/** Reasons Kubernetes uses for the condition. */
export const pdbReasons = { sufficient: 'SufficientPods', insufficient: 'InsufficientPods', syncFailed: 'SyncFailed' } as const;

/**
 * Sets DisruptionAllowed from whether disruptions are allowed, keeping lastTransitionTime
 * when the status does not change (meta.SetStatusCondition).
 */
export function setDisruptionAllowedCondition(
  status: { conditions?: unknown[]; observedGeneration?: number },
  allowed: boolean,
  now: string,
  reason: string = allowed ? pdbReasons.sufficient : pdbReasons.insufficient,
  message = '',
): void {
  const list = (Array.isArray(status.conditions) ? status.conditions : []) as PDBCondition[];
  const old = list.find((c) => c?.type === 'DisruptionAllowed');
  const next: PDBCondition = {
    type: 'DisruptionAllowed',
    status: allowed ? 'True' : 'False',
    reason,
    message,
    ...(status.observedGeneration !== undefined ? { observedGeneration: status.observedGeneration } : {}),
    lastTransitionTime: old && old.status === (allowed ? 'True' : 'False') ? old.lastTransitionTime : now,
  };
  status.conditions = [...list.filter((c) => c?.type !== 'DisruptionAllowed'), next];
}
