import { affinitySet, endpointChain, externalChain, serviceChain } from './nft-names.js';
import { type Endpoint, type ServicePortModel, usableEndpoints } from './service-model.js';
import { canShareLb, type nodePortEndpointsMap, renderSharedPort, type serviceEndpointsMap } from './shared-lb.js';

/** The shared maps and sets a service port puts elements into. */
export type ProxyMap =
  | 'service-ips'
  | 'service-nodeports'
  | 'no-endpoint-services'
  | 'no-endpoint-nodeports'
  | 'cluster-ips'
  | 'hairpin'
  | typeof serviceEndpointsMap
  | typeof nodePortEndpointsMap;

/** One element of a shared map or set (`value` is a verdict for maps). */
export interface MapElement {
  map: ProxyMap;
  key: string;
  value?: string;
}

/**
 * The nft objects of one service port: its own chains and affinity sets, and its elements
 * in the shared maps. Two renders of an unchanged port are equal, which is what lets a sync
 * touch only the ports that changed.
 */
export interface PortRules {
  chains: Map<string, string[]>;
  /** Affinity sets: name → timeout in seconds. */
  sets: Map<string, number>;
  elements: MapElement[];
  /**
   * Endpoint addresses that may receive their own traffic back (hairpin masquerade). Only
   * endpoints on this node can: a pod's packets are DNATed on its own node.
   */
  hairpinIPs: string[];
}

export interface RenderContext {
  nodeName: string;
  clusterCIDR?: string;
}

/** Above this many endpoints one numgen map replaces the rule cascade. */
const cascadeLimit = 16;

function dnat(protocol: string, e: Endpoint): string {
  return `meta l4proto ${protocol} dnat to ${e.ip}:${e.port}`;
}

/**
 * Rules that pick one of `targets` uniformly at random: a cascade `numgen random mod (n-k)
 * == 0` for small sets (cheap to load: no anonymous set per service, which the kernel names
 * in quadratic time), one numgen map for large ones.
 */
function balance(m: ServicePortModel, endpoints: Endpoint[], affinity: boolean): string[] {
  const n = endpoints.length;
  if (n === 0) return ['drop'];
  const target = (e: Endpoint) => (affinity ? `goto ${endpointChain(m.key, e.ip, e.port)}` : dnat(m.protocol, e));
  const out: string[] = [];
  if (affinity) for (const e of endpoints) out.push(`ip saddr @${affinitySet(m.key, e.ip, e.port)} goto ${endpointChain(m.key, e.ip, e.port)}`);
  if (n <= cascadeLimit) {
    endpoints.forEach((e, k) => out.push(k < n - 1 ? `numgen random mod ${n - k} == 0 ${target(e)}` : target(e)));
  } else if (affinity) {
    out.push(`numgen random mod ${n} vmap { ${endpoints.map((e, k) => `${k} : goto ${endpointChain(m.key, e.ip, e.port)}`).join(', ')} }`);
  } else {
    out.push(`meta l4proto ${m.protocol} dnat ip to numgen random mod ${n} map { ${endpoints.map((e, k) => `${k} : ${e.ip} . ${e.port}`).join(', ')} }`);
  }
  return out;
}

function sameEndpoints(a: Endpoint[], b: Endpoint[]): boolean {
  return a.length === b.length && a.every((e, i) => e.ip === b[i]!.ip && e.port === b[i]!.port);
}

/**
 * Renders one service port (kube-proxy's nftables design, adapted). Common ports (no
 * affinity, at most 16 endpoints, external policy Cluster) only add map elements that lead
 * to the shared `lb-n` chains (see shared-lb.ts). Others get their own chains: cluster IPs → `svc-…`
 * chain; NodePort, externalIPs and LoadBalancer IPs → `ext-…` chain, which masquerades for
 * externalTrafficPolicy Cluster and keeps client addresses for Local; no endpoints at all →
 * reject; endpoints but none usable under a Local policy → drop.
 */
