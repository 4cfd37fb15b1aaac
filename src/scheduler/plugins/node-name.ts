import type { PluginFactory } from '../framework/interfaces.js';
import { Status } from '../framework/status.js';

export const nodeNameName = 'NodeName';
const reason = Status.unresolvable("node(s) didn't match the requested node name");

/** A pod naming a node (spec.nodeName) fits only that node. */
export const nodeName: PluginFactory = () => ({
  name: nodeNameName,
  filter(_state, pod, node) {
    return !pod.nodeName || pod.nodeName === node.name ? null : reason;
  },
  events: () => [{ resource: 'Node', action: 'Add' }],
});
