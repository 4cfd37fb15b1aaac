import type { CycleState, StateData } from '../framework/cycle-state.js';
import type { SchedulerHandle } from '../framework/handle.js';
import { type PluginFactory, maxNodeScore } from '../framework/interfaces.js';
import type { NodeInfo } from '../framework/node-info.js';
import type { PodInfo, SpreadConstraint } from '../framework/pod-info.js';
import { Status } from '../framework/status.js';
import { findUntoleratedTaint } from '../framework/taints.js';

export const podTopologySpreadName = 'PodTopologySpread';
const preFilterKey = 'PreFilterPodTopologySpread';
const preScoreKey = 'PreScorePodTopologySpread';
const hostnameKey = 'kubernetes.io/hostname';
const zoneKey = 'topology.kubernetes.io/zone';

const notMatch = "node(s) didn't match pod topology spread constraints";
const missingLabel = Status.unresolvable(`${notMatch} (missing required label)`);
const skewTooBig = Status.unschedulable(notMatch);

/** Matching pods per topology value for one constraint, plus this cycle's preemption changes. */
interface ConstraintCounts {
  c: SpreadConstraint;
  base: (value: string) => number;
  /** Domains (topology values) among eligible nodes. */
  domains: () => Iterable<string>;
  domainCount: number;
  /** Minimum over domains without deltas (computed once). */
  baseMin: number;
  deltas: Map<string, number>;
}

class SpreadState implements StateData {
  constructor(readonly counts: ConstraintCounts[]) {}

  count(i: number, value: string): number {
    const cc = this.counts[i]!;
    return cc.base(value) + (cc.deltas.get(value) ?? 0);
  }

  minMatch(i: number): number {
    const cc = this.counts[i]!;
    if (cc.domainCount < cc.c.minDomains) return 0;
    if (cc.deltas.size === 0) return cc.baseMin;
    let min = Infinity;
    for (const v of cc.domains()) min = Math.min(min, this.count(i, v));
    return min === Infinity ? 0 : min;
  }

  clone(): SpreadState {
    return new SpreadState(this.counts.map((cc) => ({ ...cc, deltas: new Map(cc.deltas) })));
  }
}

function hasAllKeys(labels: Record<string, string>, constraints: readonly SpreadConstraint[]): boolean {
  for (const c of constraints) if (!Object.hasOwn(labels, c.topologyKey)) return false;
  return true;
}

