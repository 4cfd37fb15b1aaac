import type { KubeObject } from '../../api/types.js';
import type { ResourceCatalog } from '../../apiserver/registry/catalog.js';
import { Informer } from '../../client/informer.js';
import { type ListWatch, storeListWatch } from '../../client/list-watch.js';
import { type RestClient, restListWatch } from '../../client/rest-client.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/log.js';
import { canonicalIP } from './reverse-name.js';

/** Where the DNS server reads the cluster from: in-process stores or the REST API. */
export interface ClusterSources {
  services: ListWatch;
  endpointSlices: ListWatch;
  namespaces: ListWatch;
  /** Pods fill in endpoint host names the slices lack (optional). */
  pods?: ListWatch;
}

/** Sources over this process's registry (the DNS server inside `k8ts server`). */
export function storeSources(catalog: ResourceCatalog): ClusterSources {
  return {
    services: storeListWatch(catalog.lookup('', 'v1', 'services')!),
    endpointSlices: storeListWatch(catalog.lookup('discovery.k8s.io', 'v1', 'endpointslices')!),
    namespaces: storeListWatch(catalog.lookup('', 'v1', 'namespaces')!),
    pods: storeListWatch(catalog.lookup('', 'v1', 'pods')!),
  };
}

/** Sources over the REST API (the DNS server inside an agent). */
export function restSources(client: RestClient): ClusterSources {
  return {
    services: restListWatch(client, '/api/v1/services'),
    endpointSlices: restListWatch(client, '/apis/discovery.k8s.io/v1/endpointslices'),
    namespaces: restListWatch(client, '/api/v1/namespaces'),
    pods: restListWatch(client, '/api/v1/pods'),
  };
}

export interface ServicePortView {
  name: string;
  port: number;
  protocol: string;
}

/** What DNS needs of a Service. */
export interface ServiceView {
  namespace: string;
  name: string;
  type: string;
  /** Cluster IPs; empty for headless and ExternalName services. */
  clusterIPs: string[];
  headless: boolean;
  externalName?: string;
  ports: ServicePortView[];
  publishNotReadyAddresses: boolean;
}

/** A ready address behind a Service, with the ports its slice lists. */
export interface EndpointView {
  ip: string;
  hostname?: string;
  ports: ServicePortView[];
}

const serviceNameLabel = 'kubernetes.io/service-name';

interface SliceEndpoint {
  addresses?: string[];
  hostname?: string | null;
  conditions?: { ready?: boolean | null; terminating?: boolean | null };
  targetRef?: { kind?: string; namespace?: string; name?: string } | null;
}

function sliceEndpoints(slice: KubeObject): SliceEndpoint[] {
  return Array.isArray(slice.endpoints) ? (slice.endpoints as SliceEndpoint[]) : [];
}

function isIPSlice(slice: KubeObject): boolean {
  return slice.addressType === 'IPv4' || slice.addressType === 'IPv6';
}

function sliceService(slice: KubeObject): string | undefined {
  const svc = slice.metadata.labels?.[serviceNameLabel];
  return svc ? `${slice.metadata.namespace}/${svc}` : undefined;
}

function toServiceView(obj: KubeObject): ServiceView {
  const spec = (obj.spec ?? {}) as {
    type?: string;
    clusterIP?: string;
    clusterIPs?: string[];
    externalName?: string;
    ports?: { name?: string; port?: number; protocol?: string }[];
    publishNotReadyAddresses?: boolean;
  };
  const ips = (spec.clusterIPs?.length ? spec.clusterIPs : spec.clusterIP ? [spec.clusterIP] : []).filter((ip) => ip && ip !== 'None');
  const type = spec.type ?? 'ClusterIP';
  return {
    namespace: obj.metadata.namespace!,
    name: obj.metadata.name!,
    type,
    clusterIPs: type === 'ExternalName' ? [] : ips.map(canonicalIP),
    headless: type !== 'ExternalName' && spec.clusterIP === 'None',
    externalName: type === 'ExternalName' ? spec.externalName : undefined,
    ports: (spec.ports ?? []).map((p) => ({ name: p.name ?? '', port: p.port ?? 0, protocol: p.protocol ?? 'TCP' })),
    publishNotReadyAddresses: spec.publishNotReadyAddresses === true,
  };
}

/**
 * The cluster as DNS sees it: Services, their ready endpoints (from EndpointSlices),
 * namespaces, and reverse indexes from IP to names — kept current by informers.
 *
 * @example
 * const index = new ClusterIndex(storeSources(catalog), clock, log);
 * await index.start();
 * index.service('default', 'web')?.clusterIPs; // ['10.43.12.7']
 */
export class ClusterIndex {
  private readonly services: Informer;
  private readonly slices: Informer;
  private readonly namespaces: Informer;
  private readonly pods?: Informer;
  private modified: number;
  private changes = 0;

