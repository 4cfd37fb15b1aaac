// Test support: pods and nodes as the API would hold them, and a scheduler setup without a server.
import type { KubeObject } from '../../api/types.js';
import { silentLogger } from '../../util/log.js';
import { SchedulerCache } from '../cache/scheduler-cache.js';
import { Framework, type Profile } from '../framework/framework.js';
import type { SchedulerApi, SchedulerHandle } from '../framework/handle.js';
import { PodInfo } from '../framework/pod-info.js';
import { defaultProfile, inTreeRegistry } from '../plugins/registry.js';
import { SchedulingQueue } from '../queue/scheduling-queue.js';
import { PodScheduler } from '../schedule-pod.js';

let uid = 0;

export function node(name: string, opts: { cpu?: string; memory?: string; pods?: string; labels?: Record<string, string>; taints?: unknown[]; unschedulable?: boolean } = {}): KubeObject {
  return {
    metadata: { name, uid: `node-${name}`, labels: { 'kubernetes.io/hostname': name, ...opts.labels } },
    spec: { taints: opts.taints, unschedulable: opts.unschedulable },
    status: { allocatable: { cpu: opts.cpu ?? '4', memory: opts.memory ?? '8Gi', pods: opts.pods ?? '110' } },
  };
}

export function pod(name: string, spec: Record<string, unknown> = {}, meta: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `pod-${name}-${++uid}`, creationTimestamp: '2025-01-01T00:00:00Z', ...meta },
    spec: { schedulerName: 'default-scheduler', priority: 0, containers: [{ name: 'c', image: 'img', resources: { requests: { cpu: '100m', memory: '128Mi' } } }], ...spec },
    status: { phase: 'Pending' },
  };
}

/** A cache, queue and default framework wired like the scheduler, with a do-nothing API. */
export function harness(profile: Profile = defaultProfile(), pdbs: KubeObject[] = []) {
  const deleted: string[] = [];
  const cache = new SchedulerCache(() => undefined);
  const queue = new SchedulingQueue({ now: () => Date.now(), interested: () => true });
  const api: SchedulerApi = { bind: async () => {}, updatePodStatus: async () => {}, deletePod: async (p) => void deleted.push(p.metadata.name!) };
  const handle: Omit<SchedulerHandle, 'framework'> = {
    cache,
    nominator: queue,
    api,
    events: { event: () => {} },
    clock: { now: () => Date.now() },
    log: silentLogger(),
    namespaceLabels: () => undefined,
    podDisruptionBudgets: () => pdbs,
    latestPod: () => undefined,
    defaultSpreadSelector: () => undefined,
  };
  const fw = new Framework(profile, inTreeRegistry(), handle);
  const algo = new PodScheduler(cache, queue, () => 0);
  return {
    deleted,
    cache,
    queue,
    fw,
    algo,
    /** Schedules a pod and places it where it went (as a bound pod); returns the node or the error message. */
    place(p: KubeObject): string {
      try {
        const info = new PodInfo(p);
        const r = algo.schedule(fw, fw.newCycleState(), info);
        cache.upsertPod({ ...p, spec: { ...(p.spec as object), nodeName: r.node } });
        return r.node;
      } catch (err) {
        return `error: ${(err as Error).message}`;
      }
    },
  };
}
