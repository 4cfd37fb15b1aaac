import { isDeepStrictEqual } from 'node:util';
import type { KubeObject, LabelSelector } from '../../api/types.js';
import { selectorEmpty, selectorInvalid, selectorMatches } from '../../api/common/label-selector.js';
import { ApiError } from '../../apiserver/errors.js';
import type { ResourceCatalog } from '../../apiserver/registry/catalog.js';
import type { GenericStore } from '../../apiserver/registry/generic-store.js';
import { type Informer, objectKey, splitKey } from '../../client/informer.js';
import { type InformerLease, namespaceIndex, sharedInformers } from '../../client/informer-factory.js';
import { rfc3339, systemClock, type Clock } from '../../util/clock.js';
import type { Logger } from '../../util/log.js';
import { WorkQueue } from '../workqueue.js';
import { computePDBStatus, disruptedPodTimeoutMs, needsExpectedScale, type PDBSpec } from './pdb-status.js';

interface OwnerRef {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
}

function controllerOf(obj: KubeObject): OwnerRef | undefined {
  return (obj.metadata.ownerReferences as OwnerRef[] | undefined)?.find((r) => r.controller);
}

function selects(pdb: KubeObject, pod: KubeObject): boolean {
  const sel = (pdb.spec as PDBSpec | undefined)?.selector as LabelSelector | null | undefined;
  if (!sel || selectorEmpty(sel) || selectorInvalid(sel)) return false;
  return selectorMatches(sel, pod.metadata.labels);
}

/**
 * Kubernetes' disruption controller: keeps each PodDisruptionBudget's status (currentHealthy,
 * desiredHealthy, expectedPods, disruptionsAllowed, the DisruptionAllowed condition) in step
 * with the pods it selects, which is what the eviction subresource decides with.
 */
export class DisruptionController {
  private readonly queue = new WorkQueue({ baseDelayMs: 100, maxDelayMs: 30_000 });
  private podLease?: InformerLease;
  private pdbLease?: InformerLease;
  private readonly unsubscribe: (() => void)[] = [];
  private readonly pdbStore: GenericStore;

  constructor(
    private readonly catalog: ResourceCatalog,
    private readonly log: Logger,
    private readonly clock: Clock = systemClock,
  ) {
    this.pdbStore = catalog.lookup('policy', 'v1', 'poddisruptionbudgets')!;
  }

  private get pods(): Informer {
    return this.podLease!.informer;
  }

  private get pdbs(): Informer {
    return this.pdbLease!.informer;
  }

  async start(): Promise<void> {
    const informers = sharedInformers(this.catalog, this.log);
    this.pdbLease = await informers.acquire({ group: 'policy', version: 'v1', plural: 'poddisruptionbudgets' });
    this.podLease = await informers.acquire({ group: '', version: 'v1', plural: 'pods' });
    const podChanged = (pod: KubeObject) => {
      for (const pdb of this.pdbs.byIndex(namespaceIndex, pod.metadata.namespace ?? '')) if (selects(pdb, pod)) this.queue.add(objectKey(pdb));
    };
    this.unsubscribe.push(this.pods.on({
      add: podChanged,
      update: (old, cur) => {
        podChanged(cur);
        if (!isDeepStrictEqual(old.metadata.labels, cur.metadata.labels)) podChanged(old);
      },
      delete: podChanged,
    }));
    this.unsubscribe.push(this.pdbs.on({ add: (p) => this.queue.add(objectKey(p)), update: (_o, p) => this.queue.add(objectKey(p)) }));
    void this.queue.run(1, (key) => this.reconcile(key), (key, err) => this.log.warn({ err, pdb: key }, 'disruption budget sync failed; retrying'));
  }

  stop(): void {
    this.queue.shutDown();
    for (const u of this.unsubscribe.splice(0)) u();
    this.podLease?.release();
    this.pdbLease?.release();
  }

  /** The replicas of the controllers (ReplicaSet → its Deployment, StatefulSet, …) of the pods. */
  private async controllerScale(pods: KubeObject[]): Promise<number> {
    const seen = new Set<string>();
    let total = 0;
    for (const pod of pods) {
      let ref = controllerOf(pod);
      if (!ref || seen.has(ref.uid)) continue;
      seen.add(ref.uid);
      const ns = pod.metadata.namespace;
      let owner = await this.catalog.lookupKind(ref.apiVersion, ref.kind)?.get(ns, ref.name).catch(() => undefined);
      // A Deployment's ReplicaSets count as the Deployment (what getPodReplicaSet + Deployment finder do).
      const up = owner && ref.kind === 'ReplicaSet' ? controllerOf(owner) : undefined;
      if (owner && up?.kind === 'Deployment') {
        ref = up;
        if (seen.has(up.uid)) continue;
        seen.add(up.uid);
        owner = await this.catalog.lookupKind(up.apiVersion, up.kind)?.get(ns, up.name).catch(() => undefined);
      }
      if (!owner || owner.metadata.uid !== ref.uid) continue;
      const replicas = (owner.spec as { replicas?: number } | undefined)?.replicas;
      total += typeof replicas === 'number' ? replicas : 1;
    }
    return total;
  }

  async reconcile(key: string): Promise<void> {
    const pdb = this.pdbs.get(key);
    if (!pdb) return;
    const { namespace } = splitKey(key);
    const pods = this.pods.byIndex(namespaceIndex, namespace ?? '').filter((p) => selects(pdb, p));
    const spec = (pdb.spec ?? {}) as PDBSpec;
    const scale = needsExpectedScale(spec) ? await this.controllerScale(pods) : 0;
    const now = this.clock.now();
    const status = computePDBStatus(pdb, pods, scale, now, rfc3339);
    if (status.disruptedPods) this.queue.addAfter(key, disruptedPodTimeoutMs);
    const old = (pdb.status ?? {}) as Record<string, unknown>;
    const comparable = (s: Record<string, unknown>) => ({ ...s, conditions: ((s.conditions as { lastTransitionTime?: string }[]) ?? []).map((c) => ({ ...c, lastTransitionTime: '' })) });
    if (isDeepStrictEqual(comparable(old), comparable(status as unknown as Record<string, unknown>))) return;
    try {
      await this.pdbStore.update(namespace, pdb.metadata.name!, (cur) => ({ ...cur, metadata: { ...cur.metadata, resourceVersion: pdb.metadata.resourceVersion }, status }), { subresource: 'status' });
    } catch (err) {
      // A stale cache: the watch brings the newer object and requeues.
      if (err instanceof ApiError && (err.code === 409 || err.code === 404)) return;
      throw err;
    }
  }
}
