import { type PluginFactory, maxNodeScore } from '../framework/interfaces.js';
import { Status } from '../framework/status.js';
import { findUntoleratedTaint, tolerationsTolerateTaint, type Taint, type Toleration } from '../framework/taints.js';
import { defaultNormalizeScore } from './normalize.js';

export const taintTolerationName = 'TaintToleration';

const hard = (t: Taint) => t.effect === 'NoSchedule' || t.effect === 'NoExecute';

/**
 * Filters out nodes with a NoSchedule/NoExecute taint the pod does not tolerate; scores nodes
 * by how few PreferNoSchedule taints the pod does not tolerate.
 */
export const taintToleration: PluginFactory = () => {
  const preferTolerations = new WeakMap<object, Toleration[]>();
  return {
    name: taintTolerationName,
    filter(_state, pod, node) {
      if (node.taints.length === 0) return null;
      const taint = findUntoleratedTaint(node.taints, pod.tolerations, hard);
      return taint ? Status.unresolvable(`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`) : null;
    },
    preScore(_state, _pod, nodes) {
      // Without PreferNoSchedule taints every node scores the same (the maximum): nothing to rank.
      for (const n of nodes) for (const t of n.taints) if (t.effect === 'PreferNoSchedule') return null;
      return Status.skip();
    },
    score(_state, pod, node) {
      if (node.taints.length === 0) return 0;
      let tolerations = preferTolerations.get(pod);
      if (!tolerations) {
        tolerations = pod.tolerations.filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
        preferTolerations.set(pod, tolerations);
      }
      let n = 0;
      for (const t of node.taints) if (t.effect === 'PreferNoSchedule' && !tolerationsTolerateTaint(tolerations, t)) n++;
      return n;
    },
    normalizeScore(_state, _pod, scores) {
      defaultNormalizeScore(maxNodeScore, true, scores);
    },
    events: () => [{ resource: 'Node', action: 'Add' }, { resource: 'Node', action: 'UpdateNodeTaint' }, { resource: 'UnscheduledPod', action: 'UpdatePodTolerations' }],
  };
};
