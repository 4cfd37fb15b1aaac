import type { PluginFactory } from '../framework/interfaces.js';
import { Status } from '../framework/status.js';

export const nodePortsName = 'NodePorts';
const reason = Status.unschedulable("node(s) didn't have free ports for the requested pod ports");

/** Host ports: a node whose ports the pod wants are taken does not fit. */
export const nodePorts: PluginFactory = () => ({
  name: nodePortsName,
  preFilter(_state, pod) {
    return { status: pod.hostPorts.length ? null : Status.skip() };
  },
  filter(_state, pod, node) {
    for (const hp of pod.hostPorts) if (!node.portFree(hp)) return reason;
    return null;
  },
  events: () => [{ resource: 'AssignedPod', action: 'Delete' }, { resource: 'Node', action: 'Add' }, { resource: 'Node', action: 'Update' }],
});
