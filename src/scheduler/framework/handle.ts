import type { KubeObject } from '../../api/types.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/log.js';
import type { SchedulerCache } from '../cache/scheduler-cache.js';
import type { Framework } from './framework.js';
import type { PodInfo } from './pod-info.js';
import type { LabelMatcher } from './selectors.js';

/** Pods nominated to nodes by preemption, not yet bound (PodNominator). */
export interface PodNominator {
  nominatedPodsForNode(node: string): readonly PodInfo[];
  hasNominations(): boolean;
}

/** The API calls the scheduler makes. */
export interface SchedulerApi {
  /** Binds through pods/binding. */
  bind(pod: KubeObject, nodeName: string): Promise<void>;
  /** Rewrites a pod's status (conditions, nominatedNodeName); skips when `mutate` returns false. */
  updatePodStatus(pod: KubeObject, mutate: (status: Record<string, unknown>) => boolean): Promise<void>;
  /** Deletes a preemption victim (graceful, uid precondition). */
  deletePod(pod: KubeObject): Promise<void>;
}

/** Where the scheduler records events (the shared EventRecorder in the server). */
export interface SchedulerEvents {
  event(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

/**
 * What plugins may use (framework.Handle): the cache (which is also the cycle's snapshot),
 * listers of the few other objects plugins read, nominations, the API, events and the clock.
 */
export interface SchedulerHandle {
  readonly cache: SchedulerCache;
  readonly nominator: PodNominator;
  readonly api: SchedulerApi;
  readonly events: SchedulerEvents;
  readonly clock: Clock;
  readonly log: Logger;
  namespaceLabels(ns: string): Record<string, string> | undefined;
  podDisruptionBudgets(): readonly KubeObject[];
  /** The latest version of a pod as the informer has it. */
  latestPod(key: string): KubeObject | undefined;
  /**
   * The combined selector of the Services, ReplicationControllers, ReplicaSets and
   * StatefulSets that select the pod (DefaultSelector), for default spreading; undefined when none.
   */
  defaultSpreadSelector(pod: PodInfo): { matcher: LabelMatcher; key: string } | undefined;
  /** The framework (profile) the plugin belongs to. */
  framework(): Framework;
}
