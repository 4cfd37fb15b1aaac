import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../../api/types.js';
import type { GenericStore } from '../../apiserver/registry/generic-store.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import type { Clock } from '../../util/clock.js';
import { errorMessage, isAlreadyExists, isNamespaceTerminating, isNotFound } from '../common/api-errors.js';
import { controllerOf, controllerRefFor } from '../common/controller-ref.js';
import { getCondition, newCondition, reasons, setCondition } from './conditions.js';
import { activeOrLatest, activeSets, byRevision, bySizeNewer, bySizeOlder, findNewReplicaSet, specReplicas } from './replica-set-math.js';
import { desiredReplicasOf, maxRevision, replicasAnnotationsNeedUpdate, revisionAnnotation, setNewReplicaSetAnnotations, setReplicasAnnotations } from './revisions.js';
import { isRollingUpdate, isSaturated, maxSurge, newRSNewReplicas, proportion } from './rollout-math.js';
import { calculateStatus, hasProgressDeadline, rolloutStatus, stuckRecheckMs } from './rollout-status.js';
import { computeTemplateHash, equalIgnoreHash, podTemplateHashLabel } from './template-hash.js';
import { type DeploymentStatus, dReplicas, dSpec, dStatus, rsReplicas, rsSpec, rsStatus } from './types.js';

/** The sets of a deployment split into the one running its template and the rest. */
export interface SetsView {
  newRS?: KubeObject;
  oldRSs: KubeObject[];
}

/**
 * One sync of one deployment: a working copy of it plus the operations Kubernetes' deployment
 * controller composes (find/create the new ReplicaSet and sync revisions, scale sets with
 * events, clean up old ones, write status). Writes carry the resourceVersion they were
 * computed from, so a decision made on a stale cache fails with a conflict and is retried.
 */
export class DeploymentSync {
  readonly d: KubeObject;
  private originalAnnotations: Record<string, string> | undefined;
  /** Set when the deployment should be looked at again after a delay (progress deadline). */
  requeueAfterMs?: number;

  constructor(
    cached: KubeObject,
    private readonly deployments: GenericStore,
    private readonly replicaSets: GenericStore,
    private readonly recorder: EventRecorder,
    private readonly clock: Clock,
  ) {
    this.d = structuredClone(cached);
    this.originalAnnotations = structuredClone(cached.metadata.annotations);
  }

  get now(): number {
    return this.clock.now();
  }

  /** getAllReplicaSetsAndSyncRevision. */
  async allSets(rsList: KubeObject[], createIfMissing: boolean): Promise<SetsView> {
    const existingNew = findNewReplicaSet(this.d, rsList);
    const oldRSs = rsList.filter((rs) => rs !== existingNew);
    const newRS = await this.newReplicaSet(existingNew, rsList, oldRSs, createIfMissing);
    return { newRS, oldRSs };
  }

