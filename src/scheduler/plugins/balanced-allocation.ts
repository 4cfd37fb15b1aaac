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
    const fractions: number[] = [];
    const a = node.allocatable;
    if (a.milliCPU > 0) fractions.push(Math.min(1, (node.requested.milliCPU + pod.requests.milliCPU) / a.milliCPU));
    if (a.memory > 0) fractions.push(Math.min(1, (node.requested.memory + pod.requests.memory) / a.memory));
    const std = fractions.length === 2 ? Math.abs((fractions[0]! - fractions[1]!) / 2) : 0;
    return Math.trunc((1 - std) * maxNodeScore);
  },
});
