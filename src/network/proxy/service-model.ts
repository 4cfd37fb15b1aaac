import { isIPv4 } from 'node:net';
import type { KubeObject } from '../../api/types.js';

export type Protocol = 'tcp' | 'udp' | 'sctp';

/** One backend of a service port, from an EndpointSlice. */
export interface Endpoint {
  ip: string;
  port: number;
  nodeName?: string;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
}

/** Everything the proxy needs to route one port of one Service. */
export interface ServicePortModel {
  /** `<namespace>/<name>/<protocol>/<port name or number>`: names the port's nft objects. */
  key: string;
  /** `<namespace>/<name>`: the Service it belongs to. */
  serviceKey: string;
  protocol: Protocol;
  port: number;
  clusterIPs: string[];
  nodePort?: number;
  /** spec.externalIPs and status.loadBalancer.ingress[].ip: reached from outside, subject to externalTrafficPolicy. */
  externalIPs: string[];
  loadBalancerIPs: string[];
  externalPolicyLocal: boolean;
  internalPolicyLocal: boolean;
  /** ClientIP affinity timeout in seconds, when sessionAffinity is ClientIP. */
  affinitySeconds?: number;
  endpoints: Endpoint[];
}

interface ServicePortSpec {
  name?: string;
  protocol?: string;
  port: number;
  nodePort?: number;
}

interface ServiceSpec {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  ports?: ServicePortSpec[];
  externalIPs?: string[];
  externalTrafficPolicy?: string;
  internalTrafficPolicy?: string;
  sessionAffinity?: string;
  sessionAffinityConfig?: { clientIP?: { timeoutSeconds?: number } };
}

interface SliceEndpoint {
  addresses?: string[];
  conditions?: { ready?: boolean | null; serving?: boolean | null; terminating?: boolean | null };
  nodeName?: string;
}

interface SliceShape {
  addressType?: string;
  endpoints?: SliceEndpoint[] | null;
  ports?: { name?: string | null; protocol?: string | null; port?: number | null }[] | null;
}

/** The label an EndpointSlice names its Service with. */
export const serviceNameLabel = 'kubernetes.io/service-name';

/** The Service an EndpointSlice belongs to (`namespace/name`), if it names one. */
export function sliceServiceKey(slice: KubeObject): string | undefined {
  const name = slice.metadata.labels?.[serviceNameLabel];
  return name ? `${slice.metadata.namespace}/${name}` : undefined;
}

/** The endpoints EndpointSlices give one service port (matched by port name and protocol), deduplicated. */
export function endpointsFor(slices: KubeObject[], portName: string, protocol: string): Endpoint[] {
  const seen = new Map<string, Endpoint>();
  for (const obj of slices) {
    const slice = obj as unknown as SliceShape;
    if (slice.addressType !== 'IPv4') continue;
    const port = (slice.ports ?? []).find((p) => (p.name ?? '') === portName && (p.protocol ?? 'TCP') === protocol);
    if (!port?.port) continue;
    for (const ep of slice.endpoints ?? []) {
      const ip = ep.addresses?.[0];
      if (!ip || !isIPv4(ip)) continue;
      const c = ep.conditions ?? {};
      // Kubernetes reads a missing condition as ready=true, serving=ready, terminating=false.
      const ready = c.ready ?? true;
      const e: Endpoint = { ip, port: port.port, ready, serving: c.serving ?? ready, terminating: c.terminating ?? false, ...(ep.nodeName ? { nodeName: ep.nodeName } : {}) };
      const k = `${ip}:${port.port}`;
      if (!seen.has(k) || (e.ready && !seen.get(k)!.ready)) seen.set(k, e);
    }
  }
  return [...seen.values()].sort((a, b) => (a.ip === b.ip ? a.port - b.port : a.ip < b.ip ? -1 : 1));
}

/**
 * The proxy's view of a Service: one model per port. ExternalName and headless Services
 * have nothing to proxy (DNS serves them).
 */
export function servicePorts(svc: KubeObject, slices: KubeObject[]): ServicePortModel[] {
  const spec = (svc.spec ?? {}) as ServiceSpec;
  if (spec.type === 'ExternalName') return [];
  const clusterIPs = (spec.clusterIPs?.length ? spec.clusterIPs : spec.clusterIP ? [spec.clusterIP] : []).filter((ip) => isIPv4(ip));
  if (clusterIPs.length === 0) return [];
  const ns = svc.metadata.namespace!;
  const name = svc.metadata.name!;
  const external = spec.type === 'NodePort' || spec.type === 'LoadBalancer';
  const lbIPs = spec.type === 'LoadBalancer'
    ? ((svc.status as { loadBalancer?: { ingress?: { ip?: string }[] } } | undefined)?.loadBalancer?.ingress ?? []).map((i) => i.ip).filter((ip): ip is string => !!ip && isIPv4(ip))
    : [];
  const affinity = spec.sessionAffinity === 'ClientIP' ? (spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? 10800) : undefined;
  return (spec.ports ?? []).map((p) => {
    const protocol = (p.protocol ?? 'TCP').toLowerCase() as Protocol;
    const portName = p.name ?? '';
    return {
      key: `${ns}/${name}/${protocol}/${portName || p.port}`,
      serviceKey: `${ns}/${name}`,
      protocol,
      port: p.port,
      clusterIPs,
      ...(external && p.nodePort ? { nodePort: p.nodePort } : {}),
      externalIPs: (spec.externalIPs ?? []).filter((ip) => isIPv4(ip)),
      loadBalancerIPs: lbIPs,
      externalPolicyLocal: external || (spec.externalIPs?.length ?? 0) > 0 ? spec.externalTrafficPolicy === 'Local' : false,
      internalPolicyLocal: spec.internalTrafficPolicy === 'Local',
      ...(affinity !== undefined ? { affinitySeconds: affinity } : {}),
      endpoints: endpointsFor(slices, portName, protocol.toUpperCase()),
    };
  });
}

/**
 * The endpoints traffic may go to (kube-proxy's categorisation): the ready ones, or when
 * none is ready, those still serving while terminating, so a rolling update drains softly.
 */
export function usableEndpoints(endpoints: Endpoint[]): Endpoint[] {
  const ready = endpoints.filter((e) => e.ready);
  return ready.length > 0 ? ready : endpoints.filter((e) => e.serving && e.terminating);
}
