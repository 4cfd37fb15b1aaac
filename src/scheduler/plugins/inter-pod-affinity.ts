import type { CycleState, StateData } from '../framework/cycle-state.js';
import type { SchedulerHandle } from '../framework/handle.js';
import { type PluginFactory, maxNodeScore } from '../framework/interfaces.js';
import type { NodeInfo } from '../framework/node-info.js';
import { type AffinityTerm, type PodInfo, termMatches } from '../framework/pod-info.js';
import { Status } from '../framework/status.js';

export const interPodAffinityName = 'InterPodAffinity';
const preFilterKey = 'PreFilterInterPodAffinity';
const preScoreKey = 'PreScoreInterPodAffinity';
/** HardPodAffinityWeight (default 1): how much an existing pod's required affinity to this pod counts in scoring. */
const hardPodAffinityWeight = 1;

const affinityNotMatch = Status.unresolvable("node(s) didn't match pod affinity rules");
const antiAffinityNotMatch = Status.unschedulable("node(s) didn't match pod anti-affinity rules");
const existingAntiAffinityNotMatch = Status.unschedulable("node(s) didn't satisfy existing pods anti-affinity rules");

/** Counts per `topologyKey=value` pair, read from shared indexes plus this cycle's changes. */
type PairCount = (key: string, value: string) => number;

class AffinityState implements StateData {
  /** Extra counts from preemption's what-ifs, by `kind|key|value`. */
  deltas = new Map<string, number>();

  constructor(
    readonly pod: PodInfo,
    /** Existing pods whose required anti-affinity terms match this pod, per pair. */
    readonly existingAnti: { key: string; values: Map<string, number> }[],
    /** Existing pods matching all of this pod's required affinity terms, per term. */
    readonly affinity: PairCount,
    readonly affinityAny: boolean,
    /** Existing pods matching each of this pod's required anti-affinity terms. */
    readonly antiAffinity: PairCount,
  ) {}

  delta(kind: string, key: string, value: string): number {
    return this.deltas.size ? (this.deltas.get(`${kind}|${key}|${value}`) ?? 0) : 0;
  }

  clone(): AffinityState {
    const c = new AffinityState(this.pod, this.existingAnti, this.affinity, this.affinityAny, this.antiAffinity);
    c.deltas = new Map(this.deltas);
    return c;
  }
}

function queryOf(t: AffinityTerm) {
  return { key: `term|${t.key}`, namespaces: t.namespaces, namespaceSelector: t.namespaceSelector, selector: t.selector, skipTerminating: false };
}

/** Counts of existing pods matching every one of `terms`, per term pair (several terms: by walking pods). */
function affinityCounts(handle: SchedulerHandle, terms: AffinityTerm[]): { count: PairCount; any: boolean } {
  if (terms.length === 1) {
    const t = terms[0]!;
    const counts = handle.cache.termCounts.counts(queryOf(t), t.topologyKey);
    return { count: (key, value) => (key === t.topologyKey ? counts.get(value) : 0), any: counts.counts.size > 0 };
  }
  const m = new Map<string, number>();
  for (const node of handle.cache.allNodes()) {
    for (const p of node.pods) {
      if (!terms.every((t) => termMatches(t, p, (ns) => handle.namespaceLabels(ns)))) continue;
      for (const t of terms) {
        const v = node.labels[t.topologyKey];
        if (v !== undefined) m.set(`${t.topologyKey}=${v}`, (m.get(`${t.topologyKey}=${v}`) ?? 0) + 1);
      }
    }
  }
  return { count: (key, value) => m.get(`${key}=${value}`) ?? 0, any: m.size > 0 };
}

function antiAffinityCounts(handle: SchedulerHandle, terms: AffinityTerm[]): PairCount {
  const byTerm = terms.map((t) => ({ t, counts: handle.cache.termCounts.counts(queryOf(t), t.topologyKey) }));
  return (key, value) => {
    let n = 0;
    for (const { t, counts } of byTerm) if (t.topologyKey === key) n += counts.get(value);
    return n;
  };
}

/**
 * Required pod affinity and anti-affinity as a filter (the pod's own terms against existing
 * pods, and existing pods' anti-affinity against the pod), preferred terms as a score.
 */
