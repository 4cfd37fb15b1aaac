import { memoryQuantity } from '../../api/usage-quantity.js';
import { containersOf, requestOf, type PodUsage } from './ranking.js';

/**
 * The kubelet's eviction message: the starved resource, the threshold and what was
 * available, and each container that used more than it requested.
 *
 * @example
 * evictionMessage('memory', { quantity: 100 * 2 ** 20, available: 50 * 2 ** 20 }, usage);
 * // 'The node was low on resource: memory. Threshold quantity: 100Mi, available: 50Mi. Container hog was using 1348Ki, request is 0, has larger consumption of memory. '
 */
export function evictionMessage(resource: string, met: { quantity: number; available: number } | undefined, usage: PodUsage | undefined): string {
  let msg = `The node was low on resource: ${resource}. `;
  if (met) msg += `Threshold quantity: ${memoryQuantity(met.quantity)}, available: ${memoryQuantity(met.available)}. `;
  if (!usage || (resource !== 'memory' && resource !== 'ephemeral-storage')) return msg;
  for (const c of containersOf(usage.pod)) {
    const u = usage.containers.get(c.name);
    const used = resource === 'memory' ? u?.memory : u?.ephemeral;
    if (used === undefined) continue;
    const request = requestOf(c, resource);
    if (used > request) msg += `Container ${c.name} was using ${memoryQuantity(used)}, request is ${memoryQuantity(request)}, has larger consumption of ${resource}. `;
  }
  return msg;
}

/** How an evicted pod's status reads: Failed, reason Evicted, the message, and a DisruptionTarget condition. */
export function evictedStatus(status: Record<string, unknown>, message: string, now: string): Record<string, unknown> {
  const conditions = ((status.conditions ?? []) as { type: string }[]).filter((c) => c.type !== 'DisruptionTarget');
  conditions.push({ type: 'DisruptionTarget', status: 'True', lastProbeTime: null, lastTransitionTime: now, reason: 'TerminationByKubelet', message } as { type: string });
  return { ...status, phase: 'Failed', reason: 'Evicted', message, conditions };
}
