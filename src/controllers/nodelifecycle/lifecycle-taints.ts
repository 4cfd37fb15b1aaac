import type { KubeObject } from '../../api/types.js';

export interface Taint {
  key: string;
  value?: string;
  effect: string;
  timeAdded?: string;
}

export const notReadyKey = 'node.kubernetes.io/not-ready';
export const unreachableKey = 'node.kubernetes.io/unreachable';
export const unschedulableKey = 'node.kubernetes.io/unschedulable';

/** Conditions that, when True, taint the node NoSchedule (TaintNodesByCondition). */
const conditionTaints: Record<string, string> = {
  MemoryPressure: 'node.kubernetes.io/memory-pressure',
  DiskPressure: 'node.kubernetes.io/disk-pressure',
  PIDPressure: 'node.kubernetes.io/pid-pressure',
  NetworkUnavailable: 'node.kubernetes.io/network-unavailable',
};

/** Every taint this controller manages (others' taints are never touched). */
const managedKeys = new Set([notReadyKey, unreachableKey, unschedulableKey, ...Object.values(conditionTaints)]);

function readyStatus(node: KubeObject): string | undefined {
  const conds = ((node.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []);
  return conds.find((c) => c.type === 'Ready')?.status;
}

/**
 * The taints the node lifecycle controller wants on a node: not-ready (Ready False) or
 * unreachable (Ready Unknown) as NoSchedule and NoExecute, pressure conditions as NoSchedule,
 * and unschedulable for a cordoned node.
 */
export function desiredLifecycleTaints(node: KubeObject): Taint[] {
  const out: Taint[] = [];
  const ready = readyStatus(node);
  if (ready === 'False') out.push({ key: notReadyKey, effect: 'NoSchedule' }, { key: notReadyKey, effect: 'NoExecute' });
  else if (ready === 'Unknown' || ready === undefined) out.push({ key: unreachableKey, effect: 'NoSchedule' }, { key: unreachableKey, effect: 'NoExecute' });
  const conds = ((node.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []);
  for (const c of conds) if (c.status === 'True' && conditionTaints[c.type]) out.push({ key: conditionTaints[c.type]!, effect: 'NoSchedule' });
  if ((node.spec as { unschedulable?: boolean } | undefined)?.unschedulable) out.push({ key: unschedulableKey, effect: 'NoSchedule' });
  return out;
}

/**
 * The node's taints with the managed ones made to match `desired` (NoExecute ones stamped
 * with timeAdded when added); undefined when nothing changes.
 */
export function reconcileTaints(current: Taint[], desired: Taint[], now: string): Taint[] | undefined {
  const same = (a: Taint, b: Taint) => a.key === b.key && a.effect === b.effect;
  const keep = current.filter((t) => !managedKeys.has(t.key) || desired.some((d) => same(d, t)));
  const add = desired.filter((d) => !current.some((t) => same(d, t))).map((d) => (d.effect === 'NoExecute' ? { ...d, timeAdded: now } : d));
  if (add.length === 0 && keep.length === current.length) return undefined;
  return [...keep, ...add];
}
