import { CycleState } from './cycle-state.js';
import { eventMatches, type ClusterEvent } from './events.js';
import type { SchedulerHandle } from './handle.js';
import {
  type BindPlugin,
  type EnqueueExtensions,
  type FilterPlugin,
  maxNodeScore,
  type NodeScore,
  type NodeToStatus,
  type Plugin,
  type PluginFactory,
  type PostFilterPlugin,
  type PostFilterResult,
  type PreFilterPlugin,
  type PreFilterResult,
  type PreScorePlugin,
  type ReservePlugin,
  type ScorePlugin,
} from './interfaces.js';
import type { NodeInfo } from './node-info.js';
import type { PodInfo } from './pod-info.js';
import { type MaybeStatus, Status } from './status.js';

/** One enabled plugin of a profile. */
export interface PluginConfig {
  name: string;
  /** Score weight (default 1). */
  weight?: number;
  args?: Record<string, unknown>;
}

/** A scheduler profile: its name (what pods put in spec.schedulerName) and plugins, in order. */
export interface Profile {
  schedulerName: string;
  plugins: PluginConfig[];
  /** percentageOfNodesToScore; 0 = adaptive (Kubernetes' default). */
  percentageOfNodesToScore?: number;
}

/**
 * The plugins of one profile wired to their extension points (frameworkImpl): runs each
 * point's plugins in order, names the plugin on every status, and sums weighted scores.
 */
export class Framework {
  readonly preFilter: PreFilterPlugin[] = [];
  readonly filter: FilterPlugin[] = [];
  readonly postFilter: PostFilterPlugin[] = [];
  readonly preScore: PreScorePlugin[] = [];
  readonly score: { plugin: ScorePlugin; weight: number }[] = [];
  readonly reserve: ReservePlugin[] = [];
  readonly bind: BindPlugin[] = [];
  readonly enqueue: EnqueueExtensions[] = [];
  readonly plugins: Plugin[] = [];
  private readonly scorePool: NodeScore[] = [];

  constructor(
    readonly profile: Profile,
    registry: ReadonlyMap<string, PluginFactory>,
    handle: Omit<SchedulerHandle, 'framework'>,
  ) {
    // The plugins' handle is the scheduler's, plus this framework.
    const full = Object.assign(Object.create(handle) as object, { framework: () => this }) as unknown as SchedulerHandle;
    for (const cfg of profile.plugins) {
      const factory = registry.get(cfg.name);
      if (!factory) throw new Error(`scheduler profile ${profile.schedulerName}: unknown plugin ${cfg.name}`);
      const p = factory(cfg.args ?? {}, full);
      this.plugins.push(p);
      if (p.preFilter) this.preFilter.push(p as PreFilterPlugin);
      if (p.filter) this.filter.push(p as FilterPlugin);
      if (p.postFilter) this.postFilter.push(p as PostFilterPlugin);
      if (p.preScore) this.preScore.push(p as PreScorePlugin);
      if (p.score) this.score.push({ plugin: p as ScorePlugin, weight: cfg.weight ?? 1 });
      if (p.reserve) this.reserve.push(p as ReservePlugin);
      if (p.bind) this.bind.push(p as BindPlugin);
      if (p.events) this.enqueue.push(p as EnqueueExtensions);
    }
  }

  get name(): string {
    return this.profile.schedulerName;
  }

  /**
   * Runs PreFilter plugins. A plugin returning Skip has its Filter skipped this cycle; the
   * first rejection stops the pass. Node name sets of results are intersected.
   */
  runPreFilter(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): { result?: PreFilterResult; status: MaybeStatus } {
    let names: Set<string> | undefined;
    const narrowedBy: string[] = [];
    for (const p of this.preFilter) {
      const { result, status } = p.preFilter(state, pod, nodes);
      if (status?.code === 'Skip') {
        state.skipFilter.add(p.name);
        continue;
      }
      if (status && status.code !== 'Success') return { status: status.withPlugin(p.name) };
      if (result?.nodeNames) {
        narrowedBy.push(p.name);
        names = names ? new Set([...names].filter((n) => result.nodeNames!.has(n))) : new Set(result.nodeNames);
        if (names.size === 0) {
          return { status: Status.unresolvable(`node(s) didn't satisfy plugin(s) [${narrowedBy.join(' ')}] simultaneously`).withPlugin(narrowedBy.at(-1)!) };
        }
      }
    }
    const filters = state.skipFilter.size ? this.filter.filter((p) => !state.skipFilter.has(p.name)) : this.filter;
    state.filters = filters;
    // Plugins that count other pods reject most nodes when they are active: ask them first.
    const selective = filters.filter((p) => Framework.selectiveFilters.has(p.name));
    state.quickFilters = selective.length ? [...selective, ...filters.filter((p) => !Framework.selectiveFilters.has(p.name))] : filters;
    return { result: names ? { nodeNames: names } : undefined, status: null };
  }

