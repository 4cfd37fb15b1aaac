import type { ClusterIndex, ServicePortView } from './cluster-index.js';
import { endpointLabel, ipFromDashes, type ClusterName } from './query-name.js';

/** One thing a cluster name resolves to (CoreDNS's msg.Service). */
export interface ClusterTarget {
  /** An IP, or a host name for ExternalName services (answered as CNAME). */
  host: string;
  /** -1 when the endpoint lists no ports: such targets give addresses but no SRV. */
  port: number;
  /** The name SRV answers point at, without the trailing dot. */
  target: string;
}

/** What a name holds: targets (maybe none: NODATA), or nothing at all (NXDOMAIN). */
export type LookupResult = { kind: 'found'; targets: ClusterTarget[] } | { kind: 'nxdomain' };

export type PodsMode = 'insecure' | 'disabled';

const found = (targets: ClusterTarget[]): LookupResult => ({ kind: 'found', targets });
const nxdomain: LookupResult = { kind: 'nxdomain' };

function eq(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** An empty query part matches anything, like CoreDNS's matchPortAndProtocol. */
function portMatches(queryPort: string | undefined, queryProto: string | undefined, p: ServicePortView): boolean {
  return (!queryPort || eq(queryPort, p.name)) && (!queryProto || eq(queryProto, p.protocol));
}

const noPorts: ServicePortView[] = [{ name: '', port: -1, protocol: '' }];

/**
 * Looks up a parsed cluster name in the index with the kubernetes plugin's rules: ClusterIP
 * services give their cluster IPs per matching port, headless services and endpoint names
 * give the ready endpoints, ExternalName gives its target, pod names their dashed IP.
 *
 * @example
 * lookupClusterName(index, { kind: 'service', namespace: 'default', service: 'web' }, 'cluster.local', 'insecure')
 */
export function lookupClusterName(index: ClusterIndex, name: ClusterName, zone: string, pods: PodsMode): LookupResult {
  if (name.kind === 'apex') return found([]);
  if (name.kind === 'invalid') return nxdomain;
  if (name.kind === 'namespace') return index.namespaceExists(name.namespace) ? found([]) : nxdomain;
  if (name.kind === 'pod') {
    if (pods === 'disabled') return nxdomain;
    const ip = ipFromDashes(name.pod);
    return ip ? found([{ host: ip, port: -1, target: `${name.pod}.${name.namespace}.pod.${zone}` }]) : nxdomain;
  }
  const svc = index.service(name.namespace, name.service);
  if (!svc) return nxdomain;
  const svcName = `${svc.name}.${svc.namespace}.svc.${zone}`;
  const endpoint = name.kind === 'endpoint' ? name.endpoint : undefined;
  const qPort = name.kind === 'port' ? name.port : undefined;
  const qProto = name.kind === 'port' ? name.protocol : undefined;
  if (svc.type === 'ExternalName') {
    if (endpoint || !svc.externalName) return nxdomain;
    return found([{ host: svc.externalName.replace(/\.$/, ''), port: 0, target: svcName }]);
  }
  const targets: ClusterTarget[] = [];
  let matched = false;
  if (svc.headless || endpoint) {
    for (const ep of index.endpoints(svc)) {
      const label = endpointLabel(ep.ip, ep.hostname);
      if (endpoint && !eq(endpoint, label)) continue;
      for (const p of ep.ports.length ? ep.ports : noPorts) {
        if (!portMatches(qPort, qProto, p)) continue;
        matched = true;
        targets.push({ host: ep.ip, port: p.port, target: `${label}.${svcName}` });
      }
    }
  } else {
    for (const p of svc.ports) {
      if (!portMatches(qPort, qProto, p)) continue;
      matched = true;
      for (const ip of svc.clusterIPs) targets.push({ host: ip, port: p.port, target: svcName });
    }
  }
  return matched ? found(targets) : nxdomain;
}

/** PTR targets for an IP: the Service owning it as cluster IP, else the endpoints with it. */
export function reverseLookup(index: ClusterIndex, ip: string, zone: string): string[] {
  const svc = index.servicesByIP(ip)[0];
  if (svc) return [`${svc.name}.${svc.namespace}.svc.${zone}`];
  return index.endpointsByIP(ip).map(({ service, endpoint }) => `${endpointLabel(endpoint.ip, endpoint.hostname)}.${service.name}.${service.namespace}.svc.${zone}`);
}
