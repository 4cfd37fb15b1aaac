import type { KubeObject } from '../../api/types.js';
import { ApiError } from '../../apiserver/errors.js';
import { updatePodCondition } from '../../apiserver/pods/pod-conditions.js';
import type { ResourceCatalog } from '../../apiserver/registry/catalog.js';
import type { GenericStore } from '../../apiserver/registry/generic-store.js';
import { EventRecorder } from '../../client/event-recorder.js';
import type { InformerLease } from '../../client/informer-factory.js';
import { sharedInformers } from '../../client/informer-factory.js';
import { rfc3339, type Clock } from '../../util/clock.js';
import type { Logger } from '../../util/log.js';
import { WorkQueue } from '../workqueue.js';
import { desiredLifecycleTaints, reconcileTaints, type Taint } from './lifecycle-taints.js';
import { observe, unknownConditions, type NodeCondition, type NodeHealth } from './node-health.js';

export interface NodeLifecycleOptions {
  /** --node-monitor-grace-period (40 s). */
  gracePeriodMs: number;
  /** --node-monitor-period (5 s). */
  monitorPeriodMs: number;
}

export const nodeNameIndex = 'spec.nodeName';

/** Pods by node name (module-level: the shared informer keeps index functions for its lifetime). */
export function podNodeName(p: KubeObject): string[] {
  return [String((p.spec as { nodeName?: string } | undefined)?.nodeName ?? '')];
}

/**
 * Kubernetes' node lifecycle controller: a node whose kubelet stops renewing its Lease (and
 * posting status) for the grace period gets its conditions set Unknown ("Kubelet stopped
 * posting node status.") and its pods marked not ready; every node carries the taints its
 * state calls for — not-ready / unreachable (NoSchedule and NoExecute), pressure conditions,
 * unschedulable when cordoned. Pod eviction from NoExecute taints is the taint eviction
 * controller's.
 */
export class NodeLifecycleController {
  private readonly queue = new WorkQueue({ baseDelayMs: 100, maxDelayMs: 10_000 });
  private readonly health = new Map<string, NodeHealth>();
  private readonly leases: InformerLease[] = [];
  private readonly unsubscribe: (() => void)[] = [];
  private readonly nodeStore: GenericStore;
  private readonly podStore: GenericStore;
  private readonly events: EventRecorder;
  private timer?: NodeJS.Timeout;
  private nodes?: InformerLease;
  private nodeLeases?: InformerLease;
  private pods?: InformerLease;

  constructor(
    private readonly catalog: ResourceCatalog,
    private readonly log: Logger,
    private readonly clock: Clock,
    private readonly opts: NodeLifecycleOptions,
  ) {
    this.nodeStore = catalog.lookup('', 'v1', 'nodes')!;
    this.podStore = catalog.lookup('', 'v1', 'pods')!;
    this.events = new EventRecorder(catalog, { component: 'node-controller' }, clock, log);
  }

  async start(): Promise<void> {
    const informers = sharedInformers(this.catalog, this.log);
    this.nodes = await informers.acquire({ group: '', version: 'v1', plural: 'nodes' });
    this.nodeLeases = await informers.acquire({ group: 'coordination.k8s.io', version: 'v1', plural: 'leases' });
    this.pods = await informers.acquire({ group: '', version: 'v1', plural: 'pods' });
    this.leases.push(this.nodes, this.nodeLeases, this.pods);
    this.pods.informer.addIndex(nodeNameIndex, podNodeName);
    const enqueue = (n: KubeObject) => this.queue.add(n.metadata.name!);
    this.unsubscribe.push(
      this.nodes.informer.on({
        add: enqueue,
        update: (_o, n) => enqueue(n),
        delete: (n) => this.health.delete(n.metadata.name!),
      }),
    );
    void this.queue.run(1, (name) => this.reconcileTaints(name), (name, err) => this.log.warn({ err, node: name }, 'node taint update failed; retrying'));
    this.timer = setInterval(() => void this.monitor().catch((err) => this.log.warn({ err }, 'node health check failed')), this.opts.monitorPeriodMs);
    this.timer.unref?.();
  }

  stop(): void {
    clearInterval(this.timer);
    this.queue.shutDown();
    for (const u of this.unsubscribe.splice(0)) u();
    for (const l of this.leases.splice(0)) l.release();
  }

  /** monitorNodeHealth: every node's heartbeats against the grace period. */
  async monitor(): Promise<void> {
    const now = this.clock.now();
    for (const node of this.nodes?.informer.list() ?? []) {
      const name = node.metadata.name!;
      const lease = this.nodeLeases?.informer.get(`kube-node-lease/${name}`);
      const h = observe(this.health.get(name), node, lease, now);
      this.health.set(name, h);
      if (now - h.probeTimestamp <= this.opts.gracePeriodMs) continue;
      const conds = ((node.status as { conditions?: NodeCondition[] } | undefined)?.conditions ?? []) as NodeCondition[];
      const unknown = unknownConditions(conds, rfc3339(now));
      if (!unknown) continue;
      await this.markUnknown(name, node.metadata.resourceVersion!, unknown);
    }
  }

  private async markUnknown(name: string, rv: string, conditions: NodeCondition[]): Promise<void> {
    try {
      await this.nodeStore.update(undefined, name, (cur) => ({ ...cur, metadata: { ...cur.metadata, resourceVersion: rv }, status: { ...(cur.status as object), conditions } }), { subresource: 'status' });
    } catch (err) {
      // The node changed meanwhile (maybe a heartbeat): look again next period.
      if (err instanceof ApiError && (err.code === 409 || err.code === 404)) return;
      throw err;
    }
    this.log.info({ node: name }, 'node stopped posting status; marked Unknown');
    const node = this.nodes?.informer.get(name);
    if (node) this.events.event(node, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
    await this.markPodsNotReady(name);
  }

  /** MarkPodsNotReady: the node's pods stop counting as ready (Services drop them). */
  private async markPodsNotReady(nodeName: string): Promise<void> {
    const now = rfc3339(this.clock.now());
    for (const pod of this.pods?.informer.byIndex(nodeNameIndex, nodeName) ?? []) {
      const ready = ((pod.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []).find((c) => c.type === 'Ready');
      if (!ready || ready.status === 'False') continue;
      await this.podStore
        .update(pod.metadata.namespace, pod.metadata.name!, (cur) => {
          const status = (cur.status ?? {}) as Record<string, unknown>;
          updatePodCondition(status, { ...(ready as { type: string; status: 'True' }), status: 'False', lastTransitionTime: undefined }, now);
          return { ...cur, status };
        }, { subresource: 'status' })
        .catch((err) => this.log.debug({ err, pod: pod.metadata.name }, 'could not mark pod not ready'));
    }
  }

  /** Puts the taints the node's state calls for on it (and only those of ours). */
  async reconcileTaints(name: string): Promise<void> {
    const node = this.nodes?.informer.get(name);
    if (!node) return;
    const current = ((node.spec as { taints?: Taint[] } | undefined)?.taints ?? []) as Taint[];
    const next = reconcileTaints(current, desiredLifecycleTaints(node), rfc3339(this.clock.now()));
    if (!next) return;
    try {
      await this.nodeStore.update(undefined, name, (cur) => {
        const spec = { ...(cur.spec as object) } as { taints?: Taint[] };
        if (next.length) spec.taints = next;
        else delete spec.taints;
        return { ...cur, metadata: { ...cur.metadata, resourceVersion: node.metadata.resourceVersion }, spec };
      });
    } catch (err) {
      if (err instanceof ApiError && (err.code === 409 || err.code === 404)) return;
      throw err;
    }
  }
}