  constructor(sources: ClusterSources, private readonly clock: Clock, log?: Logger) {
    this.services = new Informer(sources.services, log);
    this.slices = new Informer(sources.endpointSlices, log);
    this.namespaces = new Informer(sources.namespaces, log);
    this.pods = sources.pods ? new Informer(sources.pods, log) : undefined;
    this.modified = Math.floor(clock.now() / 1000);
    this.services.addIndex('ip', (s) => toServiceView(s).clusterIPs);
    this.slices.addIndex('service', (s) => [sliceService(s) ?? '']);
    this.slices.addIndex('ip', (s) => (isIPSlice(s) ? sliceEndpoints(s).flatMap((e) => (e.addresses ?? []).map(canonicalIP)) : []));
    const touch = { add: () => this.touch(), update: () => this.touch(), delete: () => this.touch() };
    for (const inf of [this.services, this.slices, this.namespaces]) inf.on(touch);
    // Pods only name endpoints: they invalidate cached answers without moving the serial.
    this.pods?.on({ add: () => this.changes++, update: () => this.changes++, delete: () => this.changes++ });
  }

  async start(): Promise<void> {
    await Promise.all([this.services.start(), this.slices.start(), this.namespaces.start(), this.pods?.start()]);
  }

  stop(): void {
    for (const inf of [this.services, this.slices, this.namespaces, this.pods]) inf?.stop();
  }

  hasSynced(): boolean {
    return this.services.hasSynced() && this.slices.hasSynced() && this.namespaces.hasSynced();
  }

  /** Unix seconds of the last change seen: the zone's SOA serial, as CoreDNS reports it. */
  get serial(): number {
    return this.modified >>> 0;
  }

  namespaceExists(namespace: string): boolean {
    return this.namespaces.get(namespace) !== undefined;
  }

  service(namespace: string, name: string): ServiceView | undefined {
    const obj = this.services.get(`${namespace}/${name}`);
    return obj ? toServiceView(obj) : undefined;
  }

  /** Services whose cluster IP is `ip` (canonical form). */
  servicesByIP(ip: string): ServiceView[] {
    return this.services.byIndex('ip', ip).map(toServiceView);
  }

  /** The ready endpoints of a Service, merged over all its IP EndpointSlices. */
  endpoints(svc: ServiceView): EndpointView[] {
    const out: EndpointView[] = [];
    for (const slice of this.slices.byIndex('service', `${svc.namespace}/${svc.name}`)) {
      if (!isIPSlice(slice)) continue;
      const ports = (Array.isArray(slice.ports) ? (slice.ports as { name?: string | null; port?: number | null; protocol?: string | null }[]) : []).map((p) => ({
        name: p.name ?? '',
        port: p.port ?? 0,
        protocol: p.protocol ?? 'TCP',
      }));
      for (const ep of sliceEndpoints(slice)) {
        // A nil ready condition means ready (EndpointSlice API contract).
        const ready = ep.conditions?.ready !== false;
        if (!ready && !svc.publishNotReadyAddresses) continue;
        const hostname = ep.hostname ?? this.podHostname(ep, svc);
        for (const ip of ep.addresses ?? []) out.push({ ip: canonicalIP(ip), hostname: hostname ?? undefined, ports });
      }
    }
    return out;
  }

  /** Endpoints (with their Service) that have address `ip`, for PTR answers. */
  endpointsByIP(ip: string): { service: ServiceView; endpoint: EndpointView }[] {
    const out: { service: ServiceView; endpoint: EndpointView }[] = [];
    for (const slice of this.slices.byIndex('ip', ip)) {
      const key = sliceService(slice);
      const svcObj = key ? this.services.get(key) : undefined;
      if (!svcObj) continue;
      const service = toServiceView(svcObj);
      for (const endpoint of this.endpoints(service)) if (endpoint.ip === ip) out.push({ service, endpoint });
    }
    return out;
  }

  /** A pod's `hostname` when its `subdomain` names this Service (for slices written without it). */
  private podHostname(ep: SliceEndpoint, svc: ServiceView): string | undefined {
    const ref = ep.targetRef;
    if (!this.pods || ref?.kind !== 'Pod' || !ref.name) return undefined;
    const pod = this.pods.get(`${ref.namespace ?? svc.namespace}/${ref.name}`);
    const spec = (pod?.spec ?? {}) as { hostname?: string; subdomain?: string };
    return spec.hostname && spec.subdomain === svc.name ? spec.hostname : undefined;
  }

  /** Bumped on every change seen: answers cached under an older value are stale. */
  get generation(): number {
    return this.changes;
  }

  private touch(): void {
    this.changes++;
    this.modified = Math.floor(this.clock.now() / 1000);
  }
}
