import type { KubeObject } from '../../api/types.js';

interface ServiceLike {
  metadata: { name?: string; namespace?: string };
  spec?: { clusterIP?: string; ports?: { name?: string; port: number; protocol?: string }[] };
}

function envName(name: string): string {
  return name.toUpperCase().replace(/-/g, '_');
}

/**
 * The Docker-link style variables Kubernetes gives containers for a Service:
 * `WEB_SERVICE_HOST`, `WEB_SERVICE_PORT`, `WEB_SERVICE_PORT_<NAME>`, `WEB_PORT`,
 * `WEB_PORT_80_TCP`, `…_PROTO`, `…_PORT`, `…_ADDR`. Services without a cluster IP get none.
 *
 * @example
 * serviceEnv({ metadata: { name: 'kubernetes' }, spec: { clusterIP: '10.43.0.1', ports: [{ name: 'https', port: 443 }] } });
 * // [['KUBERNETES_SERVICE_HOST', '10.43.0.1'], ['KUBERNETES_SERVICE_PORT', '443'], ['KUBERNETES_SERVICE_PORT_HTTPS', '443'], ['KUBERNETES_PORT', 'tcp://10.43.0.1:443'], …]
 */
export function serviceEnv(svc: ServiceLike): [string, string][] {
  const ip = svc.spec?.clusterIP;
  const ports = svc.spec?.ports ?? [];
  if (!ip || ip === 'None' || ports.length === 0) return [];
  const name = envName(svc.metadata.name ?? '');
  const out: [string, string][] = [
    [`${name}_SERVICE_HOST`, ip],
    [`${name}_SERVICE_PORT`, String(ports[0]!.port)],
  ];
  for (const p of ports) if (p.name) out.push([`${name}_SERVICE_PORT_${envName(p.name)}`, String(p.port)]);
  // host:port as Go's net.JoinHostPort writes it (IPv6 in brackets).
  const host = ip.includes(':') ? `[${ip}]` : ip;
  const url = (p: (typeof ports)[number]) => `${(p.protocol ?? 'TCP').toLowerCase()}://${host}:${p.port}`;
  out.push([`${name}_PORT`, url(ports[0]!)]);
  for (const p of ports) {
    const proto = (p.protocol ?? 'TCP').toUpperCase();
    const prefix = `${name}_PORT_${p.port}_${proto}`;
    out.push([prefix, url(p)], [`${prefix}_PROTO`, proto.toLowerCase()], [`${prefix}_PORT`, String(p.port)], [`${prefix}_ADDR`, ip]);
  }
  return out;
}

/**
 * All service variables for a pod: those of the services in its namespace when
 * `enableServiceLinks` is on, plus the `kubernetes` service of `default` always (a service
 * of that name in the pod's own namespace takes its place, as in the kubelet).
 *
 * @example
 * podServiceEnv(pod, informer.list()); // [['KUBERNETES_SERVICE_HOST', '10.43.0.1'], …]
 */
export function podServiceEnv(pod: KubeObject, services: ServiceLike[]): [string, string][] {
  const ns = pod.metadata.namespace;
  const links = (pod.spec as { enableServiceLinks?: boolean } | undefined)?.enableServiceLinks !== false;
  const chosen = new Map<string, ServiceLike>();
  for (const s of services) {
    if (!s.spec?.clusterIP || s.spec.clusterIP === 'None') continue;
    if (links && s.metadata.namespace === ns) chosen.set(s.metadata.name!, s);
  }
  const master = services.find((s) => s.metadata.namespace === 'default' && s.metadata.name === 'kubernetes');
  if (master && !chosen.has('kubernetes')) chosen.set('kubernetes', master);
  return [...chosen.values()].flatMap(serviceEnv);
}
