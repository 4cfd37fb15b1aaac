import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../../api/types.js';
import type { ResourceCatalog } from '../../apiserver/registry/catalog.js';
import type { GenericStore } from '../../apiserver/registry/generic-store.js';
import { type InformerLease, namespaceIndex, sharedInformers } from '../../client/informer-factory.js';
import { type Informer, objectKey, splitKey } from '../../client/informer.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/log.js';
import { WorkQueue } from '../workqueue.js';
import { isNotFound } from '../common/api-errors.js';
import { controllerRefFor } from '../common/controller-ref.js';
import { managesEndpoints, serviceView, servicesTouchedByPod } from '../endpoints/service-pods.js';
import { desiredPortGroups, type SliceEndpoint, type SlicePort } from './slice-endpoints.js';
import { planSlices } from './slice-placement.js';

export const serviceNameLabel = 'kubernetes.io/service-name';
export const managedByLabel = 'endpointslice.kubernetes.io/managed-by';
export const controllerName = 'endpointslice-controller.k8s.io';
const headlessLabel = 'service.kubernetes.io/headless';
const zoneLabel = 'topology.kubernetes.io/zone';
const serviceIndex = 'service';
/** How long to wait for our own writes to show in the cache before trusting it anyway. */
const staleCacheTimeoutMs = 5_000;

/** Our slices by `namespace/service` (module level: a closure would pin the controller in the shared informer). */
function slicesByService(s: KubeObject): string[] {
  const svc = s.metadata.labels?.[serviceNameLabel];
  return svc && s.metadata.labels?.[managedByLabel] === controllerName ? [`${s.metadata.namespace}/${svc}`] : [];
}

/** Slices written and not yet seen back: name → resourceVersion written, or null once deleted. */
type Pending = { written: Map<string, string | null>; atMs: number };

/**
 * The EndpointSlice controller: for each selector Service, slices of at most 100 endpoints
 * (labelled `kubernetes.io/service-name` and managed-by `endpointslice-controller.k8s.io`,
 * owned by the Service) listing the selected pods with ready/serving/terminating conditions,
 * node and zone, grouped by the ports their named target ports resolve to. Slices of other
 * managers are never touched.
 *
 * @example
 * const esc = new EndpointSliceController(catalog, clock, log);
 * await esc.start();
 */
export class EndpointSliceController {
  readonly queue = new WorkQueue({ baseDelayMs: 5, maxDelayMs: 60_000 });
  private readonly leases: InformerLease[] = [];
  private readonly unsubscribe: (() => void)[] = [];
  private readonly pending = new Map<string, Pending>();
  private services!: Informer;
  private pods!: Informer;
  private slices!: Informer;
  private nodes!: Informer;
  private readonly store: GenericStore;

  constructor(
    private readonly catalog: ResourceCatalog,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly workers = 5,
  ) {
    this.store = catalog.lookup('discovery.k8s.io', 'v1', 'endpointslices')!;
  }

  async start(): Promise<void> {
    const f = sharedInformers(this.catalog, this.log);
    const leases = await Promise.all([
      f.acquire({ group: '', version: 'v1', plural: 'services' }),
      f.acquire({ group: '', version: 'v1', plural: 'pods' }),
      f.acquire({ group: 'discovery.k8s.io', version: 'v1', plural: 'endpointslices' }),
      f.acquire({ group: '', version: 'v1', plural: 'nodes' }),
    ]);
    this.leases.push(...leases);
    [this.services, this.pods, this.slices, this.nodes] = leases.map((l) => l.informer) as [Informer, Informer, Informer, Informer];
    this.slices.addIndex(serviceIndex, slicesByService);
    const enqueue = (o: KubeObject) => this.queue.add(objectKey(o));
    const sliceChanged = (s: KubeObject) => {
      const svc = s.metadata.labels?.[serviceNameLabel];
      if (svc && s.metadata.labels?.[managedByLabel] === controllerName) this.queue.add(`${s.metadata.namespace}/${svc}`);
    };
    this.unsubscribe.push(
      this.services.on({ add: enqueue, update: (_o, n) => enqueue(n), delete: enqueue }),
      this.pods.on({ add: (p) => this.podChanged(p), update: (o, n) => this.podChanged(n, o), delete: (p) => this.podChanged(p) }),
      this.slices.on({ add: sliceChanged, update: (_o, n) => sliceChanged(n), delete: sliceChanged }),
    );
    void this.queue.run(this.workers, (key) => this.reconcile(key), (key, err) => this.log.warn({ err, key }, 'endpointslice sync failed; requeued'));
  }

