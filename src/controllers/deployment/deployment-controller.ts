import type { KubeObject } from '../../api/types.js';
import { selectorEmpty, selectorMatches } from '../../api/common/label-selector.js';
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
import { DeploymentSync } from './deployment-sync.js';
import { type PodsBySet, rolloutRecreate } from './recreate.js';
import { rolloutRolling } from './rolling.js';
import { dSpec, dStatus } from './types.js';


/**
 * The Deployment controller: owns ReplicaSets (one per pod template, named
 * `<deployment>-<pod-template-hash>`), rolls from old to new with RollingUpdate (maxSurge /
 * maxUnavailable) or Recreate, numbers revisions in `deployment.kubernetes.io/revision`, keeps
 * `revisionHistoryLimit` old sets, scales proportionally during a rollout, honours `paused`,
 * and reports Available / Progressing conditions with a progress deadline, as `kubectl
 * rollout status` reads them.
 *
 * @example
 * const dc = new DeploymentController(catalog, clock, log);
 * await dc.start();
 */
export class DeploymentController {
  readonly queue = new WorkQueue({ baseDelayMs: 5, maxDelayMs: 60_000 });
  private readonly recorder: EventRecorder;
  private readonly leases: InformerLease[] = [];
  private readonly unsubscribe: (() => void)[] = [];
  private deployments!: Informer;
  private sets!: Informer;
  private pods!: Informer;
  private readonly dStore: GenericStore;
  private readonly rsStore: GenericStore;

  constructor(
    private readonly catalog: ResourceCatalog,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly workers = 5,
  ) {
    this.recorder = new EventRecorder(catalog, { component: 'deployment-controller' }, clock, log);
    this.dStore = catalog.lookup('apps', 'v1', 'deployments')!;
    this.rsStore = catalog.lookup('apps', 'v1', 'replicasets')!;
  }

  async start(): Promise<void> {
    const informers = sharedInformers(this.catalog, this.log);
    const [d, rs, pods] = await Promise.all([
      informers.acquire({ group: 'apps', version: 'v1', plural: 'deployments' }),
      informers.acquire({ group: 'apps', version: 'v1', plural: 'replicasets' }),
      informers.acquire({ group: '', version: 'v1', plural: 'pods' }),
    ]);
    this.leases.push(d, rs, pods);
    this.deployments = d.informer;
    this.sets = rs.informer;
    this.pods = pods.informer;
    this.sets.addIndex(controllerUidIndex, byControllerUid);
    this.pods.addIndex(controllerUidIndex, byControllerUid);
    const enqueue = (obj: KubeObject) => this.queue.add(objectKey(obj));
    this.unsubscribe.push(
      this.deployments.on({ add: enqueue, update: (_o, n) => enqueue(n), delete: enqueue }),
      this.sets.on({ add: (s) => this.setChanged(undefined, s), update: (o, s) => this.setChanged(o, s), delete: (s) => this.setDeleted(s) }),
      this.pods.on({ delete: (p) => this.podDeleted(p) }),
    );
    void this.queue.run(this.workers, (key) => this.reconcile(key), (key, err) => this.log.warn({ err, key }, 'deployment sync failed; requeued'));
  }

  stop(): void {
    this.queue.shutDown();
    for (const u of this.unsubscribe.splice(0)) u();
    for (const l of this.leases.splice(0)) l.release();
  }

  private ownerOf(obj: KubeObject, kind: string, informer: Informer): KubeObject | undefined {
    const ref = controllerOf(obj);
    if (!ref || ref.kind !== kind) return undefined;
    const owner = informer.get(`${obj.metadata.namespace}/${ref.name}`);
    return owner?.metadata.uid === ref.uid ? owner : undefined;
  }

  private deploymentsSelecting(rs: KubeObject): KubeObject[] {
    return this.deployments
      .byIndex(namespaceIndex, rs.metadata.namespace ?? '')
      .filter((d) => !selectorEmpty(dSpec(d).selector) && selectorMatches(dSpec(d).selector, rs.metadata.labels));
  }

  private setChanged(old: KubeObject | undefined, rs: KubeObject): void {
    if (old && old.metadata.resourceVersion === rs.metadata.resourceVersion) return;
    if (rs.metadata.deletionTimestamp && !old) return this.setDeleted(rs);
    const oldOwner = old && controllerOf(old)?.uid !== controllerOf(rs)?.uid ? this.ownerOf(old, 'Deployment', this.deployments) : undefined;
    if (oldOwner) this.queue.add(objectKey(oldOwner));
    if (controllerOf(rs)) {
      const owner = this.ownerOf(rs, 'Deployment', this.deployments);
      if (owner) this.queue.add(objectKey(owner));
      return;
    }
    // An orphan: deployments selecting it may adopt it.
    for (const d of this.deploymentsSelecting(rs)) this.queue.add(objectKey(d));
  }

  private setDeleted(rs: KubeObject): void {
    const owner = this.ownerOf(rs, 'Deployment', this.deployments);
    if (owner) this.queue.add(objectKey(owner));
  }

  /** A Recreate rollout waits for old pods to be gone: their deletion may unblock it. */
  private podDeleted(pod: KubeObject): void {
    const rs = this.ownerOf(pod, 'ReplicaSet', this.sets);
    const d = rs ? this.ownerOf(rs, 'Deployment', this.deployments) : undefined;
    if (d && dSpec(d).strategy?.type === 'Recreate') this.queue.add(objectKey(d));
  }

  /** One sync of a deployment, as Kubernetes' syncDeployment. */
  async reconcile(key: string): Promise<void> {
    const cached = this.deployments.get(key);
    if (!cached) return;
    const sync = new DeploymentSync(cached, this.dStore, this.rsStore, this.recorder, this.clock);
    const d = sync.d;
    if (selectorEmpty(dSpec(d).selector)) {
      this.recorder.event(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      if ((dStatus(d).observedGeneration ?? 0) < (d.metadata.generation ?? 0)) {
        sync.status().observedGeneration = d.metadata.generation;
        await sync.writeStatus();
      }
      return;
    }
    try {
      const rsList = await this.claimSets(d);
      if (d.metadata.deletionTimestamp) return await sync.syncStatusOnly(rsList);
      await sync.checkPaused();
      if (dSpec(d).paused || (await sync.isScalingEvent(rsList))) return await sync.sync(rsList);
      if (dSpec(d).strategy?.type === 'Recreate') await rolloutRecreate(sync, rsList, this.podsBySet(rsList));
      else await rolloutRolling(sync, rsList);
      if (sync.requeueAfterMs !== undefined) this.queue.addAfter(key, Math.max(100, sync.requeueAfterMs));
    } catch (err) {
      // The deployment went away mid-sync: nothing left to do.
      if (isNotFound(err) && !this.deployments.get(key)) return;
      throw err;
    }
  }

  /** getReplicaSetsForDeployment: adopt matching orphans, release sets no longer selected. */
  private claimSets(d: KubeObject): Promise<KubeObject[]> {
    const candidates = this.sets.byIndex(namespaceIndex, d.metadata.namespace ?? '');
    return claimObjects(
      {
        owner: d,
        ownerRef: controllerRefFor(d, 'apps/v1', 'Deployment'),
        matches: (labels) => selectorMatches(dSpec(d).selector, labels),
        store: this.rsStore,
        recheckOwner: recheckOwnerFrom(this.dStore, d),
      },
      candidates,
    );
  }

  private podsBySet(rsList: KubeObject[]): PodsBySet {
    return new Map(rsList.map((rs) => [rs.metadata.uid!, this.pods.byIndex(controllerUidIndex, rs.metadata.uid!)]));
  }
}
