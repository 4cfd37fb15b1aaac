import type { PluginFactory } from '../framework/interfaces.js';
import { Status } from '../framework/status.js';
import { tolerationsTolerateTaint } from '../framework/taints.js';

export const nodeUnschedulableName = 'NodeUnschedulable';
const reason = Status.unresolvable('node(s) were unschedulable');
const unschedulableTaint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };

/** Filters out cordoned nodes (spec.unschedulable) unless the pod tolerates the unschedulable taint. */
export const nodeUnschedulable: PluginFactory = () => ({
  name: nodeUnschedulableName,
  filter(_state, pod, node) {
    if (!node.unschedulable) return null;
    return tolerationsTolerateTaint(pod.tolerations, unschedulableTaint) ? null : reason;
  },
  events: () => [{ resource: 'Node', action: 'Add' }, { resource: 'Node', action: 'UpdateNodeTaint' }],
});
