import type { KubeObject } from '../../api/types.js';
import { ApiError } from '../../apiserver/errors.js';
import type { ResourceCatalog } from '../../apiserver/registry/catalog.js';
import { Ipv4Range } from '../../apiserver/allocators/ipv4-range.js';
import type { Logger } from '../../util/log.js';

export const kubeDnsName = 'kube-dns';
export const kubeDnsNamespace = 'kube-system';
export const dnsMetricsPort = 9153;

/** `--cluster-dns`, else the 10th address of the service range (10.43.0.10 by default). */
export function clusterDnsIP(serviceCidr: string, clusterDns?: string): string {
  return clusterDns || Ipv4Range.parse(serviceCidr).nth(10);
}

export interface KubeDnsTarget {
  /** The kube-dns ClusterIP. */
  serviceIP: string;
  /** Where the DNS server really listens: the Service's endpoints. */
  nodeIP: string;
  dnsPort: number;
  /** Where `/metrics` listens (default 9153). */
  metricsPort?: number;
  nodeName?: string;
}

async function upsert(catalog: ResourceCatalog, group: string, plural: string, obj: KubeObject, merge: (cur: KubeObject) => KubeObject): Promise<void> {
  const store = catalog.lookup(group, 'v1', plural)!;
  const { namespace, name } = obj.metadata;
  try {
    await store.update(namespace, name!, (cur) => merge(cur));
  } catch (err) {
    if (!(err instanceof ApiError && err.code === 404)) throw err;
    try {
      await store.create(namespace, obj);
    } catch (e) {
      if (!(e instanceof ApiError && e.code === 409)) throw e;
      await store.update(namespace, name!, (cur) => merge(cur));
    }
  }
}

const labels = { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' };

/**
 * Creates or refreshes the `kube-dns` Service in kube-system (ClusterIP `serviceIP`, ports
 * dns/UDP, dns-tcp/TCP and metrics, like k3s's CoreDNS manifest) and, since no pods back
 * it, its Endpoints and EndpointSlice pointing at the node where DNS listens.
 */
export async function ensureKubeDnsService(catalog: ResourceCatalog, t: KubeDnsTarget, log?: Logger): Promise<void> {
  const ports = [
    { name: 'dns', port: 53, protocol: 'UDP', targetPort: t.dnsPort },
    { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: t.dnsPort },
    { name: 'metrics', port: dnsMetricsPort, protocol: 'TCP', targetPort: t.metricsPort ?? dnsMetricsPort },
  ];
  const meta = { name: kubeDnsName, namespace: kubeDnsNamespace };
  const service: KubeObject = {
    metadata: { ...meta, labels, annotations: { 'prometheus.io/port': String(dnsMetricsPort), 'prometheus.io/scrape': 'true' } },
    spec: { type: 'ClusterIP', clusterIP: t.serviceIP, clusterIPs: [t.serviceIP], ports, sessionAffinity: 'None' },
  };
  await upsert(catalog, '', 'services', service, (cur) => {
    const clusterIP = (cur.spec as { clusterIP?: string } | undefined)?.clusterIP;
    if (clusterIP !== t.serviceIP) log?.warn({ clusterIP, want: t.serviceIP }, 'kube-dns Service has another cluster IP; keeping it');
    return { ...cur, spec: { ...(cur.spec as object), ports } };
  });
  const epPorts = ports.map((p) => ({ name: p.name, port: p.targetPort, protocol: p.protocol }));
  const endpoints: KubeObject = {
    metadata: { ...meta, labels: { ...labels, 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
    subsets: [{ addresses: [{ ip: t.nodeIP, ...(t.nodeName ? { nodeName: t.nodeName } : {}) }], ports: epPorts }],
  };
  await upsert(catalog, '', 'endpoints', endpoints, (cur) => ({ ...cur, subsets: endpoints.subsets }));
  const slice: KubeObject = {
    metadata: { ...meta, labels: { ...labels, 'kubernetes.io/service-name': kubeDnsName, 'endpointslice.kubernetes.io/managed-by': 'cluster-dns.k8ts.io' } },
    addressType: t.nodeIP.includes(':') ? 'IPv6' : 'IPv4',
    endpoints: [{ addresses: [t.nodeIP], conditions: { ready: true, serving: true, terminating: false }, ...(t.nodeName ? { nodeName: t.nodeName } : {}) }],
    ports: epPorts,
  };
  await upsert(catalog, 'discovery.k8s.io', 'endpointslices', slice, (cur) => ({ ...cur, endpoints: slice.endpoints, ports: slice.ports }));
}
