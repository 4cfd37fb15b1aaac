import type { SchedulerCache } from './cache/scheduler-cache.js';
import type { CycleState } from './framework/cycle-state.js';
import { type Diagnosis, fitErrorMessage } from './framework/fit-error.js';
import type { Framework } from './framework/framework.js';
import type { PodNominator } from './framework/handle.js';
import type { NodeInfo } from './framework/node-info.js';
import type { PodInfo } from './framework/pod-info.js';
import { Status } from './framework/status.js';

/** Below this many nodes every node is looked at. */
const minFeasibleNodesToFind = 100;
const minFeasibleNodesPercentageToFind = 5;

/**
 * How many feasible nodes to find before scoring (numFeasibleNodesToFind): all of a small
 * cluster; in a big one a share that shrinks with size (50% − nodes/125, at least 5%), never
 * fewer than 100 — Kubernetes' adaptive percentageOfNodesToScore.
 */
export function numFeasibleNodesToFind(percentage: number | undefined, numAllNodes: number): number {
  if (numAllNodes < minFeasibleNodesToFind) return numAllNodes;
  let pct = percentage ?? 0;
  if (pct <= 0) pct = Math.max(minFeasibleNodesPercentageToFind, 50 - Math.trunc(numAllNodes / 125));
  const n = Math.trunc((numAllNodes * pct) / 100);
  return n < minFeasibleNodesToFind ? minFeasibleNodesToFind : n;
}

/** No node fits the pod: what every node said (FitError). */
export class FitError extends Error {
  override name = 'FitError';

  constructor(
    readonly numAllNodes: number,
    readonly diagnosis: Diagnosis,
  ) {
    super();
  }

  override get message(): string {
    return fitErrorMessage(this.numAllNodes, this.diagnosis);
  }
}

/** There are no nodes at all. */
export class NoNodesError extends Error {
  override name = 'NoNodesError';

  constructor() {
    super('no nodes available to schedule pods');
  }
}

export interface ScheduleResult {
  node: string;
  evaluatedNodes: number;
  feasibleNodes: number;
}

/**
 * One pod's placement decision (schedulePod): PreFilter, Filter over nodes from a rotating
 * start until enough fit, then PreScore/Score and the best total, ties broken at random.
 * Synchronous: the cache cannot change under it.
 */
export class PodScheduler {
  private nextStartNodeIndex = 0;
  private readonly failedNodes: NodeInfo[] = [];

  constructor(
    private readonly cache: SchedulerCache,
    private readonly nominator: PodNominator,
    private readonly random: () => number = Math.random,
  ) {}

  schedule(fw: Framework, state: CycleState, pod: PodInfo): ScheduleResult {
    const all = this.cache.nodeList();
    if (all.length === 0) throw new NoNodesError();
    const { feasible, diagnosis, evaluated } = this.findNodesThatFit(fw, state, pod, all);
    if (feasible.length === 0) throw new FitError(all.length, diagnosis);
    if (feasible.length === 1) return { node: feasible[0]!.name, evaluatedNodes: evaluated, feasibleNodes: 1 };
    const { totals, status } = fw.runScore(state, pod, feasible);
    if (status) throw new Error(`running score plugins: ${status.message}`);
    return { node: this.selectHost(feasible, totals), evaluatedNodes: evaluated, feasibleNodes: feasible.length };
  }

  private filter(fw: Framework, state: CycleState, pod: PodInfo, node: NodeInfo) {
    if (this.nominator.hasNominations()) {
      const nominated = this.nominator.nominatedPodsForNode(node.name);
      if (nominated.length) return fw.runFilterWithNominatedPods(state, pod, node, nominated);
    }
    return fw.runFilter(state, pod, node);
  }

  findNodesThatFit(fw: Framework, state: CycleState, pod: PodInfo, all: readonly NodeInfo[]): { feasible: NodeInfo[]; diagnosis: Diagnosis; evaluated: number } {
    const diagnosis: Diagnosis = { statuses: { byNode: new Map() }, rejectors: new Set() };
    const pre = fw.runPreFilter(state, pod, all);
    if (pre.status) {
      if (!pre.status.rejected) throw new Error(`running PreFilter plugin "${pre.status.plugin}": ${pre.status.message}`);
      diagnosis.statuses.absent = pre.status;
      diagnosis.preFilterMsg = pre.status.message;
      diagnosis.rejectors.add(pre.status.plugin);
      return { feasible: [], diagnosis, evaluated: 0 };
    }
    // A pod that preempted goes to its nominated node if it fits there now.
    const nominatedName = (pod.pod.status as { nominatedNodeName?: string } | undefined)?.nominatedNodeName;
    if (nominatedName) {
      const node = this.cache.node(nominatedName);
      if (node && (!pre.result?.nodeNames || pre.result.nodeNames.has(node.name)) && this.filter(fw, state, pod, node) === null) {
        return { feasible: [node], diagnosis, evaluated: 1 };
      }
    }
    let nodes = all;
    if (pre.result?.nodeNames) {
      const names = pre.result.nodeNames;
      nodes = all.filter((n) => names.has(n.name));
      diagnosis.statuses.absent = Status.unresolvable(`node(s) didn't satisfy plugin(s) [${[...fw.preFilter.map((p) => p.name)].join(' ')}]`);
    }
    const want = numFeasibleNodesToFind(fw.profile.percentageOfNodesToScore, nodes.length);
    const feasible: NodeInfo[] = [];
    const start = nodes.length ? this.nextStartNodeIndex % nodes.length : 0;
    let processed = 0;
    const failed = this.failedNodes;
    failed.length = 0;
    const nominations = this.nominator.hasNominations();
    for (let i = 0; i < nodes.length && feasible.length < want; i++) {
      const node = nodes[(start + i) % nodes.length]!;
      processed++;
      const fits = nominations && this.nominator.nominatedPodsForNode(node.name).length
        ? this.filter(fw, state, pod, node) === null
        : fw.passesFilters(state, pod, node);
      if (fits) feasible.push(node);
      else failed.push(node);
    }
    if (nodes.length) this.nextStartNodeIndex = (start + processed) % nodes.length;
    // Why nodes failed matters only when none fits: then ask the plugins in their order.
    if (feasible.length === 0) {
      for (const node of failed) {
        const s = this.filter(fw, state, pod, node);
        if (!s) continue;
        if (!s.rejected) throw new Error(`running "${s.plugin}" filter plugin: ${s.message}`);
        diagnosis.statuses.byNode.set(node.name, s);
        diagnosis.rejectors.add(s.plugin);
      }
    }
    return { feasible, diagnosis, evaluated: processed };
  }

  /** The highest total; among equals, each is equally likely (reservoir sampling). */
  private selectHost(nodes: NodeInfo[], totals: Float64Array): string {
    let best = totals[0]!;
    let chosen = nodes[0]!.name;
    let ties = 1;
    for (let i = 1; i < nodes.length; i++) {
      const t = totals[i]!;
      if (t > best) {
        best = t;
        chosen = nodes[i]!.name;
        ties = 1;
      } else if (t === best) {
        ties++;
        if (Math.floor(this.random() * ties) === 0) chosen = nodes[i]!.name;
      }
    }
    return chosen;
  }
}
