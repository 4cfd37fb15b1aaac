import type { KubeObject } from '../../api/types.js';
import { type RouteOptions, routeOptions } from './annotations.js';
import { type BackendTarget, type IngressServiceBackend, resolveBackend, type ServiceLookup } from './backends.js';
import { wildcardOf } from './host-match.js';
import { comparePaths, compilePath, matchPath, type PathMatcher } from './path-match.js';

/** One path of one Ingress rule, ready to serve. */
export interface Route {
  matcher: PathMatcher;
  backend: BackendTarget;
  options: RouteOptions;
  /** `namespace/name` of the Ingress. */
  ingress: string;
}

/** The rules of one host (or of every unknown host: the catch-all). */
export interface VirtualHost {
  host: string;
  /** In precedence order: Exact, then longest path. */
  routes: Route[];
  /** The Ingress `defaultBackend` for requests of this host that match no path. */
  fallback?: Route;
  /** `namespace/name` of the TLS Secret for this host, when TLS is configured. */
  tlsSecret?: string;
}

/** Everything the proxy serves, rebuilt whenever Ingresses, Services, slices or Secrets change. */
export interface RouteTable {
  hosts: Map<string, VirtualHost>;
  /** `*.example.com` patterns. */
  wildcards: Map<string, VirtualHost>;
  catchAll: VirtualHost;
}

interface IngressRule {
  host?: string;
  http?: { paths?: { path?: string; pathType?: string; backend?: { service?: IngressServiceBackend } }[] } | null;
}

interface IngressSpec {
  defaultBackend?: { service?: IngressServiceBackend } | null;
  tls?: { hosts?: string[]; secretName?: string }[];
  rules?: IngressRule[] | null;
}

function byAge(a: KubeObject, b: KubeObject): number {
  const ta = a.metadata.creationTimestamp ?? '';
  const tb = b.metadata.creationTimestamp ?? '';
  if (ta !== tb) return ta < tb ? -1 : 1;
  const ka = `${a.metadata.namespace}/${a.metadata.name}`;
  const kb = `${b.metadata.namespace}/${b.metadata.name}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/**
 * Builds the routing table from the Ingresses this controller owns. Rules of the same host
 * across Ingresses merge (the oldest Ingress wins a duplicate path); rules without a host go
 * to the catch-all; the oldest `defaultBackend` serves unmatched hosts, and each Ingress's
 * own `defaultBackend` serves unmatched paths of its hosts. TLS hosts map to their Secret.
 *
 * @example
 * const table = buildRouteTable(ownedIngresses, lookup);
 * findRoute(table, 'my.domain', '/demo/x')?.backend.endpoints;
 */
export function buildRouteTable(ingresses: KubeObject[], lookup: ServiceLookup): RouteTable {
  const hosts = new Map<string, VirtualHost>();
  const wildcards = new Map<string, VirtualHost>();
  const catchAll: VirtualHost = { host: '', routes: [] };
  const vhost = (host: string): VirtualHost => {
    if (!host) return catchAll;
    const map = host.startsWith('*.') ? wildcards : hosts;
    let vh = map.get(host);
    if (!vh) map.set(host, (vh = { host, routes: [] }));
    return vh;
  };
  for (const ing of [...ingresses].sort(byAge)) {
    const ns = ing.metadata.namespace ?? 'default';
    const key = `${ns}/${ing.metadata.name}`;
    const spec = (ing.spec ?? {}) as IngressSpec;
    const options = routeOptions(ing);
    const route = (matcher: PathMatcher, backend: IngressServiceBackend | undefined): Route => ({
      matcher,
      backend: resolveBackend(lookup, ns, backend ?? {}),
      options,
      ingress: key,
    });
    const fallback = spec.defaultBackend?.service ? route(compilePath('/', 'Prefix', false), spec.defaultBackend.service) : undefined;
    if (fallback && !catchAll.fallback) catchAll.fallback = fallback;
    const ruleHosts = new Set<string>();
    for (const rule of spec.rules ?? []) {
      const host = (rule.host ?? '').toLowerCase();
      ruleHosts.add(host);
      const vh = vhost(host);
      if (fallback && !vh.fallback) vh.fallback = fallback;
      for (const p of rule.http?.paths ?? []) {
        const matcher = compilePath(p.path, p.pathType, options.useRegex);
        if (vh.routes.some((r) => r.matcher.kind === matcher.kind && r.matcher.path === matcher.path)) continue;
        vh.routes.push(route(matcher, p.backend?.service));
      }
    }
    for (const tls of spec.tls ?? []) {
      if (!tls.secretName) continue;
      const tlsHosts = tls.hosts?.length ? tls.hosts : [...ruleHosts].filter(Boolean);
      for (const h of tlsHosts) {
        const vh = vhost(h.toLowerCase());
        vh.tlsSecret ??= `${ns}/${tls.secretName}`;
      }
    }
  }
  for (const vh of [catchAll, ...hosts.values(), ...wildcards.values()]) vh.routes.sort((a, b) => comparePaths(a.matcher, b.matcher));
  return { hosts, wildcards, catchAll };
}

/** The virtual host serving `host` (normalized): exact, then wildcard, then the catch-all. */
export function findVirtualHost(table: RouteTable, host: string): VirtualHost {
  const exact = table.hosts.get(host);
  if (exact) return exact;
  const w = wildcardOf(host);
  return (w && table.wildcards.get(w)) || table.catchAll;
}

/** The route for a request, or undefined (a 404). */
export function findRoute(table: RouteTable, host: string, path: string): { vhost: VirtualHost; route?: Route } {
  const vhost = findVirtualHost(table, host);
  for (const r of vhost.routes) if (matchPath(r.matcher, path)) return { vhost, route: r };
  return { vhost, route: vhost.fallback };
}
