import type { KubeObject } from '../../api/types.js';
import { updatePodCondition } from '../../apiserver/pods/pod-conditions.js';
import type { ResourceCatalog } from '../../apiserver/registry/catalog.js';
import { EventRecorder } from '../../client/event-recorder.js';
import { objectKey } from '../../client/informer.js';
import { type InformerLease, sharedInformers } from '../../client/informer-factory.js';
import { tolerationsTolerateTaint, toleratesTaint, type Taint, type Toleration } from '../../scheduler/framework/taints.js';
import { rfc3339, type Clock } from '../../util/clock.js';
import type { Logger } from '../../util/log.js';
import { nodeNameIndex, podNodeName } from './node-lifecycle-controller.js';

interface Scheduled {
  timer: NodeJS.Timeout;
  createdAt: number;
  fireAt: number;
}

/**
 * How long a pod may stay on a node with these NoExecute taints (getMinTolerationTime):
 * 0 when some taint is not tolerated, Infinity when every toleration used is unbounded,
 * else the smallest tolerationSeconds among the tolerations used.
 */
export function tolerationTimeMs(taints: readonly Taint[], tolerations: readonly Toleration[]): number {
  let min = Infinity;
  for (const taint of taints) {
    if (!tolerationsTolerateTaint(tolerations, taint)) return 0;
    for (const t of tolerations) {
      if (!toleratesTaint(t, taint)) continue;
      if (typeof t.tolerationSeconds === 'number') min = Math.min(min, Math.max(0, t.tolerationSeconds) * 1000);
    }
  }
  return min;
}

/**
 * Taint-based eviction (the taint eviction controller): a pod on a node with NoExecute
 * taints it does not tolerate is deleted at once; one that tolerates them for
 * tolerationSeconds is deleted when that time is up — 300 s for the not-ready/unreachable
 * tolerations every pod gets from admission.
 */
export class TaintEvictionController {
  private readonly scheduled = new Map<string, Scheduled>();
  private readonly leases: InformerLease[] = [];
  private readonly unsubscribe: (() => void)[] = [];
  private readonly events: EventRecorder;
  private pods?: InformerLease;
  private nodes?: InformerLease;

  constructor(
    private readonly catalog: ResourceCatalog,
    private readonly log: Logger,
    private readonly clock: Clock,
  ) {
    this.events = new EventRecorder(catalog, { component: 'taint-eviction-controller' }, clock, log);
  }

  async start(): Promise<void> {
    const informers = sharedInformers(this.catalog, this.log);
    this.nodes = await informers.acquire({ group: '', version: 'v1', plural: 'nodes' });
    this.pods = await informers.acquire({ group: '', version: 'v1', plural: 'pods' });
    this.leases.push(this.nodes, this.pods);
    this.pods.informer.addIndex(nodeNameIndex, podNodeName);
    this.unsubscribe.push(
      this.nodes.informer.on({
        add: (n) => this.nodeChanged(n),
        update: (o, n) => {
          if (JSON.stringify(this.noExecute(o)) !== JSON.stringify(this.noExecute(n))) this.nodeChanged(n);
        },
      }),
      this.pods.informer.on({ add: (p) => this.podChanged(p), update: (_o, p) => this.podChanged(p), delete: (p) => this.cancel(objectKey(p)) }),
    );
  }

  stop(): void {
    for (const u of this.unsubscribe.splice(0)) u();
    for (const s of this.scheduled.values()) clearTimeout(s.timer);
    this.scheduled.clear();
    for (const l of this.leases.splice(0)) l.release();
  }

  private noExecute(node: KubeObject | undefined): Taint[] {
    return (((node?.spec as { taints?: Taint[] } | undefined)?.taints ?? []) as Taint[]).filter((t) => t.effect === 'NoExecute');
  }

  private nodeChanged(node: KubeObject): void {
    for (const p of this.pods?.informer.byIndex(nodeNameIndex, node.metadata.name!) ?? []) this.podChanged(p);
  }

  private cancel(key: string): void {
    const s = this.scheduled.get(key);
    if (!s) return;
    clearTimeout(s.timer);
    this.scheduled.delete(key);
  }

  private podChanged(pod: KubeObject): void {
    const key = objectKey(pod);
    const nodeName = (pod.spec as { nodeName?: string } | undefined)?.nodeName;
    if (!nodeName || pod.metadata.deletionTimestamp) return this.cancel(key);
    const taints = this.noExecute(this.nodes?.informer.get(nodeName));
    if (taints.length === 0) return this.cancel(key);
    const wait = tolerationTimeMs(taints, ((pod.spec as { tolerations?: Toleration[] }).tolerations ?? []) as Toleration[]);
    if (wait === Infinity) return this.cancel(key);
    const now = this.clock.now();
    const prev = this.scheduled.get(key);
    // An eviction already on its way keeps its start; it only ever comes sooner.
    const createdAt = prev?.createdAt ?? now;
    const fireAt = createdAt + wait;
    if (prev && prev.fireAt <= fireAt) return;
    this.cancel(key);
    const timer = setTimeout(() => void this.evict(key, pod.metadata.uid!), Math.max(0, fireAt - now));
    timer.unref?.();
    this.scheduled.set(key, { timer, createdAt, fireAt });
  }

  private async evict(key: string, uid: string): Promise<void> {
    this.scheduled.delete(key);
    const pod = this.pods?.informer.get(key);
    if (!pod || pod.metadata.uid !== uid || pod.metadata.deletionTimestamp) return;
    const store = this.catalog.lookup('', 'v1', 'pods')!;
    const now = rfc3339(this.clock.now());
    try {
      this.events.event(pod, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${key}`);
      await store.update(pod.metadata.namespace, pod.metadata.name!, (cur) => {
        const status = (cur.status ?? {}) as Record<string, unknown>;
        updatePodCondition(status, { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint' }, now);
        return { ...cur, status };
      }, { subresource: 'status' });
      await store.delete(pod.metadata.namespace, pod.metadata.name!, { preconditions: { uid } });
      this.log.info({ pod: key }, 'evicted pod from a NoExecute-tainted node');
    } catch (err) {
      if ((err as { code?: number }).code === 404) return;
      this.log.warn({ err, pod: key }, 'taint eviction failed; retrying');
      const timer = setTimeout(() => void this.evict(key, uid), 1000);
      timer.unref?.();
      this.scheduled.set(key, { timer, createdAt: this.clock.now(), fireAt: this.clock.now() + 1000 });
    }
  }
}
