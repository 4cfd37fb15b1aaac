import type { NodeInfo } from '../framework/node-info.js';
import type { AffinityTerm, PodInfo } from '../framework/pod-info.js';

/** The (anti-)affinity terms existing pods carry, grouped by identical term. */
export interface TermGroup {
  term: AffinityTerm;
  /** Per topology value: the number of pods (required terms) or the sum of weights (preferred). */
  values: Map<string, number>;
}

export type TermKind = 'requiredAffinity' | 'requiredAntiAffinity' | 'preferredAffinity' | 'preferredAntiAffinity';

const kinds: TermKind[] = ['requiredAffinity', 'requiredAntiAffinity', 'preferredAffinity', 'preferredAntiAffinity'];

/**
 * Existing pods' affinity terms, grouped: Kubernetes checks every existing pod's terms against
 * the incoming pod on every cycle; pods of one Deployment share their terms, so checking each
 * distinct term once (with per-topology-value totals) gives the same answer for far less.
 */
export class ExistingTermIndex {
  readonly groups: Record<TermKind, Map<string, TermGroup>> = {
    requiredAffinity: new Map(),
    requiredAntiAffinity: new Map(),
    preferredAffinity: new Map(),
    preferredAntiAffinity: new Map(),
  };

  podChanged(node: NodeInfo, pod: PodInfo, delta: 1 | -1): void {
    if (!pod.hasAffinity) return;
    for (const kind of kinds) {
      for (const term of pod[kind]) {
        const value = node.labels[term.topologyKey];
        if (value === undefined) continue;
        const groups = this.groups[kind];
        let g = groups.get(term.key);
        if (!g) groups.set(term.key, (g = { term, values: new Map() }));
        const n = (g.values.get(value) ?? 0) + delta * (term.weight || 1);
        if (n === 0) g.values.delete(value);
        else g.values.set(value, n);
        if (g.values.size === 0) groups.delete(term.key);
      }
    }
  }

  /** Rebuilds everything (node labels changed). */
  rebuild(nodes: Iterable<NodeInfo>): void {
    for (const kind of kinds) this.groups[kind].clear();
    for (const node of nodes) for (const p of node.pods) this.podChanged(node, p, 1);
  }
}
