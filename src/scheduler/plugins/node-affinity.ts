import { type PluginFactory, maxNodeScore } from '../framework/interfaces.js';
import type { PodInfo } from '../framework/pod-info.js';
import { Status } from '../framework/status.js';
import type { NodeSelectorTerm } from '../framework/selectors.js';
import { defaultNormalizeScore } from './normalize.js';

export const nodeAffinityName = 'NodeAffinity';
const reason = Status.unresolvable("node(s) didn't match Pod's node affinity/selector");

/** Node names a required term pins with `matchFields: metadata.name In [...]` (all terms must). */
function pinnedNodeNames(pod: PodInfo): Set<string> | undefined {
  const terms = ((pod.pod.spec as { affinity?: { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: NodeSelectorTerm[] } } } })?.affinity?.nodeAffinity
    ?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms) ?? [];
  if (terms.length === 0) return undefined;
  const names = new Set<string>();
  for (const t of terms) {
    const pin = (t.matchFields ?? []).find((f) => f.key === 'metadata.name' && f.operator === 'In');
    if (!pin) return undefined;
    for (const v of pin.values ?? []) names.add(v);
  }
  return names;
}

/**
 * nodeSelector and required node affinity as a filter; preferred node affinity as a score
 * (the sum of the weights of the terms a node matches).
 */
export const nodeAffinity: PluginFactory = () => ({
  name: nodeAffinityName,
  preFilter(_state, pod) {
    if (!pod.nodeSelector && !pod.requiredNodeAffinity) return { status: Status.skip() };
    const names = pinnedNodeNames(pod);
    return { result: names ? { nodeNames: names } : undefined, status: null };
  },
  filter(_state, pod, node) {
    return pod.matchesNodeSelectorAndAffinity(node.labels, node.name) ? null : reason;
  },
  preScore(_state, pod) {
    return pod.preferredNodeAffinity.length ? null : Status.skip();
  },
  score(_state, pod, node) {
    let sum = 0;
    for (const p of pod.preferredNodeAffinity) if (p.match(node.labels, node.name)) sum += p.weight;
    return sum;
  },
  normalizeScore(_state, _pod, scores) {
    defaultNormalizeScore(maxNodeScore, false, scores);
  },
  events: () => [{ resource: 'Node', action: 'Add' }, { resource: 'Node', action: 'UpdateNodeLabel' }],
});
