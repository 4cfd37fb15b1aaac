import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../api/types.js';
import { updatePodCondition } from '../apiserver/pods/pod-conditions.js';
import type { Informer } from '../client/informer.js';
import type { InformerLease, SharedInformerFactory } from '../client/informer-factory.js';
import { rfc3339, type Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import { SchedulerCache } from './cache/scheduler-cache.js';
import { defaultSpreadSelector } from './default-selector.js';
import { CycleState } from './framework/cycle-state.js';
import type { ActionType } from './framework/events.js';
import { Framework, type Profile } from './framework/framework.js';
import type { SchedulerApi, SchedulerEvents, SchedulerHandle } from './framework/handle.js';
import type { PluginFactory } from './framework/interfaces.js';
import { PodInfo } from './framework/pod-info.js';
import { defaultProfile, inTreeRegistry } from './plugins/registry.js';
import { SchedulingQueue, type QueuedPod } from './queue/scheduling-queue.js';
import { FitError, NoNodesError, PodScheduler } from './schedule-pod.js';

export interface SchedulerOptions {
  informers: SharedInformerFactory;
  api: SchedulerApi;
  events: SchedulerEvents;
  clock: Clock;
  log: Logger;
  profiles?: Profile[];
  registry?: Map<string, PluginFactory>;
  /** podInitialBackoffSeconds / podMaxBackoffSeconds, in ms (tests shorten them). */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

/** Longest time the scheduling loop runs before letting I/O through. */
const sliceMs = 8;
const maxEventMessage = 1024;

const terminal = (p: KubeObject) => {
  const phase = (p.status as { phase?: string } | undefined)?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
};
const nodeNameOf = (p: KubeObject) => (p.spec as { nodeName?: string } | undefined)?.nodeName ?? '';
const keyOf = (p: KubeObject) => `${p.metadata.namespace}/${p.metadata.name}`;

/** Which kinds of node change happened (they decide which waiting pods to retry). */
function nodeUpdateActions(old: KubeObject, cur: KubeObject): ActionType[] {
  const out: ActionType[] = [];
  const so = (old.status ?? {}) as { allocatable?: unknown; conditions?: { type: string; status: string }[] };
  const sc = (cur.status ?? {}) as typeof so;
  if (!isDeepStrictEqual(so.allocatable, sc.allocatable)) out.push('UpdateNodeAllocatable');
  if (!isDeepStrictEqual(old.metadata.labels ?? {}, cur.metadata.labels ?? {})) out.push('UpdateNodeLabel');
  const spec = (o: KubeObject) => (o.spec ?? {}) as { taints?: unknown; unschedulable?: boolean };
  if (!isDeepStrictEqual(spec(old).taints ?? [], spec(cur).taints ?? []) || !!spec(old).unschedulable !== !!spec(cur).unschedulable) out.push('UpdateNodeTaint');
  const ready = (s: typeof so) => (s.conditions ?? []).map((c) => `${c.type}=${c.status}`).join(',');
  if (ready(so) !== ready(sc)) out.push('UpdateNodeCondition');
  return out;
}

function podSpecChanged(old: KubeObject, cur: KubeObject): boolean {
  return !isDeepStrictEqual(old.spec, cur.spec) || !isDeepStrictEqual(old.metadata.labels ?? {}, cur.metadata.labels ?? {}) || !isDeepStrictEqual(old.metadata.annotations ?? {}, cur.metadata.annotations ?? {});
}

/**
 * The scheduler (kube-scheduler's Scheduler): watches pods and nodes through shared
 * informers, keeps the cache and the queue, and places pods one scheduling cycle at a time —
 * each cycle synchronous on the cache, bindings in the background. Pods whose
 * spec.schedulerName has no profile here are left to other schedulers.
 *
 * @example
 * const s = new Scheduler({ informers: sharedInformers(catalog), api: catalogSchedulerApi(catalog, storage, clock), events, clock, log });
 * await s.start();
 */
export class Scheduler {
  readonly cache: SchedulerCache;
  readonly queue: SchedulingQueue;
  private readonly profiles = new Map<string, Framework>();
  private readonly algorithm: PodScheduler;
  private readonly leases: InformerLease[] = [];
  private readonly unsubscribe: (() => void)[] = [];
  private inf: Record<string, Informer | undefined> = {};
  private running = false;
  private loopDone?: Promise<void>;
  /** Pods scheduled and bound since start (for benchmarks and logs). */
  bound = 0;

  constructor(private readonly opts: SchedulerOptions) {
    this.cache = new SchedulerCache((ns) => this.inf.namespaces?.get(ns)?.metadata.labels);
    this.queue = new SchedulingQueue({
      now: () => opts.clock.now(),
      initialBackoffMs: opts.initialBackoffMs,
      maxBackoffMs: opts.maxBackoffMs,
      interested: (p, e) => this.profiles.get(p.info.schedulerName)?.interestedIn(p.rejectors, e) ?? false,
      gated: (p) => ((p.pod.spec as { schedulingGates?: unknown[] } | undefined)?.schedulingGates?.length ?? 0) > 0,
    });
    this.algorithm = new PodScheduler(this.cache, this.queue);
    const handle: Omit<SchedulerHandle, 'framework'> = {
      cache: this.cache,
      nominator: this.queue,
      api: opts.api,
      events: opts.events,
      clock: opts.clock,
      log: opts.log,
      namespaceLabels: (ns) => this.inf.namespaces?.get(ns)?.metadata.labels,
      podDisruptionBudgets: () => this.inf.pdbs?.list() ?? [],
      latestPod: (key) => this.inf.pods?.get(key),
      defaultSpreadSelector: (pod) =>
        defaultSpreadSelector(pod, {
          services: this.inf.services,
          replicationControllers: this.inf.replicationcontrollers,
          replicaSets: this.inf.replicasets,
          statefulSets: this.inf.statefulsets,
        }),
    };
    const registry = opts.registry ?? inTreeRegistry();
    for (const profile of opts.profiles ?? [defaultProfile()]) this.profiles.set(profile.schedulerName, new Framework(profile, registry, handle));
  }

  /** Whether a pod is this scheduler's to place. */
  responsibleFor(pod: KubeObject): boolean {
    return this.profiles.has((pod.spec as { schedulerName?: string } | undefined)?.schedulerName || 'default-scheduler');
  }

  async start(): Promise<void> {
    const acquire = async (name: string, group: string, plural: string) => {
      try {
        const lease = await this.opts.informers.acquire({ group, version: 'v1', plural });
        this.leases.push(lease);
        this.inf[name] = lease.informer;
      } catch (err) {
        this.opts.log.warn({ err, resource: plural }, 'scheduler: resource not available');
      }
    };
    await Promise.all([
      acquire('namespaces', '', 'namespaces'),
      acquire('pdbs', 'policy', 'poddisruptionbudgets'),
      acquire('services', '', 'services'),
      acquire('replicationcontrollers', '', 'replicationcontrollers'),
      acquire('replicasets', 'apps', 'replicasets'),
      acquire('statefulsets', 'apps', 'statefulsets'),
    ]);
    await acquire('nodes', '', 'nodes');
    this.unsubscribe.push(
      this.inf.nodes!.on({
        add: (n) => {
          this.cache.addNode(n);
          this.queue.onEvent({ resource: 'Node', action: 'Add' });
        },
        update: (o, n) => {
          this.cache.updateNode(n);
          for (const action of nodeUpdateActions(o, n)) this.queue.onEvent({ resource: 'Node', action });
        },
        delete: (n) => {
          this.cache.removeNode(n.metadata.name!);
          this.queue.onEvent({ resource: 'Node', action: 'Delete' });
        },
      }),
    );
    await acquire('pods', '', 'pods');
    this.unsubscribe.push(this.inf.pods!.on({ add: (p) => this.podAdded(p), update: (o, p) => this.podUpdated(o, p), delete: (p) => this.podDeleted(p) }));
    this.running = true;
    this.loopDone = this.loop();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.queue.close();
    for (const u of this.unsubscribe.splice(0)) u();
    await this.loopDone;
    for (const l of this.leases.splice(0)) l.release();
  }

  // --- informer events ---

  private podAdded(p: KubeObject): void {
    if (terminal(p)) return;
    if (nodeNameOf(p)) {
      this.cache.upsertPod(p);
      this.queue.onEvent({ resource: 'AssignedPod', action: 'Add' });
    } else if (this.responsibleFor(p) && !p.metadata.deletionTimestamp) {
      this.queue.add(new PodInfo(p));
    }
  }

  private podUpdated(old: KubeObject, p: KubeObject): void {
    const key = keyOf(p);
    if (nodeNameOf(p)) {
      if (!nodeNameOf(old)) this.queue.delete(key);
      if (terminal(p)) return this.podDeleted(p);
      const labelsChanged = !isDeepStrictEqual(old.metadata.labels ?? {}, p.metadata.labels ?? {});
      this.cache.upsertPod(p);
      if (labelsChanged) this.queue.onEvent({ resource: 'AssignedPod', action: 'UpdatePodLabel' });
      else if (!nodeNameOf(old)) this.queue.onEvent({ resource: 'AssignedPod', action: 'Add' });
      return;
    }
    if (!this.responsibleFor(p)) return;
    if (p.metadata.deletionTimestamp || terminal(p)) {
      this.queue.delete(key);
      return;
    }
    if (this.cache.isAssumed(key)) return;
    this.queue.update(new PodInfo(p), podSpecChanged(old, p));
  }

  private podDeleted(p: KubeObject): void {
    const key = keyOf(p);
    if (nodeNameOf(p) || this.cache.pod(key)) {
      this.cache.removePod(key);
      this.queue.onEvent({ resource: 'AssignedPod', action: 'Delete' });
    }
    this.queue.delete(key);
  }

  // --- the scheduling loop ---

  private async loop(): Promise<void> {
    while (this.running) {
      await this.queue.wait();
      const deadline = performance.now() + sliceMs;
      while (this.running && performance.now() < deadline) {
        const qp = this.queue.pop();
        if (!qp) break;
        try {
          const pending = this.scheduleOne(qp);
          if (pending) await pending;
        } catch (err) {
          this.opts.log.error({ err, pod: qp.info.key }, 'scheduling cycle failed');
          this.queue.errorAfterAttempt(qp.info.key);
        }
      }
      // Let watch events, bindings and API requests through before the next slice.
      await new Promise((r) => setImmediate(r));
    }
  }

  /** One scheduling cycle; returns a promise only when preemption has API calls to make. */
  private scheduleOne(qp: QueuedPod): Promise<void> | undefined {
    const pod = qp.info;
    const latest = this.inf.pods?.get(pod.key);
    if (!latest || latest.metadata.uid !== pod.uid || nodeNameOf(latest) || latest.metadata.deletionTimestamp || this.cache.isAssumed(pod.key)) {
      this.queue.done(pod.key);
      return undefined;
    }
    const fw = this.profiles.get(pod.schedulerName)!;
    const state = new CycleState();
    let node: string;
    try {
      node = this.algorithm.schedule(fw, state, pod).node;
    } catch (err) {
      if (err instanceof FitError && fw.postFilter.length) return this.afterFitError(fw, state, qp, err);
      this.failed(qp, err, undefined);
      return undefined;
    }
    this.cache.assumePod(pod, node);
    const reserved = fw.runReserve(state, pod, node);
    if (reserved) {
      fw.runUnreserve(state, pod, node);
      this.cache.forgetPod(pod.key);
      this.failed(qp, new Error(`running Reserve plugin "${reserved.plugin}": ${reserved.message}`), undefined);
      return undefined;
    }
    this.queue.clearNomination(pod.key);
    void this.bindingCycle(fw, state, qp, node);
    return undefined;
  }

  private async afterFitError(fw: Framework, state: CycleState, qp: QueuedPod, err: FitError): Promise<void> {
    let nominated: string | undefined;
    try {
      const { result, status } = await fw.runPostFilter(state, qp.info, err.diagnosis.statuses);
      if (status.code === 'Error') this.opts.log.warn({ pod: qp.info.key, err: status.message }, 'preemption failed');
      else if (status.code !== 'Success') err.diagnosis.postFilterMsg = status.message;
      nominated = result?.nominatedNodeName;
    } catch (e) {
      this.opts.log.warn({ err: e, pod: qp.info.key }, 'preemption failed');
    }
    this.failed(qp, err, nominated);
  }

  private async bindingCycle(fw: Framework, state: CycleState, qp: QueuedPod, node: string): Promise<void> {
    const pod = qp.info;
    const status = await fw.runBind(state, pod, node);
    if (!status) {
      this.bound++;
      this.queue.done(pod.key);
      this.opts.events.event(pod.pod, 'Normal', 'Scheduled', `Successfully assigned ${pod.namespace}/${pod.name} to ${node}`);
      return;
    }
    fw.runUnreserve(state, pod, node);
    this.cache.forgetPod(pod.key);
    this.failed(qp, new Error(`Binding rejected: ${status.message}`), undefined);
  }

  /**
   * A cycle that did not place the pod: the FailedScheduling event, the PodScheduled=False
   * condition (and nominatedNodeName) on the pod, and the pod back in the queue.
   */
  private failed(qp: QueuedPod, err: unknown, nominatedNodeName: string | undefined): void {
    const pod = qp.info;
    const fit = err instanceof FitError;
    // No nodes at all counts as unschedulable (with no plugin to wait for: it retries after backoff).
    const unschedulable = fit || err instanceof NoNodesError;
    if (fit) this.queue.unschedulableAfterAttempt(pod.key, err.diagnosis.rejectors);
    else if (unschedulable) this.queue.unschedulableAfterAttempt(pod.key, new Set());
    else this.queue.errorAfterAttempt(pod.key);
    if (nominatedNodeName !== undefined) this.queue.nominate(pod, nominatedNodeName);
    const latest = this.inf.pods?.get(pod.key);
    if (!latest || latest.metadata.uid !== pod.uid) return;
    const message = (err instanceof Error ? err.message : String(err)).slice(0, maxEventMessage);
    if (!unschedulable) this.opts.log.info({ pod: pod.key, err: message }, 'scheduling failed');
    this.opts.events.event(latest, 'Warning', 'FailedScheduling', message);
    const now = rfc3339(this.opts.clock.now());
    this.opts.api
      .updatePodStatus(latest, (status) => {
        let changed = updatePodCondition(status, { type: 'PodScheduled', status: 'False', reason: unschedulable ? 'Unschedulable' : 'SchedulerError', message }, now);
        if (nominatedNodeName !== undefined && (status.nominatedNodeName ?? '') !== nominatedNodeName) {
          if (nominatedNodeName) status.nominatedNodeName = nominatedNodeName;
          else delete status.nominatedNodeName;
          changed = true;
        }
        return changed;
      })
      .catch((e) => this.opts.log.debug({ err: e, pod: pod.key }, 'could not update pod status'));
  }

  /** The profile names served. */
  schedulerNames(): string[] {
    return [...this.profiles.keys()];
  }

}
