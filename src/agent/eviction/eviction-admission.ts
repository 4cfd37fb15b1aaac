import type { KubeObject } from '../../api/types.js';
import type { PodAdmission } from '../pods/pod-admission.js';
import type { PressureCondition } from './eviction-manager.js';

const criticalPriority = 2_000_000_000;

function tolerates(pod: KubeObject, key: string): boolean {
  const tolerations = ((pod.spec as { tolerations?: { key?: string; operator?: string; effect?: string }[] } | undefined)?.tolerations ?? []);
  return tolerations.some((t) => (t.key === key || (t.key === undefined && t.operator === 'Exists')) && (!t.effect || t.effect === 'NoSchedule'));
}

/**
 * The kubelet's eviction admit handler: while the node has MemoryPressure it refuses
 * BestEffort pods (unless they tolerate the memory-pressure taint); under DiskPressure (or
 * PIDPressure) it refuses every pod that does not tolerate it; critical pods always pass. The
 * refusal is reason `Evicted`, message `The node had condition: [MemoryPressure]. `.
 *
 * @example
 * admitUnderPressure(pod, { MemoryPressure: true, DiskPressure: false, PIDPressure: false });
 * // { admit: false, reason: 'Evicted', message: 'The node had condition: [MemoryPressure]. ' }
 */
export function admitUnderPressure(pod: KubeObject, conditions: Record<PressureCondition, boolean>): PodAdmission {
  const on = (Object.keys(conditions) as PressureCondition[]).filter((c) => conditions[c]);
  if (!on.length) return { admit: true };
  if (Number((pod.spec as { priority?: number } | undefined)?.priority ?? 0) >= criticalPriority) return { admit: true };
  const refuse = { admit: false as const, reason: 'Evicted', message: `The node had condition: [${on.join(' ')}]. ` };
  const onlyMemory = on.length === 1 && on[0] === 'MemoryPressure';
  if (onlyMemory) {
    const qos = (pod.status as { qosClass?: string } | undefined)?.qosClass;
    if (qos !== 'BestEffort' || tolerates(pod, 'node.kubernetes.io/memory-pressure')) return { admit: true };
    return refuse;
  }
  const keys: Record<PressureCondition, string> = { MemoryPressure: 'node.kubernetes.io/memory-pressure', DiskPressure: 'node.kubernetes.io/disk-pressure', PIDPressure: 'node.kubernetes.io/pid-pressure' };
  return on.every((c) => tolerates(pod, keys[c])) ? { admit: true } : refuse;
}
