import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../../api/types.js';
import type { ResourceCatalog } from '../../apiserver/registry/catalog.js';
import type { GenericStore } from '../../apiserver/registry/generic-store.js';
import { EventRecorder } from '../../client/event-recorder.js';
import { type InformerLease, namespaceIndex, sharedInformers } from '../../client/informer-factory.js';
import { type Informer, objectKey } from '../../client/informer.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/log.js';
import { WorkQueue } from '../workqueue.js';
import { isNotFound } from '../common/api-errors.js';
import { byControllerUid, claimObjects, controllerOf, controllerRefFor, controllerUidIndex, recheckOwnerFrom } from '../common/controller-ref.js';
import { Expectations } from '../common/expectations.js';
import { isPodActive, isPodReady } from '../common/pod-status.js';
import { ReplicaManager } from './replica-manager.js';
import { type ManageError, calculateReplicaStatus } from './replica-status.js';
import { type ReplicatedKind, replicatedSpec, selects } from './replicated-kind.js';


/** Options of a ReplicaSet / ReplicationController controller. */
export interface ReplicaSetControllerOptions {
  workers?: number;
  /** At most this many pods are created or deleted per sync (Kubernetes' burstReplicas). */
  burstReplicas?: number;
}

/**
 * The ReplicaSet controller (and, with `replicationControllerKind`, the replication manager):
 * keeps `spec.replicas` active pods matching the selector. It adopts matching orphans,
 * releases pods it no longer selects, creates missing pods in slow-start batches and deletes
 * surplus ones in Kubernetes' ranking order, waiting on expectations so it never acts twice
 * on a slow cache; status counts replicas, fully labeled, ready and available pods.
 *
 * @example
 * const rsc = new ReplicaSetController(catalog, replicaSetKind, clock, log);
 * await rsc.start();
 */
export class ReplicaSetController {
  readonly queue = new WorkQueue({ baseDelayMs: 5, maxDelayMs: 60_000 });
  readonly expectations: Expectations;
  private readonly recorder: EventRecorder;
  private readonly leases: InformerLease[] = [];
  private readonly unsubscribe: (() => void)[] = [];
  private sets!: Informer;
  private pods!: Informer;
  private setStore: GenericStore;
  private manager!: ReplicaManager;

  constructor(
    private readonly catalog: ResourceCatalog,
    readonly kind: ReplicatedKind,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly opts: ReplicaSetControllerOptions = {},
  ) {
    this.expectations = new Expectations(clock);
    this.recorder = new EventRecorder(catalog, { component: kind.component }, clock, log);
    const r = kind.resource;
    this.setStore = catalog.lookup(r.group, r.version, r.plural)!;
  }

  async start(): Promise<void> {
    const informers = sharedInformers(this.catalog, this.log);
    const setLease = await informers.acquire(this.kind.resource);
    const podLease = await informers.acquire({ group: '', version: 'v1', plural: 'pods' });
    this.leases.push(setLease, podLease);
    this.sets = setLease.informer;
    this.pods = podLease.informer;
    this.pods.addIndex(controllerUidIndex, byControllerUid);
    this.sets.addIndex(controllerUidIndex, byControllerUid);
    this.manager = new ReplicaManager(this.catalog.lookup('', 'v1', 'pods')!, this.kind, this.expectations, this.recorder, this.clock, this.opts.burstReplicas ?? 500);
    this.unsubscribe.push(
      this.sets.on({
        add: (s) => this.queue.add(objectKey(s)),
        update: (_o, s) => this.queue.add(objectKey(s)),
        delete: (s) => {
          this.expectations.delete(objectKey(s));
          this.queue.add(objectKey(s));
        },
      }),
      this.pods.on({ add: (p) => this.podAdded(p), update: (o, p) => this.podUpdated(o, p), delete: (p) => this.podDeleted(p) }),
    );
    void this.queue.run(this.opts.workers ?? 5, (key) => this.reconcile(key), (key, err) => this.log.warn({ err, key, kind: this.kind.kind }, 'sync failed; requeued'));
  }

  stop(): void {
    this.queue.shutDown();
    for (const u of this.unsubscribe.splice(0)) u();
    for (const l of this.leases.splice(0)) l.release();
  }

  /** The set a controller reference points at, if it is one of ours and still the same object. */
  private resolveOwner(pod: KubeObject): KubeObject | undefined {
    const ref = controllerOf(pod);
    if (!ref || ref.kind !== this.kind.kind) return undefined;
    const set = this.sets.get(`${pod.metadata.namespace}/${ref.name}`);
    return set && set.metadata.uid === ref.uid ? set : undefined;
  }

  private setsSelecting(pod: KubeObject): KubeObject[] {
    return this.sets.byIndex(namespaceIndex, pod.metadata.namespace ?? '').filter((s) => selects(this.kind, s, pod.metadata.labels));
  }

