import type { KubeObject, LabelSelector } from '../../api/types.js';
import { selectorEmpty, selectorInvalid, selectorMatches } from '../../api/common/label-selector.js';
import { podCondition } from '../../apiserver/pods/pod-conditions.js';
import type { CycleState } from '../framework/cycle-state.js';
import { fitErrorMessage } from '../framework/fit-error.js';
import type { SchedulerHandle } from '../framework/handle.js';
import type { NodeToStatus, PluginFactory } from '../framework/interfaces.js';
import type { NodeInfo } from '../framework/node-info.js';
import type { PodInfo } from '../framework/pod-info.js';
import { Status } from '../framework/status.js';
import { updatePodCondition } from '../../apiserver/pods/pod-conditions.js';
import { rfc3339 } from '../../util/clock.js';

export const defaultPreemptionName = 'DefaultPreemption';

/** MinCandidateNodesPercentage / MinCandidateNodesAbsolute defaults. */
const minCandidatePercentage = 10;
const minCandidateAbsolute = 100;

interface Candidate {
  node: string;
  victims: PodInfo[];
  pdbViolations: number;
}

/** MoreImportantPod: higher priority first, then the one that started earlier. */
function moreImportant(a: PodInfo, b: PodInfo): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  return a.startTime - b.startTime;
}

function terminatingByPreemption(p: PodInfo): boolean {
  if (!p.deleting) return false;
  const c = podCondition(p.pod.status, 'DisruptionTarget');
  return c?.status === 'True' && c.reason === 'PreemptionByScheduler';
}

/** Splits victims into those whose eviction would break a PodDisruptionBudget and the rest (order kept). */
function splitByPDB(victims: PodInfo[], pdbs: readonly KubeObject[]): { violating: PodInfo[]; ok: PodInfo[] } {
  const allowed = pdbs.map((p) => Number((p.status as { disruptionsAllowed?: number } | undefined)?.disruptionsAllowed ?? 0));
  const violating: PodInfo[] = [];
  const ok: PodInfo[] = [];
  for (const v of victims) {
    let violated = false;
    if (Object.keys(v.labels).length) {
      pdbs.forEach((pdb, i) => {
        if (pdb.metadata.namespace !== v.namespace) return;
        const sel = (pdb.spec as { selector?: LabelSelector } | undefined)?.selector;
        if (!sel || selectorInvalid(sel) || selectorEmpty(sel) || !selectorMatches(sel, v.labels)) return;
        if (Object.hasOwn((pdb.status as { disruptedPods?: object } | undefined)?.disruptedPods ?? {}, v.name)) return;
        allowed[i]!--;
        if (allowed[i]! < 0) violated = true;
      });
    }
    (violated ? violating : ok).push(v);
  }
  return { violating, ok };
}

/**
 * Preemption (DefaultPreemption PostFilter): when a pod fits nowhere, finds a node where
 * removing lower-priority pods makes it fit — as few and as unimportant as possible, sparing
 * PodDisruptionBudgets where it can — deletes those victims and nominates the node.
 */
export const defaultPreemption: PluginFactory = (_args, handle) => ({
  name: defaultPreemptionName,
  async postFilter(state, pod, statuses) {
    const latest = handle.latestPod(pod.key) ?? pod.pod;
    const nominated = String((latest.status as { nominatedNodeName?: string } | undefined)?.nominatedNodeName ?? '');
    const notEligible = eligibility(handle, pod, nominated, statuses);
    if (notEligible) return { status: Status.unschedulable(`preemption: ${notEligible}`) };

    const all = handle.cache.nodeList();
    const statusOf = (n: NodeInfo) => statuses.byNode.get(n.name) ?? statuses.absent;
    const potential = all.filter((n) => statusOf(n)?.code === 'Unschedulable');
    const notHelpful = Status.unresolvable('Preemption is not helpful for scheduling');
    if (potential.length === 0) {
      const msg = fitErrorMessage(all.length, { statuses: { byNode: new Map(), absent: notHelpful }, rejectors: new Set() });
      return { result: { nominatedNodeName: '' }, status: Status.unschedulable(`preemption: ${msg}`) };
    }
    const { candidates, nodeStatuses } = dryRun(handle, state, pod, potential);
    if (candidates.length === 0) {
      const msg = fitErrorMessage(all.length, { statuses: { byNode: nodeStatuses, absent: notHelpful }, rejectors: new Set() });
      return { result: { nominatedNodeName: '' }, status: Status.unschedulable(`preemption: ${msg}`) };
    }
    const best = selectCandidate(candidates);
    await prepareCandidate(handle, pod, best);
    return { result: { nominatedNodeName: best.node }, status: new Status('Success') };
  },
});

/** PodEligibleToPreemptOthers: the reason the pod may not preempt, if any. */
function eligibility(handle: SchedulerHandle, pod: PodInfo, nominated: string, statuses: NodeToStatus): string | undefined {
  if (pod.preemptionPolicy === 'Never') return 'not eligible due to preemptionPolicy=Never.';
  if (!nominated) return undefined;
  if ((statuses.byNode.get(nominated) ?? statuses.absent)?.code === 'UnschedulableAndUnresolvable') return undefined;
  const node = handle.cache.node(nominated);
  if (node?.pods.some((p) => p.priority < pod.priority && terminatingByPreemption(p))) return 'not eligible due to a terminating pod on the nominated node.';
  return undefined;
}