  private async newReplicaSet(existing: KubeObject | undefined, rsList: KubeObject[], oldRSs: KubeObject[], create: boolean): Promise<KubeObject | undefined> {
    const d = this.d;
    const newRevision = maxRevision(oldRSs) + 1;
    const desired = dReplicas(d);
    const max = desired + maxSurge(d);
    if (existing) {
      const copy = structuredClone(existing);
      const annotationsChanged = setNewReplicaSetAnnotations(d, copy, newRevision, true, desired, max);
      const minReady = dSpec(d).minReadySeconds ?? 0;
      if (annotationsChanged || (rsSpec(copy).minReadySeconds ?? 0) !== minReady) {
        if (minReady) (copy.spec as Record<string, unknown>).minReadySeconds = minReady;
        else delete (copy.spec as Record<string, unknown>).minReadySeconds;
        return this.updateSet(copy);
      }
      let needsUpdate = this.setRevision(copy.metadata.annotations?.[revisionAnnotation] ?? '');
      const status = this.status();
      if (hasProgressDeadline(d) && !getCondition(status, 'Progressing')) {
        setCondition(status, newCondition('Progressing', 'True', reasons.foundNewRS, `Found new replica set "${copy.metadata.name}"`, this.now));
        needsUpdate = true;
      }
      if (needsUpdate) await this.writeStatus();
      return copy;
    }
    if (!create) return undefined;
    const template = structuredClone(dSpec(d).template ?? {});
    const hash = computeTemplateHash(template, dStatus(d).collisionCount);
    template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [podTemplateHashLabel]: hash } };
    const selector = structuredClone(dSpec(d).selector ?? {});
    selector.matchLabels = { ...(selector.matchLabels ?? {}), [podTemplateHashLabel]: hash };
    const rs: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: `${d.metadata.name}-${hash}`, namespace: d.metadata.namespace, ownerReferences: [controllerRefFor(d, 'apps/v1', 'Deployment')], labels: { ...template.metadata.labels } },
      spec: { replicas: 0, selector, template },
    };
    if (dSpec(d).minReadySeconds) (rs.spec as Record<string, unknown>).minReadySeconds = dSpec(d).minReadySeconds;
    const replicas = newRSNewReplicas(d, [...oldRSs, rs], rs);
    (rs.spec as Record<string, unknown>).replicas = replicas;
    setNewReplicaSetAnnotations(d, rs, newRevision, false, desired, max);
    let created: KubeObject;
    let alreadyExists = false;
    try {
      created = await this.replicaSets.create(d.metadata.namespace, rs);
    } catch (err) {
      if (isAlreadyExists(err)) {
        alreadyExists = true;
        const found = rsList.find((x) => x.metadata.name === rs.metadata.name) ?? (await this.replicaSets.get(d.metadata.namespace, rs.metadata.name!));
        if (controllerOf(found)?.uid === d.metadata.uid && equalIgnoreHash(dSpec(d).template, rsSpec(found).template)) {
          created = found;
        } else {
          // A different template hashed to the same name: move the hash on and try again.
          this.status().collisionCount = (dStatus(d).collisionCount ?? 0) + 1;
          await this.writeStatus();
          throw err;
        }
      } else if (isNamespaceTerminating(err)) {
        throw err;
      } else {
        const msg = `Failed to create new replica set "${rs.metadata.name}": ${errorMessage(err)}`;
        if (hasProgressDeadline(d)) {
          setCondition(this.status(), newCondition('Progressing', 'False', reasons.failedRSCreate, msg, this.now));
          await this.writeStatus().catch(() => undefined);
        }
        this.recorder.event(d, 'Warning', reasons.failedRSCreate, msg);
        throw err;
      }
    }
    if (!alreadyExists && replicas > 0) {
      this.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name} from 0 to ${replicas}`);
    }
    let needsUpdate = this.setRevision(String(newRevision));
    if (!alreadyExists && hasProgressDeadline(d)) {
      setCondition(this.status(), newCondition('Progressing', 'True', reasons.newRSCreated, `Created new replica set "${created.metadata.name}"`, this.now));
      needsUpdate = true;
    }
    if (needsUpdate) await this.writeStatus();
    return created;
  }

  /** SetDeploymentRevision. */
  private setRevision(revision: string): boolean {
    const a = (this.d.metadata.annotations ??= {});
    if (a[revisionAnnotation] === revision) return false;
    a[revisionAnnotation] = revision;
    return true;
  }

  /** The working copy's status object (created when absent). */
  status(): DeploymentStatus {
    if (!this.d.status || typeof this.d.status !== 'object') this.d.status = {};
    return this.d.status as DeploymentStatus;
  }

  /**
   * UpdateStatus. Kubernetes' status endpoint for deployments also takes annotations (how the
   * revision annotation is written); here a changed annotation goes first as its own update.
   */
  async writeStatus(): Promise<void> {
    const d = this.d;
    if (!isDeepStrictEqual(d.metadata.annotations ?? {}, this.originalAnnotations ?? {})) {
      const annotations = d.metadata.annotations;
      const out = await this.deployments.update(d.metadata.namespace, d.metadata.name!, (cur) => {
        cur.metadata.resourceVersion = d.metadata.resourceVersion;
        if (annotations && Object.keys(annotations).length) cur.metadata.annotations = annotations;
        else delete cur.metadata.annotations;
        return cur;
      });
      d.metadata.resourceVersion = out.metadata.resourceVersion;
      this.originalAnnotations = structuredClone(annotations);
    }
    const status = d.status;
    const out = await this.deployments.update(d.metadata.namespace, d.metadata.name!, (cur) => {
      cur.metadata.resourceVersion = d.metadata.resourceVersion;
      cur.status = status;
      return cur;
    }, { subresource: 'status' });
    d.metadata.resourceVersion = out.metadata.resourceVersion;
  }

  /** Writes a changed set (pinned to the version it was computed from). */
  private async updateSet(rs: KubeObject): Promise<KubeObject> {
    return this.replicaSets.update(rs.metadata.namespace, rs.metadata.name!, () => rs);
  }

  /** scaleReplicaSetAndRecordEvent. */
  async scaleAndRecord(rs: KubeObject, newScale: number): Promise<{ scaled: boolean; rs: KubeObject }> {
    if (rsReplicas(rs) === newScale) return { scaled: false, rs };
    return this.scaleSet(rs, newScale, rsReplicas(rs) < newScale ? 'up' : 'down');
  }

  /** scaleReplicaSet: size and replicas annotations in one write, a ScalingReplicaSet event for a resize. */
  async scaleSet(rs: KubeObject, newScale: number, op: string): Promise<{ scaled: boolean; rs: KubeObject }> {
    const sizeChanges = rsReplicas(rs) !== newScale;
    const desired = dReplicas(this.d);
    const max = desired + maxSurge(this.d);
    if (!sizeChanges && !replicasAnnotationsNeedUpdate(rs, desired, max)) return { scaled: false, rs };
    const oldScale = rsReplicas(rs);
    const copy = structuredClone(rs);
    (copy.spec as Record<string, unknown>).replicas = newScale;
    setReplicasAnnotations(copy, desired, max);
    const out = await this.updateSet(copy);
    if (sizeChanges) this.recorder.event(this.d, 'Normal', 'ScalingReplicaSet', `Scaled ${op} replica set ${out.metadata.name} from ${oldScale} to ${newScale}`);
    return { scaled: sizeChanges, rs: out };
  }

  /** isScalingEvent: a set's desired-replicas annotation disagrees with spec.replicas. */
  async isScalingEvent(rsList: KubeObject[]): Promise<boolean> {
    const { newRS, oldRSs } = await this.allSets(rsList, false);
    return activeSets([...oldRSs, newRS]).some((rs) => {
      const desired = desiredReplicasOf(rs);
      return desired !== undefined && desired !== dReplicas(this.d);
    });
  }

  /** scale: resize for a scaling event (or a paused deployment), proportionally during a rollout. */
  async scale(newRS: KubeObject | undefined, oldRSs: KubeObject[]): Promise<void> {
    const d = this.d;
    const only = activeOrLatest(newRS, oldRSs);
    if (only) {
      if (rsReplicas(only) !== dReplicas(d)) await this.scaleAndRecord(only, dReplicas(d));
      return;
    }
    if (isSaturated(d, newRS)) {
      for (const old of activeSets(oldRSs)) await this.scaleAndRecord(old, 0);
      return;
    }
    if (!isRollingUpdate(d)) return;
    const all = activeSets([...oldRSs, newRS]);
    const allowed = dReplicas(d) > 0 ? dReplicas(d) + maxSurge(d) : 0;
    const toAdd = allowed - specReplicas(all);
    let op = '';
    if (toAdd > 0) {
      all.sort(bySizeNewer);
      op = 'up';
    } else if (toAdd < 0) {
      all.sort(bySizeOlder);
      op = 'down';
    }
    let added = 0;
    const sizes = new Map<string, number>();
    for (const rs of all) {
      if (toAdd !== 0) {
        const p = proportion(rs, d, toAdd, added);
        sizes.set(rs.metadata.name!, rsReplicas(rs) + p);
        added += p;
      } else {
        sizes.set(rs.metadata.name!, rsReplicas(rs));
      }
    }
    for (let i = 0; i < all.length; i++) {
      const rs = all[i]!;
      // Leftovers go to the largest set.
      if (i === 0 && toAdd !== 0) sizes.set(rs.metadata.name!, Math.max(0, sizes.get(rs.metadata.name!)! + toAdd - added));
      await this.scaleSet(rs, sizes.get(rs.metadata.name!)!, op);
    }
  }

  /** cleanupDeployment: keeps revisionHistoryLimit old sets, deleting the oldest empty ones. */
  async cleanup(oldRSs: KubeObject[]): Promise<void> {
    const limit = dSpec(this.d).revisionHistoryLimit;
    if (limit === undefined || limit === null) return;
    const cleanable = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp).sort(byRevision);
    const diff = cleanable.length - limit;
    for (let i = 0; i < diff; i++) {
      const rs = cleanable[i]!;
      if ((rsStatus(rs).replicas ?? 0) !== 0 || rsReplicas(rs) !== 0 || (rs.metadata.generation ?? 0) > (rsStatus(rs).observedGeneration ?? 0)) continue;
      try {
        await this.replicaSets.delete(rs.metadata.namespace, rs.metadata.name!, { preconditions: { uid: rs.metadata.uid } });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  }

  /** syncDeploymentStatus: counts and availability, written when they changed. */
  async syncStatus(allRSs: KubeObject[], newRS: KubeObject | undefined): Promise<void> {
    const s = calculateStatus(allRSs, newRS, this.d, this.now);
    if (isDeepStrictEqual(this.d.status ?? {}, s)) return;
    this.d.status = s;
    await this.writeStatus();
  }

  /** syncRolloutStatus: status with the Progressing condition; schedules the deadline check. */
  async syncRolloutStatus(allRSs: KubeObject[], newRS: KubeObject | undefined): Promise<void> {
    const s = rolloutStatus(allRSs, newRS, this.d, this.now);
    if (isDeepStrictEqual(this.d.status ?? {}, s)) {
      this.requeueAfterMs = stuckRecheckMs(this.d, s, this.now);
      return;
    }
    this.d.status = s;
    await this.writeStatus();
  }

  /** checkPausedConditions: Progressing Unknown with DeploymentPaused / DeploymentResumed. */
  async checkPaused(): Promise<void> {
    const d = this.d;
    if (!hasProgressDeadline(d)) return;
    const cond = getCondition(dStatus(d), 'Progressing');
    if (cond?.reason === reasons.timedOut) return;
    const pausedCond = cond?.reason === reasons.paused;
    const paused = !!dSpec(d).paused;
    if (paused === pausedCond) return;
    const c = paused
      ? newCondition('Progressing', 'Unknown', reasons.paused, 'Deployment is paused', this.now)
      : newCondition('Progressing', 'Unknown', reasons.resumed, 'Deployment is resumed', this.now);
    setCondition(this.status(), c);
    await this.writeStatus();
  }

  /** sync: scaling events and paused deployments (no rollout). */
  async sync(rsList: KubeObject[]): Promise<void> {
    const { newRS, oldRSs } = await this.allSets(rsList, false);
    await this.scale(newRS, oldRSs);
    if (dSpec(this.d).paused) await this.cleanup(oldRSs);
    await this.syncStatus([...oldRSs, ...(newRS ? [newRS] : [])], newRS);
  }

  /** syncStatusOnly: a deployment being deleted only reports. */
  async syncStatusOnly(rsList: KubeObject[]): Promise<void> {
    const { newRS, oldRSs } = await this.allSets(rsList, false);
    await this.syncStatus([...oldRSs, ...(newRS ? [newRS] : [])], newRS);
  }
}

