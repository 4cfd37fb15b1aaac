import type { KubeObject } from '../../api/types.js';

export interface EndpointAddress {
  ip: string;
  hostname?: string;
  nodeName?: string;
  targetRef?: { kind: string; namespace?: string; name: string; uid?: string };
}

export interface EndpointPort {
  name?: string;
  port: number;
  protocol?: string;
  appProtocol?: string;
}

export interface EndpointSubset {
  addresses?: EndpointAddress[];
  notReadyAddresses?: EndpointAddress[];
  ports?: EndpointPort[];
}

/** One address of one pod, ready or not, offering some ports (none for a port-less headless Service). */
export interface PodEndpoint {
  address: EndpointAddress;
  ready: boolean;
  ports: EndpointPort[];
}

const addressKey = (a: EndpointAddress) => `${a.ip}/${a.targetRef?.uid ?? ''}`;
const portKey = (p: EndpointPort) => `${p.name ?? ''}/${p.port}/${p.protocol ?? ''}/${p.appProtocol ?? ''}`;

function compareAddresses(a: EndpointAddress, b: EndpointAddress): number {
  if (a.ip !== b.ip) return a.ip < b.ip ? -1 : 1;
  const ua = a.targetRef?.uid ?? '';
  const ub = b.targetRef?.uid ?? '';
  return ua < ub ? -1 : ua > ub ? 1 : 0;
}

function comparePorts(a: EndpointPort, b: EndpointPort): number {
  const ka = `${a.name ?? ''}\u0000${String(a.port).padStart(5, '0')}\u0000${a.protocol ?? ''}`;
  const kb = `${b.name ?? ''}\u0000${String(b.port).padStart(5, '0')}\u0000${b.protocol ?? ''}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/**
 * RepackSubsets: addresses that offer the same set of ports share one subset; an address is
 * ready if any of its entries is. Subsets, addresses and ports come out in a stable order, so
 * an unchanged set of pods always gives byte-identical Endpoints.
 */
export function repackSubsets(entries: PodEndpoint[]): EndpointSubset[] {
  const addrs = new Map<string, { address: EndpointAddress; ready: boolean; ports: Map<string, EndpointPort> }>();
  for (const e of entries) {
    const k = addressKey(e.address);
    const cur = addrs.get(k) ?? { address: e.address, ready: false, ports: new Map() };
    cur.ready ||= e.ready;
    for (const p of e.ports) cur.ports.set(portKey(p), p);
    addrs.set(k, cur);
  }
  const groups = new Map<string, EndpointSubset & { ports: EndpointPort[] }>();
  for (const a of addrs.values()) {
    const ports = [...a.ports.values()].sort(comparePorts);
    const k = ports.map(portKey).join('|');
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { ports }));
    if (a.ready) (g.addresses ??= []).push(a.address);
    else (g.notReadyAddresses ??= []).push(a.address);
  }
  const subsets = [...groups.values()].map((g) => {
    const s: EndpointSubset = {};
    if (g.addresses) s.addresses = g.addresses.sort(compareAddresses);
    if (g.notReadyAddresses) s.notReadyAddresses = g.notReadyAddresses.sort(compareAddresses);
    if (g.ports.length) s.ports = g.ports;
    return s;
  });
  const first = (s: EndpointSubset) => (s.addresses ?? s.notReadyAddresses ?? [])[0]?.ip ?? '';
  return subsets.sort((a, b) => (first(a) < first(b) ? -1 : first(a) > first(b) ? 1 : 0));
}

/** Endpoints hold at most this many addresses; more are cut and the object says so. */
export const maxEndpointAddresses = 1000;

/** truncateEndpoints: keeps 1000 addresses, ready ones first, shared out across subsets. */
export function truncateSubsets(subsets: EndpointSubset[]): boolean {
  const total = subsets.reduce((n, s) => n + (s.addresses?.length ?? 0) + (s.notReadyAddresses?.length ?? 0), 0);
  if (total <= maxEndpointAddresses) return false;
  let budget = maxEndpointAddresses;
  for (const key of ['addresses', 'notReadyAddresses'] as const) {
    for (const s of subsets) {
      const list = s[key];
      if (!list) continue;
      s[key] = list.slice(0, Math.max(0, budget));
      budget -= s[key]!.length;
      if (s[key]!.length === 0) delete s[key];
    }
  }
  return true;
}

/** The address of a pod as Endpoints carry it. */
export function podAddress(pod: KubeObject, ip: string, hostname?: string): EndpointAddress {
  const a: EndpointAddress = { ip };
  if (hostname) a.hostname = hostname;
  const node = (pod.spec as { nodeName?: string } | undefined)?.nodeName;
  if (node) a.nodeName = node;
  a.targetRef = { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name!, uid: pod.metadata.uid };
  return a;
}