function dryRun(handle: SchedulerHandle, state: CycleState, pod: PodInfo, potential: NodeInfo[]): { candidates: Candidate[]; nodeStatuses: Map<string, Status> } {
  const fw = handle.framework();
  const pdbs = handle.podDisruptionBudgets();
  const wanted = Math.min(potential.length, Math.max(minCandidateAbsolute, Math.floor((potential.length * minCandidatePercentage) / 100)));
  const offset = Math.floor(Math.random() * potential.length);
  const candidates: Candidate[] = [];
  const nodeStatuses = new Map<string, Status>();
  let nonViolating = 0;
  for (let i = 0; i < potential.length; i++) {
    const node = potential[(offset + i) % potential.length]!;
    const s = state.clone();
    const n = node.clone();
    const out = selectVictimsOnNode(handle, fw, s, pod, n, pdbs);
    if ('status' in out) {
      nodeStatuses.set(node.name, out.status);
      continue;
    }
    candidates.push({ node: node.name, ...out });
    if (out.pdbViolations === 0) nonViolating++;
    if (nonViolating > 0 && candidates.length >= wanted) break;
  }
  return { candidates, nodeStatuses };
}

function selectVictimsOnNode(
  handle: SchedulerHandle,
  fw: ReturnType<SchedulerHandle['framework']>,
  state: CycleState,
  pod: PodInfo,
  node: NodeInfo,
  pdbs: readonly KubeObject[],
): { victims: PodInfo[]; pdbViolations: number } | { status: Status } {
  const remove = (p: PodInfo) => {
    node.removePod(p.key);
    for (const pf of fw.preFilter) if (!state.skipFilter.has(pf.name)) pf.removePod?.(state, pod, p, node);
  };
  const add = (p: PodInfo) => {
    node.addPod(p);
    for (const pf of fw.preFilter) if (!state.skipFilter.has(pf.name)) pf.addPod?.(state, pod, p, node);
  };
  const nominated = handle.nominator.nominatedPodsForNode(node.name);
  const fits = () => fw.runFilterWithNominatedPods(state, pod, node, nominated);
  const potential = node.pods.filter((p) => p.priority < pod.priority);
  if (potential.length === 0) return { status: Status.unresolvable('No preemption victims found for incoming pod') };
  for (const p of potential) remove(p);
  const st = fits();
  if (st) return { status: st };
  potential.sort(moreImportant);
  const { violating, ok } = splitByPDB(potential, pdbs);
  const victims: PodInfo[] = [];
  let pdbViolations = 0;
  const reprieve = (p: PodInfo): boolean => {
    add(p);
    if (!fits()) return true;
    remove(p);
    victims.push(p);
    return false;
  };
  for (const p of violating) if (!reprieve(p)) pdbViolations++;
  for (const p of ok) reprieve(p);
  if (violating.length && ok.length) victims.sort(moreImportant);
  if (victims.length === 0) return { status: Status.error(`expected at least one victim pod on node "${node.name}"`) };
  return { victims, pdbViolations };
}

/** pickOneNodeForPreemption: fewest PDB violations, lowest top victim priority, lowest sum, fewest victims, latest start. */
function selectCandidate(candidates: Candidate[]): Candidate {
  const keep = (list: Candidate[], key: (c: Candidate) => number): Candidate[] => {
    const best = Math.min(...list.map(key));
    return list.filter((c) => key(c) === best);
  };
  let list = keep(candidates, (c) => c.pdbViolations);
  list = keep(list, (c) => c.victims[0]!.priority);
  list = keep(list, (c) => c.victims.reduce((sum, v) => sum + v.priority + 2 ** 31, 0));
  list = keep(list, (c) => c.victims.length);
  list = keep(list, (c) => {
    const top = c.victims[0]!.priority;
    const earliest = Math.min(...c.victims.filter((v) => v.priority === top).map((v) => v.startTime));
    return -earliest;
  });
  return list[0]!;
}

/** Deletes the victims (marking them DisruptionTarget first) and clears weaker nominations on the node. */
async function prepareCandidate(handle: SchedulerHandle, pod: PodInfo, c: Candidate): Promise<void> {
  const now = rfc3339(handle.clock.now());
  const schedulerName = pod.schedulerName;
  await Promise.all(
    c.victims.map(async (v) => {
      try {
        await handle.api.updatePodStatus(v.pod, (status) =>
          updatePodCondition(status, { type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler', message: `${schedulerName}: preempting to accommodate a higher priority pod` }, now),
        );
        await handle.api.deletePod(v.pod);
      } catch (err) {
        if ((err as { code?: number }).code !== 404) throw err;
        return;
      }
      handle.events.event(v.pod, 'Normal', 'Preempted', `Preempted by pod ${pod.uid} on node ${c.node}`);
    }),
  );
  for (const p of handle.nominator.nominatedPodsForNode(c.node)) {
    if (p.priority >= pod.priority || p.key === pod.key) continue;
    await handle.api.updatePodStatus(p.pod, (status) => {
      if (!status.nominatedNodeName) return false;
      delete status.nominatedNodeName;
      return true;
    }).catch(() => undefined);
  }
}