export const interPodAffinity: PluginFactory = (_args, handle) => {
  const nsLabels = (ns: string) => handle.namespaceLabels(ns);
  return {
    name: interPodAffinityName,
    preFilter(state, pod) {
      const existing = handle.cache.existingTerms.groups.requiredAntiAffinity;
      if (pod.requiredAffinity.length === 0 && pod.requiredAntiAffinity.length === 0 && existing.size === 0) return { status: Status.skip() };
      const existingAnti: { key: string; values: Map<string, number> }[] = [];
      for (const g of existing.values()) if (termMatches(g.term, pod, nsLabels)) existingAnti.push({ key: g.term.topologyKey, values: g.values });
      const aff = pod.requiredAffinity.length ? affinityCounts(handle, pod.requiredAffinity) : { count: () => 0, any: false };
      const anti = pod.requiredAntiAffinity.length ? antiAffinityCounts(handle, pod.requiredAntiAffinity) : () => 0;
      state.write(preFilterKey, new AffinityState(pod, existingAnti, aff.count, aff.any, anti));
      return { status: null };
    },
    addPod(state, pod, other, node) {
      updateWithPod(state, pod, other, node, 1, nsLabels);
    },
    removePod(state, pod, other, node) {
      updateWithPod(state, pod, other, node, -1, nsLabels);
    },
    filter(state, pod, node) {
      const s = state.read<AffinityState>(preFilterKey);
      if (!s) return null;
      if (pod.requiredAffinity.length) {
        let exist = true;
        for (const t of pod.requiredAffinity) {
          const v = node.labels[t.topologyKey];
          if (v === undefined) return affinityNotMatch;
          if (s.affinity(t.topologyKey, v) + s.delta('aff', t.topologyKey, v) <= 0) exist = false;
        }
        // The first pod of a group that has affinity to itself may go anywhere.
        if (!exist && !(!s.affinityAny && !s.deltas.size && pod.requiredAffinity.every((t) => termMatches(t, pod, nsLabels)))) return affinityNotMatch;
      }
      for (const t of pod.requiredAntiAffinity) {
        const v = node.labels[t.topologyKey];
        if (v !== undefined && s.antiAffinity(t.topologyKey, v) + s.delta('anti', t.topologyKey, v) > 0) return antiAffinityNotMatch;
      }
      for (const e of s.existingAnti) {
        const v = node.labels[e.key];
        if (v !== undefined && (e.values.get(v) ?? 0) + s.delta('existing', e.key, v) > 0) return existingAntiAffinityNotMatch;
      }
      if (s.deltas.size) {
        // Pods added by a what-if with anti-affinity terms of their own.
        for (const [k, n] of s.deltas) {
          if (!k.startsWith('existing|') || n <= 0) continue;
          const [, key, value] = k.split('|');
          if (node.labels[key!] === value && !s.existingAnti.some((e) => e.key === key)) return existingAntiAffinityNotMatch;
        }
      }
      return null;
    },
    preScore(state, pod) {
      const groups = handle.cache.existingTerms.groups;
      const contributions: { key: string; value: (v: string) => number }[] = [];
      for (const t of pod.preferredAffinity) {
        const c = handle.cache.termCounts.counts(queryOf(t), t.topologyKey);
        contributions.push({ key: t.topologyKey, value: (v) => t.weight * c.get(v) });
      }
      for (const t of pod.preferredAntiAffinity) {
        const c = handle.cache.termCounts.counts(queryOf(t), t.topologyKey);
        contributions.push({ key: t.topologyKey, value: (v) => -t.weight * c.get(v) });
      }
      for (const [kind, sign, weight] of [['requiredAffinity', 1, hardPodAffinityWeight], ['preferredAffinity', 1, 1], ['preferredAntiAffinity', -1, 1]] as const) {
        for (const g of groups[kind].values()) {
          if (!termMatches(g.term, pod, nsLabels)) continue;
          contributions.push({ key: g.term.topologyKey, value: (v) => sign * weight * (g.values.get(v) ?? 0) });
        }
      }
      if (contributions.length === 0) return Status.skip();
      state.write(preScoreKey, { contributions, clone() { return this; } } as StateData);
      return null;
    },
    score(state, _pod, node) {
      const s = state.read<StateData & { contributions: { key: string; value: (v: string) => number }[] }>(preScoreKey)!;
      let score = 0;
      for (const c of s.contributions) {
        const v = node.labels[c.key];
        if (v !== undefined) score += c.value(v);
      }
      return score;
    },
    normalizeScore(_state, _pod, scores) {
      let min = Infinity;
      let max = -Infinity;
      for (const s of scores) {
        min = Math.min(min, s.score);
        max = Math.max(max, s.score);
      }
      const diff = max - min;
      for (const s of scores) s.score = diff > 0 ? Math.trunc(maxNodeScore * ((s.score - min) / diff)) : 0;
    },
    events: () => [
      { resource: 'AssignedPod', action: 'Add' },
      { resource: 'AssignedPod', action: 'UpdatePodLabel' },
      { resource: 'AssignedPod', action: 'Delete' },
      { resource: 'Node', action: 'Add' },
      { resource: 'Node', action: 'UpdateNodeLabel' },
    ],
  };
};

/** Preemption's what-if: adds or removes another pod's contribution to this cycle's counts. */
function updateWithPod(state: CycleState, pod: PodInfo, other: PodInfo, node: NodeInfo, delta: number, nsLabels: (ns: string) => Record<string, string> | undefined): void {
  const s = state.read<AffinityState>(preFilterKey);
  if (!s) return;
  const bump = (kind: string, key: string) => {
    const v = node.labels[key];
    if (v === undefined) return;
    const k = `${kind}|${key}|${v}`;
    s.deltas.set(k, (s.deltas.get(k) ?? 0) + delta);
  };
  for (const t of other.requiredAntiAffinity) if (termMatches(t, pod, nsLabels)) bump('existing', t.topologyKey);
  if (pod.requiredAffinity.length && pod.requiredAffinity.every((t) => termMatches(t, other, nsLabels))) {
    for (const t of pod.requiredAffinity) bump('aff', t.topologyKey);
  }
  for (const t of pod.requiredAntiAffinity) if (termMatches(t, other, nsLabels)) bump('anti', t.topologyKey);
}