  stop(): void {
    this.queue.shutDown();
    for (const u of this.unsubscribe.splice(0)) u();
    for (const l of this.leases.splice(0)) l.release();
  }

  private podChanged(pod: KubeObject, old?: KubeObject): void {
    for (const key of servicesTouchedByPod(this.services.byIndex(namespaceIndex, pod.metadata.namespace ?? ''), pod, old)) this.queue.add(key);
  }

  /** Whether the cache shows every write of the last sync (else a sync would undo or repeat them). */
  private cacheCaughtUp(key: string): boolean {
    const p = this.pending.get(key);
    if (!p) return true;
    const ns = splitKey(key).namespace;
    const seen = [...p.written].every(([name, rv]) => {
      const cached = this.slices.get(`${ns}/${name}`);
      return rv === null ? !cached : !!cached && Number(cached.metadata.resourceVersion) >= Number(rv);
    });
    if (seen || this.clock.now() - p.atMs > staleCacheTimeoutMs) {
      this.pending.delete(key);
      return true;
    }
    return false;
  }

  async reconcile(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const svc = this.services.get(key);
    // Slices of a deleted Service go with it (the garbage collector follows their owner reference).
    if (!svc || !managesEndpoints(svc)) {
      this.pending.delete(key);
      if (svc) await this.deleteAll(this.slices.byIndex(serviceIndex, key));
      return;
    }
    if (!this.cacheCaughtUp(key)) {
      this.queue.addAfter(key, 50);
      return;
    }
    const pods = this.pods.byIndex(namespaceIndex, namespace ?? '');
    const groups = desiredPortGroups(svc, pods, (node) => this.nodes.get(node)?.metadata.labels?.[zoneLabel]);
    const existing = this.slices.byIndex(serviceIndex, key).filter((s) => s.metadata.ownerReferences?.some((r) => r.uid === svc.metadata.uid));
    const plan = planSlices(existing, groups);
    const labels = this.sliceLabels(svc);
    const written = new Map<string, string | null>();
    for (const k of plan.keep) {
      const cur = k.slice;
      if (isDeepStrictEqual(cur.endpoints ?? [], k.endpoints) && isDeepStrictEqual(cur.ports ?? null, this.portsField(k.ports, k.endpoints)) && isDeepStrictEqual(cur.metadata.labels ?? {}, labels)) continue;
      const out = await this.store.update(namespace, cur.metadata.name!, (fresh) => ({
        ...fresh,
        metadata: { ...fresh.metadata, labels, resourceVersion: cur.metadata.resourceVersion },
        endpoints: k.endpoints,
        ports: this.portsField(k.ports, k.endpoints),
      }));
      written.set(out.metadata.name!, out.metadata.resourceVersion!);
    }
    for (const c of plan.create) {
      const out = await this.store.create(namespace, {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { generateName: `${name}-`, namespace, labels, ownerReferences: [controllerRefFor(svc, 'v1', 'Service')] },
        addressType: serviceView(svc).ipFamilies[0] ?? 'IPv4',
        endpoints: c.endpoints,
        ports: this.portsField(c.ports, c.endpoints),
      });
      written.set(out.metadata.name!, out.metadata.resourceVersion!);
    }
    await this.deleteAll(plan.remove, written);
    if (written.size) this.pending.set(key, { written, atMs: this.clock.now() });
  }

  /** A slice without endpoints has no ports (null), as Kubernetes' placeholder slice. */
  private portsField(ports: SlicePort[], endpoints: SliceEndpoint[]): SlicePort[] | null {
    return endpoints.length === 0 && ports.length === 0 ? null : ports;
  }

  private sliceLabels(svc: KubeObject): Record<string, string> {
    const labels: Record<string, string> = { ...(svc.metadata.labels ?? {}) };
    delete labels[headlessLabel];
    if (serviceView(svc).clusterIP === 'None') labels[headlessLabel] = '';
    labels[serviceNameLabel] = svc.metadata.name!;
    labels[managedByLabel] = controllerName;
    return labels;
  }

  private async deleteAll(slices: KubeObject[], written?: Map<string, string | null>): Promise<void> {
    for (const s of slices) {
      try {
        await this.store.delete(s.metadata.namespace, s.metadata.name!, { preconditions: { uid: s.metadata.uid } });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      written?.set(s.metadata.name!, null);
    }
  }
}
