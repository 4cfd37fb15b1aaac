import { memoryQuantity } from '../../api/usage-quantity.js';
import { bytesOf, containersOf, type PodUsage } from './ranking.js';

/**
 * The kubelet's local storage limits check: a pod whose containers together use more
 * ephemeral storage than their summed limits, or a container over its own limit, is
 * evicted with one of these messages. Returns undefined when the pod is within its limits.
 *
 * @example
 * localStorageViolation(usage); // 'Container writer exceeded its local ephemeral storage limit "1Mi". '
 */
export function localStorageViolation(u: PodUsage): string | undefined {
  const containers = containersOf(u.pod);
  const podLimit = containers.reduce((sum, c) => sum + bytesOf(c.resources?.limits?.['ephemeral-storage']), 0);
  if (podLimit > 0) {
    let used = 0;
    for (const c of u.containers.values()) used += c.ephemeral ?? 0;
    if (used > podLimit) return `Pod ephemeral local storage usage exceeds the total limit of containers ${memoryQuantity(podLimit)}. `;
  }
  for (const c of containers) {
    const text = c.resources?.limits?.['ephemeral-storage'];
    const limit = bytesOf(text);
    const used = u.containers.get(c.name)?.ephemeral;
    if (limit > 0 && used !== undefined && used > limit) return `Container ${c.name} exceeded its local ephemeral storage limit "${text}". `;
  }
  return undefined;
}

/** Whether any container of the pod limits ephemeral storage (only those pods need measuring without disk pressure). */
export function limitsEphemeralStorage(pod: PodUsage['pod']): boolean {
  return containersOf(pod).some((c) => bytesOf(c.resources?.limits?.['ephemeral-storage']) > 0);
}