/** matchNodeInclusionPolicies: whether a node's pods and domain count for the pod's spreading. */
function includes(c: SpreadConstraint, pod: PodInfo, node: NodeInfo): boolean {
  if (c.nodeAffinityPolicy === 'Honor' && !pod.matchesNodeSelectorAndAffinity(node.labels, node.name)) return false;
  if (c.nodeTaintsPolicy === 'Honor' && findUntoleratedTaint(node.taints, pod.tolerations, (t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute')) return false;
  return true;
}

function countOnNode(node: NodeInfo, c: SpreadConstraint, ns: string): number {
  let n = 0;
  for (const p of node.pods) if (!p.deleting && p.namespace === ns && c.selector(p.labels)) n++;
  return n;
}

/**
 * Whether the cached counts answer exactly: every node counts (no inclusion policy narrows
 * them) and every node carries every constraint's key.
 */
function fastPathApplies(handle: SchedulerHandle, pod: PodInfo, constraints: readonly SpreadConstraint[]): boolean {
  const total = handle.cache.nodeCount();
  for (const c of constraints) {
    if (c.nodeTaintsPolicy === 'Honor') return false;
    if (c.nodeAffinityPolicy === 'Honor' && (pod.nodeSelector || pod.requiredNodeAffinity)) return false;
    if (handle.cache.domains.of(c.topologyKey).nodes !== total) return false;
  }
  return true;
}

function queryFor(c: SpreadConstraint, pod: PodInfo) {
  return { key: `spread|${pod.namespace}|${c.selectorKey}`, namespaces: new Set([pod.namespace]), selector: c.selector, skipTerminating: true };
}

/** Per-constraint counts over eligible nodes, from the cache's indexes or by walking the nodes. */
function countConstraints(handle: SchedulerHandle, pod: PodInfo, constraints: SpreadConstraint[]): ConstraintCounts[] {
  if (fastPathApplies(handle, pod, constraints)) {
    return constraints.map((c) => {
      const counts = handle.cache.termCounts.counts(queryFor(c, pod), c.topologyKey);
      const domains = handle.cache.domains.of(c.topologyKey).values;
      const baseMin = counts.counts.size < domains.size ? 0 : counts.minPositive();
      return { c, base: (v: string) => counts.get(v), domains: () => domains.keys(), domainCount: domains.size, baseMin, deltas: new Map() };
    });
  }
  const maps = constraints.map(() => new Map<string, number>());
  for (const node of handle.cache.allNodes()) {
    if (!hasAllKeys(node.labels, constraints)) continue;
    constraints.forEach((c, i) => {
      if (!includes(c, pod, node)) return;
      const v = node.labels[c.topologyKey]!;
      maps[i]!.set(v, (maps[i]!.get(v) ?? 0) + countOnNode(node, c, pod.namespace));
    });
  }
  return constraints.map((c, i) => {
    const m = maps[i]!;
    let min = Infinity;
    for (const n of m.values()) min = Math.min(min, n);
    return { c, base: (v: string) => m.get(v) ?? 0, domains: () => m.keys(), domainCount: m.size, baseMin: min === Infinity ? 0 : min, deltas: new Map() };
  });
}

/** The system default constraints (zone 3, hostname 5, ScheduleAnyway) for pods a controller or Service selects. */
function defaultConstraints(handle: SchedulerHandle, pod: PodInfo): SpreadConstraint[] {
  const sel = handle.defaultSpreadSelector(pod);
  if (!sel) return [];
  const base = { whenUnsatisfiable: 'ScheduleAnyway' as const, selector: sel.matcher, selectorKey: sel.key, minDomains: 1, nodeAffinityPolicy: 'Honor' as const, nodeTaintsPolicy: 'Ignore' as const };
  return [
    { ...base, maxSkew: 3, topologyKey: zoneKey },
    { ...base, maxSkew: 5, topologyKey: hostnameKey },
  ];
}

interface ScoreState extends StateData {
  constraints: SpreadConstraint[];
  requireAll: boolean;
  ignored: Set<string>;
  /** Per constraint: count per topology value (hostname constraints count per node at Score). */
  count: ((value: string) => number)[];
  weight: number[];
  hostnameCount: ((node: NodeInfo) => number)[];
}

/**
 * Spreads pods over topology domains: `DoNotSchedule` constraints filter (a node is out when
 * placing the pod there would make its domain's matching pods exceed the emptiest domain's
 * by more than maxSkew), `ScheduleAnyway` ones and the system defaults score.
 */
export const podTopologySpread: PluginFactory = (_args, handle) => ({
  name: podTopologySpreadName,
  preFilter(state, pod) {
    const constraints = pod.spreadConstraints.filter((c) => c.whenUnsatisfiable === 'DoNotSchedule');
    if (constraints.length === 0) return { status: Status.skip() };
    state.write(preFilterKey, new SpreadState(countConstraints(handle, pod, constraints)));
    return { status: null };
  },
  addPod(state, pod, added, node) {
    updateWithPod(state, pod, added, node, 1);
  },
  removePod(state, pod, removed, node) {
    updateWithPod(state, pod, removed, node, -1);
  },
  filter(state, pod, node) {
    const s = state.read<SpreadState>(preFilterKey);
    if (!s) return null;
    for (let i = 0; i < s.counts.length; i++) {
      const c = s.counts[i]!.c;
      const value = node.labels[c.topologyKey];
      if (value === undefined) return missingLabel;
      const self = c.selector(pod.labels) ? 1 : 0;
      if (s.count(i, value) + self - s.minMatch(i) > c.maxSkew) return skewTooBig;
    }
    return null;
  },
  preScore(state, pod, nodes) {
    const own = pod.spreadConstraints.length > 0;
    const constraints = own ? pod.spreadConstraints.filter((c) => c.whenUnsatisfiable === 'ScheduleAnyway') : defaultConstraints(handle, pod);
    if (constraints.length === 0 || handle.cache.nodeCount() === 0) return Status.skip();
    const requireAll = own;
    const ignored = new Set<string>();
    const present = constraints.map(() => new Set<string>());
    for (const n of nodes) {
      if (requireAll && !hasAllKeys(n.labels, constraints)) {
        ignored.add(n.name);
        continue;
      }
      constraints.forEach((c, i) => {
        if (c.topologyKey !== hostnameKey) present[i]!.add(n.labels[c.topologyKey] ?? '');
      });
    }
    const counted = countConstraints(handle, pod, constraints);
    const weight = constraints.map((c, i) => Math.log((c.topologyKey === hostnameKey ? nodes.length - ignored.size : present[i]!.size) + 2));
    const st: ScoreState = {
      constraints,
      requireAll,
      ignored,
      count: counted.map((cc) => cc.base),
      weight,
      hostnameCount: constraints.map((c) => (node: NodeInfo) => countOnNode(node, c, pod.namespace)),
      clone() {
        return this;
      },
    };
    state.write(preScoreKey, st);
    return null;
  },
  score(state, _pod, node) {
    const s = state.read<ScoreState>(preScoreKey)!;
    if (s.ignored.has(node.name)) return 0;
    let score = 0;
    for (let i = 0; i < s.constraints.length; i++) {
      const c = s.constraints[i]!;
      const value = node.labels[c.topologyKey];
      if (value === undefined) continue;
      const cnt = c.topologyKey === hostnameKey ? s.hostnameCount[i]!(node) : s.count[i]!(value);
      score += cnt * s.weight[i]! + (c.maxSkew - 1);
    }
    return Math.round(score);
  },
  normalizeScore(state, _pod, scores) {
    const s = state.read<ScoreState>(preScoreKey);
    if (!s) return;
    let min = Infinity;
    let max = 0;
    for (const sc of scores) {
      if (s.ignored.has(sc.node.name)) continue;
      min = Math.min(min, sc.score);
      max = Math.max(max, sc.score);
    }
    for (const sc of scores) {
      if (s.ignored.has(sc.node.name)) sc.score = 0;
      else if (max === 0) sc.score = maxNodeScore;
      else sc.score = Math.trunc((maxNodeScore * (max + min - sc.score)) / max);
    }
  },
  events: () => [
    { resource: 'AssignedPod', action: 'Add' },
    { resource: 'AssignedPod', action: 'UpdatePodLabel' },
    { resource: 'AssignedPod', action: 'Delete' },
    { resource: 'Node', action: 'Add' },
    { resource: 'Node', action: 'Delete' },
    { resource: 'Node', action: 'UpdateNodeLabel' },
    { resource: 'Node', action: 'UpdateNodeTaint' },
  ],
});

/** Preemption's what-if: a pod added to or removed from a node changes this cycle's counts. */
function updateWithPod(state: CycleState, pod: PodInfo, other: PodInfo, node: NodeInfo, delta: number): void {
  const s = state.read<SpreadState>(preFilterKey);
  if (!s || other.namespace !== pod.namespace) return;
  const constraints = s.counts.map((cc) => cc.c);
  if (!hasAllKeys(node.labels, constraints)) return;
  for (const cc of s.counts) {
    if (!cc.c.selector(other.labels) || !includes(cc.c, pod, node)) continue;
    const v = node.labels[cc.c.topologyKey]!;
    cc.deltas.set(v, (cc.deltas.get(v) ?? 0) + delta);
  }
}