  private podAdded(pod: KubeObject): void {
    if (pod.metadata.deletionTimestamp) return this.podDeleted(pod);
    const owner = controllerOf(pod) ? this.resolveOwner(pod) : undefined;
    if (owner) {
      this.expectations.creationObserved(objectKey(owner));
      this.queue.add(objectKey(owner));
      return;
    }
    if (controllerOf(pod)) return;
    // An orphan: every set that selects it may want to adopt it.
    for (const s of this.setsSelecting(pod)) this.queue.add(objectKey(s));
  }

  private podUpdated(old: KubeObject, pod: KubeObject): void {
    if (old.metadata.resourceVersion === pod.metadata.resourceVersion) return;
    const labelsChanged = !isDeepStrictEqual(old.metadata.labels ?? {}, pod.metadata.labels ?? {});
    if (pod.metadata.deletionTimestamp) {
      // Being deleted counts as gone: the replacement can be created now.
      this.podDeleted(pod);
      if (labelsChanged) this.podDeleted(old);
      return;
    }
    const oldRef = controllerOf(old);
    const ref = controllerOf(pod);
    const refChanged = oldRef?.uid !== ref?.uid;
    if (refChanged && oldRef) {
      const prev = this.resolveOwner(old);
      if (prev) this.queue.add(objectKey(prev));
    }
    if (ref) {
      const owner = this.resolveOwner(pod);
      if (!owner) return;
      this.queue.add(objectKey(owner));
      // A pod that just became ready is available minReadySeconds later: look again then.
      const minReady = replicatedSpec(owner).minReadySeconds ?? 0;
      if (minReady > 0 && !isPodReady(old) && isPodReady(pod)) this.queue.addAfter(objectKey(owner), minReady * 1000 + 1000);
      return;
    }
    if (labelsChanged || refChanged) for (const s of this.setsSelecting(pod)) this.queue.add(objectKey(s));
  }

  private podDeleted(pod: KubeObject): void {
    const owner = this.resolveOwner(pod);
    if (!owner) return;
    const key = objectKey(owner);
    this.expectations.deletionObserved(key, objectKey(pod));
    this.queue.add(key);
  }

  /** Pods of every set controlled by the same owner as `set` (a Deployment's other ReplicaSets). */
  private relatedPods(set: KubeObject): KubeObject[] {
    const owner = controllerOf(set);
    const siblings = owner ? this.sets.byIndex(controllerUidIndex, owner.uid) : [set];
    return siblings.flatMap((s) => this.pods.byIndex(controllerUidIndex, s.metadata.uid!));
  }

  /** One sync of a set: claim pods, create or delete the difference, write status. */
  async reconcile(key: string): Promise<void> {
    const set = this.sets.get(key);
    if (!set) {
      this.expectations.delete(key);
      return;
    }
    const needsSync = this.expectations.satisfied(key);
    const ns = set.metadata.namespace!;
    const active = this.pods.byIndex(namespaceIndex, ns).filter(isPodActive);
    const ownerRef = controllerRefFor(set, this.kind.apiVersion, this.kind.kind);
    const pods = await claimObjects(
      {
        owner: set,
        ownerRef,
        matches: (labels) => selects(this.kind, set, labels),
        store: this.manager.podStore,
        recheckOwner: recheckOwnerFrom(this.setStore, set),
      },
      active,
    );
    let manageErr: ManageError | undefined;
    if (needsSync && !set.metadata.deletionTimestamp) {
      manageErr = await this.manager.manage(set, key, pods, () => this.relatedPods(set));
    }
    const status = calculateReplicaStatus(set, pods, manageErr, this.clock.now());
    const written = await this.writeStatus(set, status);
    const minReady = replicatedSpec(set).minReadySeconds ?? 0;
    if (!manageErr && minReady > 0 && written && (written.readyReplicas ?? 0) === replicatedSpec(set).replicas && (written.availableReplicas ?? 0) !== replicatedSpec(set).replicas) {
      this.queue.addAfter(key, minReady * 1000);
    }
    if (manageErr) throw manageErr.error;
  }

  private async writeStatus(set: KubeObject, status: ReturnType<typeof calculateReplicaStatus>): Promise<ReturnType<typeof calculateReplicaStatus> | undefined> {
    status.observedGeneration = set.metadata.generation ?? status.observedGeneration;
    if (isDeepStrictEqual(set.status, status)) return status;
    try {
      const out = await this.setStore.update(set.metadata.namespace, set.metadata.name!, (cur) => {
        if (cur.metadata.uid !== set.metadata.uid) return cur;
        cur.status = status;
        return cur;
      }, { subresource: 'status' });
      return out.status as typeof status;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }
}
