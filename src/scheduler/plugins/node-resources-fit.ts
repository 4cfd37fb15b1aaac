import { type PluginFactory, maxNodeScore } from '../framework/interfaces.js';
import type { NodeInfo } from '../framework/node-info.js';
import type { PodInfo } from '../framework/pod-info.js';
import { Status } from '../framework/status.js';

export const nodeResourcesFitName = 'NodeResourcesFit';

const tooManyPods = 'Too many pods';
const insufficient: Record<string, string> = { cpu: 'Insufficient cpu', memory: 'Insufficient memory', 'ephemeral-storage': 'Insufficient ephemeral-storage' };

/** fitsRequest: every resource the pod requests, and one more pod, fit the node's allocatable. */
export function insufficientResources(pod: PodInfo, node: NodeInfo): string[] | undefined {
  let out: string[] | undefined;
  if (node.pods.length + 1 > node.allocatable.allowedPodNumber) (out ??= []).push(tooManyPods);
  const r = pod.requests;
  if (r.milliCPU === 0 && r.memory === 0 && r.ephemeralStorage === 0 && !r.scalar?.size) return out;
  const a = node.allocatable;
  const used = node.requested;
  if (a.milliCPU < r.milliCPU + used.milliCPU) (out ??= []).push(insufficient.cpu!);
  if (a.memory < r.memory + used.memory) (out ??= []).push(insufficient.memory!);
  if (a.ephemeralStorage < r.ephemeralStorage + used.ephemeralStorage) (out ??= []).push(insufficient['ephemeral-storage']!);
  for (const [name, q] of r.scalar ?? []) {
    if ((a.scalar?.get(name) ?? 0) < q + (used.scalar?.get(name) ?? 0)) (out ??= []).push(`Insufficient ${name}`);
  }
  return out;
}

/** leastRequestedScore: the free share of capacity after placing the pod, 0–100. */
function leastRequested(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * maxNodeScore) / capacity);
}

/**
 * Requests vs allocatable (cpu, memory, ephemeral storage, extended resources, pod count) as
 * a filter; LeastAllocated scoring on CPU and memory (weights 1:1), with pods that request
 * nothing counted as 100m / 200Mi.
 */
export const nodeResourcesFit: PluginFactory = () => ({
  name: nodeResourcesFitName,
  filter(_state, pod, node) {
    const reasons = insufficientResources(pod, node);
    return reasons ? Status.unschedulable(...reasons) : null;
  },
  score(_state, pod, node) {
    const cpu = leastRequested(node.nonZeroCPU + pod.nonZeroCPU, node.allocatable.milliCPU);
    const mem = leastRequested(node.nonZeroMemory + pod.nonZeroMemory, node.allocatable.memory);
    return Math.trunc((cpu + mem) / 2);
  },
  events: () => [
    { resource: 'AssignedPod', action: 'Delete' },
    { resource: 'AssignedPod', action: 'UpdatePodScaleDown' },
    { resource: 'Node', action: 'Add' },
    { resource: 'Node', action: 'UpdateNodeAllocatable' },
  ],
});
