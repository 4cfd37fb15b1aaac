import type { Endpoint, ServicePortModel } from './service-model.js';

/**
 * Shared load-balancing chains: most service ports need no chain of their own. A port with
 * n endpoints (1 ≤ n ≤ {@link sharedLbLimit}) sends its traffic to the shared chain `lb-n`,
 * whose single rule DNATs through one map keyed on the packet's destination and a random
 * number below n:
 *
 *   ip daddr . meta l4proto . th dport . numgen random mod n  →  endpoint ip . port
 *
 * so a port costs map elements only (one per endpoint), not chains and rules. Loading
 * elements into an existing map is far cheaper for `nft` and the kernel than creating
 * chains: a full sync of 10,000 three-endpoint Services went from 11,000 chains to none.
 * The same idea serves NodePorts (keyed on protocol and node port) and external IPs.
 *
 * @example
 * const lines = sharedLbChains(16, 'mark-for-masq'); // base table: lb-1 … lb-16 and friends
 * renderSharedPort(model, endpoints); // 3 endpoints: elements pointing at lb-3, nodeport-lb-3 …
 */
export const sharedLbLimit = 16;
// Why a fixed set, created with the base table: nft 1.0.6 cannot evaluate a new rule that
// uses these `typeof` maps once they exist in the kernel (nor re-declare them): "conflicting
// protocols specified: ip vs. th". Element changes work, and a full sync deletes the table
// in the same transaction first, so chains that use the maps are only ever created there.
// Ports with more endpoints keep a chain of their own (one numgen DNAT map).

/** Map of cluster and external IP ports to endpoints, keyed with the random slot. */
export const serviceEndpointsMap = 'service-endpoints';
/** Map of node ports to endpoints, keyed with the random slot. */
export const nodePortEndpointsMap = 'nodeport-endpoints';

/**
 * The two maps' definitions. `typeof` lets the key hold numgen's integer and the data leave
 * the protocol open (a `tcp dport` data type would make nft add a TCP-only check).
 */
export const sharedLbMaps: Record<string, string> = {
  [serviceEndpointsMap]: 'map { typeof ip daddr . meta l4proto . th dport . numgen random mod 2 : ip daddr . th dport ; }',
  [nodePortEndpointsMap]: 'map { typeof meta l4proto . th dport . numgen random mod 2 : ip daddr . th dport ; }',
};

/** Chain for cluster-IP traffic of a port with `n` endpoints. */
export const lbChain = (n: number): string => `lb-${n}`;
/** Chain for NodePort traffic (externalTrafficPolicy Cluster) of a port with `n` endpoints. */
export const nodePortLbChain = (n: number): string => `nodeport-lb-${n}`;
/** Chain for externalIP / LoadBalancer IP traffic (policy Cluster) of a port with `n` endpoints. */
export const externalLbChain = (n: number): string => `external-lb-${n}`;

/** The shared chains of the base table, name → rules. */
export function sharedLbChains(limit: number, masqChain: string): [string, string[]][] {
  const out: [string, string[]][] = [];
  for (let n = 1; n <= limit; n++) {
    const viaService = `dnat ip to ip daddr . meta l4proto . th dport . numgen random mod ${n} map @${serviceEndpointsMap}`;
    out.push([lbChain(n), [viaService]]);
    out.push([externalLbChain(n), [`jump ${masqChain}`, viaService]]);
    out.push([nodePortLbChain(n), [`jump ${masqChain}`, `dnat ip to meta l4proto . th dport . numgen random mod ${n} map @${nodePortEndpointsMap}`]]);
  }
  return out;
}

/** One element the shared path puts into a map or set (same shape as the proxy's MapElement). */
export interface SharedElement {
  map: 'service-ips' | 'service-nodeports' | typeof serviceEndpointsMap | typeof nodePortEndpointsMap;
  key: string;
  value: string;
}

/**
 * Whether a port can use the shared chains: no ClientIP affinity (which needs per-endpoint
 * chains), between 1 and {@link sharedLbLimit} endpoints, and external traffic (if any)
 * balanced over the same endpoints as internal traffic, masqueraded (policy Cluster).
 */
export function canShareLb(m: ServicePortModel, internal: Endpoint[], hasExternal: boolean): boolean {
  if (m.affinitySeconds !== undefined || internal.length === 0 || internal.length > sharedLbLimit) return false;
  return !hasExternal || (!m.externalPolicyLocal && !m.internalPolicyLocal);
}

/** The map elements that route a port through the shared chains to `endpoints`. */
export function renderSharedPort(m: ServicePortModel, endpoints: Endpoint[]): SharedElement[] {
  const n = endpoints.length;
  const proto = m.protocol;
  const out: SharedElement[] = [];
  const viaIP = (ip: string, chain: string) => {
    const key = `${ip} . ${proto} . ${m.port}`;
    out.push({ map: 'service-ips', key, value: `goto ${chain}` });
    for (let k = 0; k < n; k++) out.push({ map: serviceEndpointsMap, key: `${key} . ${k}`, value: `${endpoints[k]!.ip} . ${endpoints[k]!.port}` });
  };
  for (const ip of m.clusterIPs) viaIP(ip, lbChain(n));
  for (const ip of m.externalIPs) viaIP(ip, externalLbChain(n));
  for (const ip of m.loadBalancerIPs) viaIP(ip, externalLbChain(n));
  if (m.nodePort !== undefined) {
    const key = `${proto} . ${m.nodePort}`;
    out.push({ map: 'service-nodeports', key, value: `goto ${nodePortLbChain(n)}` });
    for (let k = 0; k < n; k++) out.push({ map: nodePortEndpointsMap, key: `${key} . ${k}`, value: `${endpoints[k]!.ip} . ${endpoints[k]!.port}` });
  }
  return out;
}
