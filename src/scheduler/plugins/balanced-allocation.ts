import { type PluginFactory, maxNodeScore } from '../framework/interfaces.js';
import { Status } from '../framework/status.js';

export const balancedAllocationName = 'NodeResourcesBalancedAllocation';

/**
 * Favors nodes whose CPU and memory would be used in equal shares after placing the pod:
 * (1 − |cpu fraction − memory fraction| / 2) × 100, on requested resources. Pods that request
 * nothing are not scored by it.
 */
export const balancedAllocation: PluginFactory = () => ({
  name: balancedAllocationName,
  preScore(_state, pod) {
    return pod.requests.milliCPU === 0 && pod.requests.memory === 0 ? Status.skip() : null;
  },
  score(_state, pod, node) {
    const a = node.allocatable;
    const hasCpu = a.milliCPU > 0;
    const hasMem = a.memory > 0;
    if (!hasCpu || !hasMem) return maxNodeScore;
    const cpu = Math.min(1, (node.requested.milliCPU + pod.requests.milliCPU) / a.milliCPU);
    const mem = Math.min(1, (node.requested.memory + pod.requests.memory) / a.memory);
    return Math.trunc((1 - Math.abs((cpu - mem) / 2)) * maxNodeScore);
  },
});
