import type { KubeObject, LabelSelector } from '../../api/types.js';
import { intOrPercentValue } from '../../api/common/int-or-string.js';
import { isPodReady } from '../../apiserver/pods/pod-conditions.js';
import { setDisruptionAllowedCondition } from '../../apiserver/pods/pdb-condition.js';

/** How long an eviction's entry in status.disruptedPods counts before it is given up on. */
export const disruptedPodTimeoutMs = 2 * 60 * 1000;

export interface PDBSpec {
  minAvailable?: number | string | null;
  maxUnavailable?: number | string | null;
  selector?: LabelSelector | null;
}

export interface PDBStatus {
  observedGeneration?: number;
  disruptedPods?: Record<string, string>;
  disruptionsAllowed: number;
  currentHealthy: number;
  desiredHealthy: number;
  expectedPods: number;
  conditions?: unknown[];
}

/** scaled value of an int-or-percent against a total (GetScaledValueFromIntOrPercent). */
function scaled(v: number | string, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return v;
  const pct = intOrPercentValue(v);
  if (!v.endsWith('%')) return pct;
  const raw = (pct * total) / 100;
  return roundUp ? Math.ceil(raw) : Math.floor(raw);
}

/** Whether the budget needs the pods' controllers' replica counts (anything but an integer minAvailable). */
export function needsExpectedScale(spec: PDBSpec): boolean {
  if (spec.maxUnavailable !== undefined && spec.maxUnavailable !== null) return true;
  return typeof spec.minAvailable === 'string';
}

/**
 * The desired and expected counts (getExpectedPodCount): an integer minAvailable counts the
 * selected pods; a percentage or maxUnavailable counts the replicas of their controllers.
 */
export function expectedCounts(spec: PDBSpec, podCount: number, controllerScale: number): { expected: number; desired: number } {
  if (spec.maxUnavailable !== undefined && spec.maxUnavailable !== null) {
    const expected = controllerScale;
    const maxUnavailable = scaled(spec.maxUnavailable, expected, true);
    return { expected, desired: Math.max(0, expected - maxUnavailable) };
  }
  if (spec.minAvailable !== undefined && spec.minAvailable !== null) {
    if (typeof spec.minAvailable === 'number') return { expected: podCount, desired: spec.minAvailable };
    return { expected: controllerScale, desired: scaled(spec.minAvailable, controllerScale, true) };
  }
  return { expected: podCount, desired: 0 };
}

/**
 * The status the disruption controller writes for a budget, given its selected pods and
 * (when needed) their controllers' total replicas. Entries of disruptedPods for pods that
 * are gone, being deleted or timed out are dropped; the remaining ones do not count as healthy.
 */
export function computePDBStatus(pdb: KubeObject, pods: KubeObject[], controllerScale: number, now: number, rfc3339: (ms: number) => string): PDBStatus {
  const spec = (pdb.spec ?? {}) as PDBSpec;
  const old = (pdb.status ?? {}) as Partial<PDBStatus>;
  const byName = new Map(pods.map((p) => [p.metadata.name!, p]));
  const disrupted: Record<string, string> = {};
  for (const [name, at] of Object.entries(old.disruptedPods ?? {})) {
    const pod = byName.get(name);
    if (!pod || pod.metadata.deletionTimestamp) continue;
    if (Date.parse(at) + disruptedPodTimeoutMs < now) continue;
    disrupted[name] = at;
  }
  let healthy = 0;
  for (const p of pods) {
    if (p.metadata.deletionTimestamp || disrupted[p.metadata.name!] !== undefined) continue;
    if (isPodReady(p)) healthy++;
  }
  const { expected, desired } = expectedCounts(spec, pods.length, controllerScale);
  let allowed = healthy - desired;
  if (expected <= 0 || allowed <= 0) allowed = 0;
  const status: PDBStatus = {
    observedGeneration: pdb.metadata.generation ?? 1,
    disruptionsAllowed: allowed,
    currentHealthy: healthy,
    desiredHealthy: desired,
    expectedPods: expected,
    conditions: old.conditions ? [...old.conditions] : [],
  };
  if (Object.keys(disrupted).length) status.disruptedPods = disrupted;
  setDisruptionAllowedCondition(status, allowed > 0, rfc3339(now));
  return status;
}