export function renderPort(m: ServicePortModel, ctx: RenderContext): PortRules {
  const rules: PortRules = { chains: new Map(), sets: new Map(), elements: [], hairpinIPs: [] };
  const all = usableEndpoints(m.endpoints);
  const local = m.internalPolicyLocal || m.externalPolicyLocal ? usableEndpoints(m.endpoints.filter((e) => e.nodeName === ctx.nodeName)) : [];
  const internal = m.internalPolicyLocal ? local : all;
  const affinity = m.affinitySeconds !== undefined;
  const proto = m.protocol;
  const externalDests = [...m.externalIPs, ...m.loadBalancerIPs];
  const hasExternal = externalDests.length > 0 || m.nodePort !== undefined;

  for (const ip of m.clusterIPs) rules.elements.push({ map: 'cluster-ips', key: ip });
  if (all.length === 0) {
    // Nothing can answer: refuse at once, as kube-proxy does, instead of timing out.
    for (const ip of [...m.clusterIPs, ...externalDests]) rules.elements.push({ map: 'no-endpoint-services', key: `${ip} . ${proto} . ${m.port}`, value: 'goto reject-chain' });
    if (m.nodePort !== undefined) rules.elements.push({ map: 'no-endpoint-nodeports', key: `${proto} . ${m.nodePort}`, value: 'goto reject-chain' });
    return rules;
  }

  if (canShareLb(m, internal, hasExternal)) {
    rules.elements.push(...renderSharedPort(m, internal));
    rules.hairpinIPs = hairpinIPs(internal, ctx);
    return rules;
  }

  const used = new Map<string, Endpoint>();
  for (const e of internal) used.set(`${e.ip}:${e.port}`, e);

  const svc = serviceChain(m.key);
  rules.chains.set(svc, balance(m, internal, affinity));
  for (const ip of m.clusterIPs) rules.elements.push({ map: 'service-ips', key: `${ip} . ${proto} . ${m.port}`, value: `goto ${svc}` });

  if (hasExternal) {
    const ext = externalChain(m.key);
    const chain: string[] = [];
    if (m.externalPolicyLocal) {
      // Pods and the node itself still reach every endpoint; others only local ones, unmasqueraded.
      if (ctx.clusterCIDR) chain.push(`ip saddr ${ctx.clusterCIDR} goto ${svc}`);
      chain.push('fib saddr type local jump mark-for-masq', `fib saddr type local goto ${svc}`);
      chain.push(...balance(m, local, affinity));
      for (const e of local) used.set(`${e.ip}:${e.port}`, e);
    } else {
      chain.push('jump mark-for-masq');
      if (sameEndpoints(internal, all)) chain.push(`goto ${svc}`);
      else {
        chain.push(...balance(m, all, affinity));
        for (const e of all) used.set(`${e.ip}:${e.port}`, e);
      }
    }
    rules.chains.set(ext, chain);
    for (const ip of externalDests) rules.elements.push({ map: 'service-ips', key: `${ip} . ${proto} . ${m.port}`, value: `goto ${ext}` });
    if (m.nodePort !== undefined) rules.elements.push({ map: 'service-nodeports', key: `${proto} . ${m.nodePort}`, value: `goto ${ext}` });
  }

  for (const e of affinity ? used.values() : []) {
    const set = affinitySet(m.key, e.ip, e.port);
    rules.sets.set(set, m.affinitySeconds!);
    rules.chains.set(endpointChain(m.key, e.ip, e.port), [`update @${set} { ip saddr }`, dnat(proto, e)]);
  }
  rules.hairpinIPs = hairpinIPs(used.values(), ctx);
  return rules;
}

/** Addresses of the used endpoints on this node (or of unknown node), sorted, once each. */
function hairpinIPs(used: Iterable<Endpoint>, ctx: RenderContext): string[] {
  const ips = new Set<string>();
  for (const e of used) if (!e.nodeName || e.nodeName === ctx.nodeName) ips.add(e.ip);
  return ips.size > 1 ? [...ips].sort() : [...ips];
}
