import type { CycleState } from './cycle-state.js';
import type { NodeInfo } from './node-info.js';
import type { PodInfo } from './pod-info.js';
import type { MaybeStatus, Status } from './status.js';
import type { ClusterEvent } from './events.js';
import type { SchedulerHandle } from './handle.js';

/** The highest score a Score plugin gives (after NormalizeScore). */
export const maxNodeScore = 100;

/** A PreFilter may narrow the nodes worth looking at (e.g. NodeAffinity on metadata.name). */
export interface PreFilterResult {
  nodeNames?: Set<string>;
}

export interface PreFilterPlugin {
  name: string;
  preFilter(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): { result?: PreFilterResult; status: MaybeStatus };
  /** Keeps the plugin's cycle state right when preemption adds or removes pods on a node. */
  addPod?(state: CycleState, pod: PodInfo, added: PodInfo, node: NodeInfo): void;
  removePod?(state: CycleState, pod: PodInfo, removed: PodInfo, node: NodeInfo): void;
}

export interface FilterPlugin {
  name: string;
  filter(state: CycleState, pod: PodInfo, node: NodeInfo): MaybeStatus;
}

/** What PostFilter found: a node to nominate (empty string clears the nomination). */
export interface PostFilterResult {
  nominatedNodeName?: string;
}

/** Filter verdicts of the nodes that failed, by node name; nodes not listed share `absent`. */
export interface NodeToStatus {
  byNode: Map<string, Status>;
  absent?: Status;
}

export interface PostFilterPlugin {
  name: string;
  postFilter(state: CycleState, pod: PodInfo, statuses: NodeToStatus): Promise<{ result?: PostFilterResult; status: Status }>;
}

export interface PreScorePlugin {
  name: string;
  preScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): MaybeStatus;
}

export interface NodeScore {
  node: NodeInfo;
  score: number;
}

export interface ScorePlugin {
  name: string;
  score(state: CycleState, pod: PodInfo, node: NodeInfo): number;
  /** Scales raw scores into 0..maxNodeScore, in place. */
  normalizeScore?(state: CycleState, pod: PodInfo, scores: NodeScore[]): void;
}

export interface ReservePlugin {
  name: string;
  reserve(state: CycleState, pod: PodInfo, nodeName: string): MaybeStatus;
  unreserve(state: CycleState, pod: PodInfo, nodeName: string): void;
}

export interface BindPlugin {
  name: string;
  /** Skip lets the next Bind plugin try. */
  bind(state: CycleState, pod: PodInfo, nodeName: string): Promise<MaybeStatus>;
}

/** Cluster changes that may make pods this plugin rejected schedulable (EnqueueExtensions). */
export interface EnqueueExtensions {
  name: string;
  events(): ClusterEvent[];
}

/** A plugin is a name plus whichever extension points it implements. */
export type Plugin = { name: string } & Partial<
  Omit<PreFilterPlugin, 'name'> &
    Omit<FilterPlugin, 'name'> &
    Omit<PostFilterPlugin, 'name'> &
    Omit<PreScorePlugin, 'name'> &
    Omit<ScorePlugin, 'name'> &
    Omit<ReservePlugin, 'name'> &
    Omit<BindPlugin, 'name'> &
    Omit<EnqueueExtensions, 'name'>
>;

/** Builds a plugin from its arguments and the scheduler's handle (the registry's entries). */
export type PluginFactory = (args: Record<string, unknown>, handle: SchedulerHandle) => Plugin;