  /** Runs Filter plugins on one node; the first failure is the node's verdict. */
  runFilter(state: CycleState, pod: PodInfo, node: NodeInfo): MaybeStatus {
    const filters = state.filters ?? this.filter;
    for (let i = 0; i < filters.length; i++) {
      const p = filters[i]!;
      const s = p.filter(state, pod, node);
      if (s !== null && s.code !== 'Success') return s.plugin ? s : s.withPlugin(p.name);
    }
    return null;
  }

  /**
   * Whether a node passes every Filter plugin, asking the most selective ones first. The answer
   * equals runFilter's; only which plugin is named for a failing node can differ, so verdicts
   * users read come from runFilter.
   */
  passesFilters(state: CycleState, pod: PodInfo, node: NodeInfo): boolean {
    const filters = state.quickFilters ?? state.filters ?? this.filter;
    for (let i = 0; i < filters.length; i++) {
      const s = filters[i]!.filter(state, pod, node);
      if (s !== null && s.code !== 'Success') {
        if (!s.rejected) throw new Error(`running "${filters[i]!.name}" filter plugin: ${s.message}`);
        return false;
      }
    }
    return true;
  }

  /** Filter plugins that are asked first by passesFilters. */
  static readonly selectiveFilters = new Set(['PodTopologySpread', 'InterPodAffinity']);

  /**
   * Filter with the pods nominated to the node (by preemption) of at least the pod's priority
   * counted as if they were there, and without them: the pod must fit both ways.
   */
  runFilterWithNominatedPods(state: CycleState, pod: PodInfo, node: NodeInfo, nominated: readonly PodInfo[]): MaybeStatus {
    const ahead = nominated.filter((p) => p.key !== pod.key && p.priority >= pod.priority);
    if (ahead.length) {
      const s = state.clone();
      const n = node.clone();
      for (const p of ahead) {
        n.addPod(p);
        for (const pf of this.preFilter) if (!s.skipFilter.has(pf.name)) pf.addPod?.(s, pod, p, n);
      }
      const st = this.runFilter(s, pod, n);
      if (st) return st;
    }
    return this.runFilter(state, pod, node);
  }

  async runPostFilter(state: CycleState, pod: PodInfo, statuses: NodeToStatus): Promise<{ result?: PostFilterResult; status: Status }> {
    let last: { result?: PostFilterResult; status: Status } = { status: Status.unschedulable() };
    for (const p of this.postFilter) {
      const out = await p.postFilter(state, pod, statuses);
      out.status.withPlugin(p.name);
      if (out.status.code === 'Success' || out.status.code === 'Error') return out;
      last = out;
    }
    return last;
  }

  /** PreScore then Score, NormalizeScore and weights; returns the total per node. */
  runScore(state: CycleState, pod: PodInfo, nodes: NodeInfo[]): { totals: Float64Array; status: MaybeStatus } {
    const totals = new Float64Array(nodes.length);
    for (const p of this.preScore) {
      const s = p.preScore(state, pod, nodes);
      if (s?.code === 'Skip') state.skipScore.add(p.name);
      else if (s && s.code !== 'Success') return { totals, status: s.withPlugin(p.name) };
    }
    // Score objects are reused across cycles (cycles never overlap): no garbage per node.
    while (this.scorePool.length < nodes.length) this.scorePool.push({ node: nodes[0]!, score: 0 });
    const scores = this.scorePool.length === nodes.length ? this.scorePool : this.scorePool.slice(0, nodes.length);
    for (let i = 0; i < nodes.length; i++) scores[i]!.node = nodes[i]!;
    for (const { plugin, weight } of this.score) {
      if (state.skipScore.has(plugin.name)) continue;
      for (const s of scores) s.score = plugin.score(state, pod, s.node);
      plugin.normalizeScore?.(state, pod, scores);
      for (let i = 0; i < scores.length; i++) {
        const v = Math.min(maxNodeScore, Math.max(0, scores[i]!.score));
        totals[i]! += v * weight;
      }
    }
    return { totals, status: null };
  }

  runReserve(state: CycleState, pod: PodInfo, nodeName: string): MaybeStatus {
    for (const p of this.reserve) {
      const s = p.reserve(state, pod, nodeName);
      if (s && s.code !== 'Success') return s.withPlugin(p.name);
    }
    return null;
  }

  runUnreserve(state: CycleState, pod: PodInfo, nodeName: string): void {
    for (const p of [...this.reserve].reverse()) p.unreserve(state, pod, nodeName);
  }

  async runBind(state: CycleState, pod: PodInfo, nodeName: string): Promise<MaybeStatus> {
    for (const p of this.bind) {
      const s = await p.bind(state, pod, nodeName);
      if (s?.code === 'Skip') continue;
      return s ? s.withPlugin(p.name) : null;
    }
    return Status.error('no bind plugin bound the pod');
  }

  /** Whether any of these plugins registered for the event (a pod they rejected may now fit). */
  interestedIn(plugins: ReadonlySet<string>, event: ClusterEvent): boolean {
    for (const p of this.enqueue) {
      if (!plugins.has(p.name)) continue;
      for (const e of p.events()) if (eventMatches(e, event)) return true;
    }
    return false;
  }

  newCycleState(): CycleState {
    return new CycleState();
  }
}
