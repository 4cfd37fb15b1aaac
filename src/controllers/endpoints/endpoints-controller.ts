import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../../api/types.js';
import type { ResourceCatalog } from '../../apiserver/registry/catalog.js';
import type { GenericStore } from '../../apiserver/registry/generic-store.js';
import { type InformerLease, namespaceIndex, sharedInformers } from '../../client/informer-factory.js';
import { type Informer, objectKey, splitKey } from '../../client/informer.js';
import { rfc3339 } from '../../util/clock.js';
import type { Logger } from '../../util/log.js';
import { WorkQueue } from '../workqueue.js';
import { isNotFound } from '../common/api-errors.js';
import { readyCondition } from '../common/pod-status.js';
import { type PodEndpoint, podAddress, repackSubsets, truncateSubsets } from './endpoints-subsets.js';
import { findPort, hostnameFor, isPodReady, managesEndpoints, podIPFor, selectsPod, serviceView, servicesTouchedByPod, shouldPodBeInEndpoints } from './service-pods.js';

const headlessLabel = 'service.kubernetes.io/headless';
const overCapacityAnnotation = 'endpoints.kubernetes.io/over-capacity';
const triggerTimeAnnotation = 'endpoints.kubernetes.io/last-change-trigger-time';
const leaderAnnotation = 'control-plane.alpha.kubernetes.io/leader';

/** When the newest change behind the Endpoints happened: the Service's creation or a pod's readiness flip. */
function triggerTime(svc: KubeObject, pods: KubeObject[]): string | undefined {
  let latest = Date.parse(svc.metadata.creationTimestamp ?? '') || 0;
  for (const p of pods) {
    const t = Date.parse(readyCondition(p)?.lastTransitionTime ?? p.metadata.creationTimestamp ?? '') || 0;
    if (t > latest) latest = t;
  }
  return latest ? rfc3339(latest) : undefined;
}

/**
 * The Endpoints controller: one Endpoints object per selector Service, named like it, whose
 * subsets list ready pods under `addresses` and unready ones under `notReadyAddresses` (all
 * under `addresses` with `publishNotReadyAddresses`), with named target ports resolved per pod.
 * Endpoints of deleted Services are removed; Services without a selector are left to their users.
 *
 * @example
 * const ec = new EndpointsController(catalog, log);
 * await ec.start();
 */
export class EndpointsController {
  readonly queue = new WorkQueue({ baseDelayMs: 5, maxDelayMs: 60_000 });
  private readonly leases: InformerLease[] = [];
  private readonly unsubscribe: (() => void)[] = [];
  private services!: Informer;
  private pods!: Informer;
  private endpoints!: Informer;
  private readonly store: GenericStore;

  constructor(
    private readonly catalog: ResourceCatalog,
    private readonly log: Logger,
    private readonly workers = 5,
  ) {
    this.store = catalog.lookup('', 'v1', 'endpoints')!;
  }

  async start(): Promise<void> {
    const f = sharedInformers(this.catalog, this.log);
    const [s, p, e] = await Promise.all([
      f.acquire({ group: '', version: 'v1', plural: 'services' }),
      f.acquire({ group: '', version: 'v1', plural: 'pods' }),
      f.acquire({ group: '', version: 'v1', plural: 'endpoints' }),
    ]);
    this.leases.push(s, p, e);
    [this.services, this.pods, this.endpoints] = [s.informer, p.informer, e.informer];
    const enqueue = (o: KubeObject) => this.queue.add(objectKey(o));
    this.unsubscribe.push(
      this.services.on({ add: enqueue, update: (_o, n) => enqueue(n), delete: enqueue }),
      this.pods.on({ add: (pod) => this.podChanged(pod), update: (o, n) => this.podChanged(n, o), delete: (pod) => this.podChanged(pod) }),
    );
    // Endpoints left behind by Services deleted while no controller ran.
    for (const ep of this.endpoints.list()) {
      if (!ep.metadata.annotations?.[leaderAnnotation] && !this.services.get(objectKey(ep))) enqueue(ep);
    }
    void this.queue.run(this.workers, (key) => this.reconcile(key), (key, err) => this.log.warn({ err, key }, 'endpoints sync failed; requeued'));
  }

  stop(): void {
    this.queue.shutDown();
    for (const u of this.unsubscribe.splice(0)) u();
    for (const l of this.leases.splice(0)) l.release();
  }

  private podChanged(pod: KubeObject, old?: KubeObject): void {
    for (const key of servicesTouchedByPod(this.services.byIndex(namespaceIndex, pod.metadata.namespace ?? ''), pod, old)) this.queue.add(key);
  }

  async reconcile(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const svc = this.services.get(key);
    if (!svc) {
      if (!this.endpoints.get(key)) return;
      try {
        await this.store.delete(namespace, name);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      return;
    }
    if (!managesEndpoints(svc)) return;
    const view = serviceView(svc);
    const selected = this.pods.byIndex(namespaceIndex, namespace ?? '').filter((p) => selectsPod(svc, p));
    const entries: PodEndpoint[] = [];
    for (const pod of selected) {
      if (!shouldPodBeInEndpoints(pod, view.publishNotReadyAddresses)) continue;
      const ip = podIPFor(svc, pod);
      if (!ip) continue;
      const address = podAddress(pod, ip, hostnameFor(svc, pod));
      const ready = view.publishNotReadyAddresses || isPodReady(pod);
      if (view.ports.length === 0) {
        // A headless Service may have no ports: its pods are listed anyway.
        if (view.clusterIP === 'None') entries.push({ address, ready, ports: [] });
        continue;
      }
      for (const sp of view.ports) {
        const port = findPort(pod, sp);
        if (port === undefined) continue;
        const ep: PodEndpoint['ports'][number] = { port, protocol: sp.protocol ?? 'TCP' };
        if (sp.name) ep.name = sp.name;
        if (sp.appProtocol) ep.appProtocol = sp.appProtocol;
        entries.push({ address, ready, ports: [ep] });
      }
    }
    const subsets = repackSubsets(entries);
    const truncated = truncateSubsets(subsets);
    const labels: Record<string, string> = { ...(svc.metadata.labels ?? {}) };
    if (view.clusterIP === 'None') labels[headlessLabel] = '';
    const current = this.endpoints.get(key);
    if (
      current &&
      isDeepStrictEqual(current.subsets ?? [], subsets) &&
      isDeepStrictEqual(current.metadata.labels ?? {}, labels) &&
      (current.metadata.annotations?.[overCapacityAnnotation] === 'truncated') === truncated
    ) {
      return;
    }
    const annotations: Record<string, string> = { ...(current?.metadata.annotations ?? {}) };
    const trigger = triggerTime(svc, selected);
    if (trigger) annotations[triggerTimeAnnotation] = trigger;
    if (truncated) annotations[overCapacityAnnotation] = 'truncated';
    else delete annotations[overCapacityAnnotation];
    const desired: KubeObject = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace } };
    if (Object.keys(labels).length) desired.metadata.labels = labels;
    if (Object.keys(annotations).length) desired.metadata.annotations = annotations;
    if (subsets.length) desired.subsets = subsets;
    if (!current) {
      await this.store.create(namespace, desired);
      return;
    }
    // Written against the version read: a concurrent change makes this a conflict and a retry.
    await this.store.update(namespace, name, (cur) => ({ ...desired, metadata: { ...cur.metadata, labels: desired.metadata.labels, annotations: desired.metadata.annotations, resourceVersion: current.metadata.resourceVersion } }));
  }
}
