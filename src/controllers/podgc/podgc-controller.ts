import type { KubeObject } from '../../api/types.js';
import type { ResourceCatalog } from '../../apiserver/registry/catalog.js';
import type { GenericStore } from '../../apiserver/registry/generic-store.js';
import { type InformerLease, sharedInformers } from '../../client/informer-factory.js';
import type { Informer } from '../../client/informer.js';
import { type Clock, rfc3339 } from '../../util/clock.js';
import type { Logger } from '../../util/log.js';
import { WorkQueue } from '../workqueue.js';
import { isNotFound } from '../common/api-errors.js';
import { type PodCondition, isPodTerminal, podSpec } from '../common/pod-status.js';

export interface PodGCOptions {
  /** Terminated pods beyond this many are deleted, oldest first (kube-controller-manager: 12500; 0 turns it off). */
  terminatedPodThreshold?: number;
  /** How often to look (Kubernetes: 20 s). */
  periodMs?: number;
  /** How long a node must stay missing before its pods go (Kubernetes: 40 s). */
  quarantineMs?: number;
}

const gcKey = 'pod-gc';

/**
 * The pod garbage collector (kube-controller-manager's podgc), one periodic pass over the pod
 * cache: deletes terminated pods beyond the threshold (evicted, then oldest first), pods bound
 * to nodes that have stayed gone for the quarantine period (marked Failed with a
 * DisruptionTarget condition first), and unscheduled pods stuck terminating.
 *
 * @example
 * const gc = new PodGCController(catalog, clock, log, { terminatedPodThreshold: 12500 });
 * await gc.start();
 */
export class PodGCController {
  readonly queue = new WorkQueue({ baseDelayMs: 100, maxDelayMs: 60_000 });
  private readonly leases: InformerLease[] = [];
  private pods!: Informer;
  private nodes!: Informer;
  private readonly podStore: GenericStore;
  private readonly nodeStore: GenericStore;
  private readonly missingSince = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private readonly threshold: number;
  private readonly quarantineMs: number;

  constructor(
    private readonly catalog: ResourceCatalog,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly opts: PodGCOptions = {},
  ) {
    this.podStore = catalog.lookup('', 'v1', 'pods')!;
    this.nodeStore = catalog.lookup('', 'v1', 'nodes')!;
    this.threshold = opts.terminatedPodThreshold ?? 12_500;
    this.quarantineMs = opts.quarantineMs ?? 40_000;
  }

  async start(): Promise<void> {
    const f = sharedInformers(this.catalog, this.log);
    const [p, n] = await Promise.all([f.acquire({ group: '', version: 'v1', plural: 'pods' }), f.acquire({ group: '', version: 'v1', plural: 'nodes' })]);
    this.leases.push(p, n);
    this.pods = p.informer;
    this.nodes = n.informer;
    this.timer = setInterval(() => this.queue.add(gcKey), this.opts.periodMs ?? 20_000);
    this.timer.unref();
    void this.queue.run(1, () => this.reconcile(), (_k, err) => this.log.warn({ err }, 'pod garbage collection failed; retrying'));
  }

  stop(): void {
    clearInterval(this.timer);
    this.queue.shutDown();
    for (const l of this.leases.splice(0)) l.release();
  }

  /** One pass of every check. */
  async reconcile(): Promise<void> {
    const pods = this.pods.list();
    await this.gcTerminated(pods);
    await this.gcOrphaned(pods);
    await this.gcUnscheduledTerminating(pods);
  }

  private async gcTerminated(pods: KubeObject[]): Promise<void> {
    if (this.threshold <= 0) return;
    const done = pods.filter(isPodTerminal);
    const excess = done.length - this.threshold;
    if (excess <= 0) return;
    const evicted = (p: KubeObject) => (p.status as { reason?: string } | undefined)?.reason === 'Evicted';
    const created = (p: KubeObject) => Date.parse(p.metadata.creationTimestamp ?? '') || 0;
    done.sort((a, b) => (evicted(a) !== evicted(b) ? (evicted(a) ? -1 : 1) : created(a) - created(b)));
    this.log.info({ count: excess, threshold: this.threshold }, 'garbage collecting terminated pods');
    await Promise.all(done.slice(0, excess).map((p) => this.failAndDelete(p)));
  }

  private async gcOrphaned(pods: KubeObject[]): Promise<void> {
    const now = this.clock.now();
    const missing = new Set<string>();
    for (const p of pods) {
      const node = podSpec(p).nodeName;
      if (node && !this.nodes.get(node)) missing.add(node);
    }
    for (const n of this.missingSince.keys()) if (!missing.has(n)) this.missingSince.delete(n);
    const gone = new Set<string>();
    for (const n of missing) {
      const since = this.missingSince.get(n) ?? now;
      this.missingSince.set(n, since);
      if (now - since < this.quarantineMs) continue;
      // The cache may lag: only the API's word that the node is gone counts.
      try {
        await this.nodeStore.get(undefined, n);
      } catch (err) {
        if (isNotFound(err)) gone.add(n);
        else throw err;
      }
    }
    if (gone.size === 0) {
      if (missing.size) this.queue.addAfter(gcKey, this.quarantineMs);
      return;
    }
    const orphans = pods.filter((p) => gone.has(podSpec(p).nodeName ?? ''));
    this.log.info({ nodes: [...gone], pods: orphans.length }, 'deleting pods of nodes that no longer exist');
    await Promise.all(
      orphans.map((p) => this.failAndDelete(p, { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists' })),
    );
  }

  private async gcUnscheduledTerminating(pods: KubeObject[]): Promise<void> {
    const stuck = pods.filter((p) => p.metadata.deletionTimestamp && !podSpec(p).nodeName);
    await Promise.all(stuck.map((p) => this.failAndDelete(p)));
  }

  /** markFailedAndDeletePodWithCondition: a pod still running is marked Failed, then deleted at once. */
  private async failAndDelete(pod: KubeObject, condition?: PodCondition): Promise<void> {
    const { namespace, name, uid } = pod.metadata;
    try {
      if (!isPodTerminal(pod)) {
        await this.podStore.update(
          namespace,
          name!,
          (cur) => {
            if (cur.metadata.uid !== uid) return cur;
            const status: Record<string, unknown> = { ...((cur.status ?? {}) as Record<string, unknown>), phase: 'Failed' };
            if (condition) {
              const conds = ((status.conditions ?? []) as PodCondition[]).filter((c) => c.type !== condition.type);
              status.conditions = [...conds, { ...condition, lastProbeTime: null, lastTransitionTime: rfc3339(this.clock.now()) }];
            }
            cur.status = status;
            return cur;
          },
          { subresource: 'status' },
        );
      }
      await this.podStore.delete(namespace, name!, { gracePeriodSeconds: 0, preconditions: { uid } });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
