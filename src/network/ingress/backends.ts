import type { KubeObject } from '../../api/types.js';

/** An address to proxy to. */
export interface Endpoint {
  host: string;
  port: number;
}

/** The service a rule sends traffic to, resolved to its ready endpoints. */
export interface BackendTarget {
  /** `namespace/service:port`, for logs. */
  key: string;
  namespace: string;
  service: string;
  endpoints: Endpoint[];
}

export interface IngressServiceBackend {
  name?: string;
  port?: { name?: string; number?: number };
}

interface ServicePort {
  name?: string;
  port?: number;
  targetPort?: number | string;
  protocol?: string;
}

interface SlicePort {
  name?: string | null;
  port?: number | null;
  protocol?: string | null;
}

interface SliceEndpoint {
  addresses?: string[];
  conditions?: { ready?: boolean | null };
}

/** Looks up Services and their EndpointSlices (by `namespace/name`). */
export interface ServiceLookup {
  service(namespace: string, name: string): KubeObject | undefined;
  slices(namespace: string, name: string): KubeObject[];
}

/**
 * Resolves an Ingress service backend to endpoints: the Service port is chosen by number
 * (`port.number` = Service `port`) or by name, then the EndpointSlice port of the same name
 * gives the real target port (so named targetPorts work); a numeric targetPort is the
 * fallback. Only ready endpoints count, as with ingress-nginx. ExternalName services
 * proxy to their external name.
 *
 * @example
 * resolveBackend(lookup, 'default', { name: 'api', port: { number: 80 } }).endpoints
 * // [{ host: '10.42.0.7', port: 8080 }]
 */
export function resolveBackend(lookup: ServiceLookup, namespace: string, backend: IngressServiceBackend): BackendTarget {
  const name = backend.name ?? '';
  const portLabel = backend.port?.name ?? String(backend.port?.number ?? '');
  const target: BackendTarget = { key: `${namespace}/${name}:${portLabel}`, namespace, service: name, endpoints: [] };
  const svc = lookup.service(namespace, name);
  if (!svc) return target;
  const spec = (svc.spec ?? {}) as { type?: string; externalName?: string; ports?: ServicePort[] };
  const ports = spec.ports ?? [];
  const sp = backend.port?.name ? ports.find((p) => p.name === backend.port!.name) : ports.find((p) => p.port === backend.port?.number);
  if (spec.type === 'ExternalName') {
    const port = sp ? (typeof sp.targetPort === 'number' ? sp.targetPort : (sp.port ?? 80)) : (backend.port?.number ?? 80);
    if (spec.externalName) target.endpoints.push({ host: spec.externalName.replace(/\.$/, ''), port });
    return target;
  }
  if (!sp) return target;
  const protocol = sp.protocol ?? 'TCP';
  const seen = new Set<string>();
  for (const slice of lookup.slices(namespace, name)) {
    if (slice.addressType !== 'IPv4' && slice.addressType !== 'IPv6') continue;
    const slicePorts = Array.isArray(slice.ports) ? (slice.ports as SlicePort[]) : [];
    const match = slicePorts.find((p) => (p.name ?? '') === (sp.name ?? '') && (p.protocol ?? 'TCP') === protocol);
    const port = match?.port ?? (typeof sp.targetPort === 'number' ? sp.targetPort : sp.targetPort === undefined ? sp.port : undefined);
    if (!port) continue;
    for (const ep of (Array.isArray(slice.endpoints) ? (slice.endpoints as SliceEndpoint[]) : [])) {
      if (ep.conditions?.ready === false) continue;
      for (const ip of ep.addresses ?? []) {
        const key = `${ip}:${port}`;
        if (seen.has(key)) continue;
        seen.add(key);
        target.endpoints.push({ host: ip, port });
      }
    }
  }
  return target;
}
