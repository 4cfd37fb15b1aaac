import { isIP } from 'node:net';

/**
 * How a name inside the cluster zone splits into its Kubernetes parts, the way CoreDNS's
 * kubernetes plugin reads it from the right:
 *   `[_port._proto.|endpoint.]service.namespace.(svc|pod).zone`.
 */
export type ClusterName =
  /** The zone itself, `svc.zone` or `pod.zone`: exists, holds no addresses (NODATA). */
  | { kind: 'apex' }
  | { kind: 'namespace'; section: 'svc' | 'pod'; namespace: string }
  | { kind: 'service'; namespace: string; service: string }
  | { kind: 'endpoint'; namespace: string; service: string; endpoint: string }
  | { kind: 'port'; namespace: string; service: string; port: string; protocol: string }
  | { kind: 'pod'; namespace: string; pod: string }
  /** Not a name the zone can hold (answered NXDOMAIN). */
  | { kind: 'invalid' };

/** Lower-cased, without the trailing dot. */
export function normalizeName(name: string): string {
  return name.replace(/\.$/, '').toLowerCase();
}

/** True when `name` is `zone` or below it (both normalized). */
export function inZone(name: string, zone: string): boolean {
  return name === zone || name.endsWith(`.${zone}`);
}

function stripUnderscore(label: string): string {
  return label.startsWith('_') ? label.slice(1) : label;
}

/**
 * Parses a normalized name inside `zone` (also normalized).
 *
 * @example
 * parseClusterName('_http._tcp.web.default.svc.cluster.local', 'cluster.local')
 * // → { kind: 'port', namespace: 'default', service: 'web', port: 'http', protocol: 'tcp' }
 */
export function parseClusterName(name: string, zone: string): ClusterName {
  const base = name === zone ? '' : name.slice(0, -(zone.length + 1));
  if (base === '' || base === 'svc' || base === 'pod') return { kind: 'apex' };
  const segs = base.split('.');
  const section = segs.pop()!;
  if (section !== 'svc' && section !== 'pod') return { kind: 'invalid' };
  const namespace = segs.pop()!;
  if (segs.length === 0) return { kind: 'namespace', section, namespace };
  const service = segs.pop()!;
  if (section === 'pod') return segs.length === 0 ? { kind: 'pod', namespace, pod: service } : { kind: 'invalid' };
  if (segs.length === 0) return { kind: 'service', namespace, service };
  if (segs.length === 1) return { kind: 'endpoint', namespace, service, endpoint: segs[0]! };
  if (segs.length === 2) return { kind: 'port', namespace, service, port: stripUnderscore(segs[0]!), protocol: stripUnderscore(segs[1]!) };
  return { kind: 'invalid' };
}

/**
 * The IP a `pod` label spells with dashes: `10-42-0-5` → `10.42.0.5`, `fd00--1` → `fd00::1`.
 * Returns undefined when it is not an IP.
 */
export function ipFromDashes(label: string): string | undefined {
  const ip = (label.split('-').length === 4 && !label.includes('--')) ? label.replaceAll('-', '.') : label.replaceAll('-', ':');
  return isIP(ip) ? ip : undefined;
}

/** An endpoint's DNS label: its hostname, else its IP with dashes (as CoreDNS names them). */
export function endpointLabel(ip: string, hostname?: string | null): string {
  if (hostname) return hostname;
  return ip.includes(':') ? ip.replaceAll(':', '-') : ip.replaceAll('.', '-');
}
