import type { KubeObject } from '../../api/types.js';

const prefix = 'nginx.ingress.kubernetes.io/';

/** Per-Ingress behaviour from the ingress-nginx annotations k8ts honours. */
export interface RouteOptions {
  /** `rewrite-target`: the upstream path, with `$1`… from the path regex. */
  rewriteTarget?: string;
  /** `use-regex` (implied by rewrite-target): paths are regular expressions. */
  useRegex: boolean;
  /** `ssl-redirect` (default true): HTTP → HTTPS when the host has TLS. */
  sslRedirect: boolean;
  /** `force-ssl-redirect`: HTTP → HTTPS even without TLS on the host. */
  forceSslRedirect: boolean;
  /** `app-root`: where `/` redirects. */
  appRoot?: string;
  /** `proxy-connect-timeout` (default 5 s). */
  connectTimeoutMs: number;
  /** `proxy-read-timeout` (default 60 s): longest silence from the backend. */
  readTimeoutMs: number;
  /** `proxy-send-timeout` (default 60 s): longest silence from the client while sending. */
  sendTimeoutMs: number;
}

/** ingress-nginx's defaults. */
export const defaultRouteOptions: RouteOptions = {
  useRegex: false,
  sslRedirect: true,
  forceSslRedirect: false,
  connectTimeoutMs: 5_000,
  readTimeoutMs: 60_000,
  sendTimeoutMs: 60_000,
};

function seconds(value: string | undefined, fallbackMs: number): number {
  if (value === undefined) return fallbackMs;
  const m = /^(\d+)(s?)$/.exec(value.trim());
  return m ? Number(m[1]) * 1000 : fallbackMs;
}

function bool(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (value === 'true') return true;
  if (value === 'false') return false;
  return fallback;
}

/** Reads the annotations of an Ingress (invalid values keep the defaults, as ingress-nginx does). */
export function routeOptions(ing: KubeObject): RouteOptions {
  const a = ing.metadata.annotations ?? {};
  const get = (k: string) => a[prefix + k];
  const rewriteTarget = get('rewrite-target') || undefined;
  return {
    rewriteTarget,
    useRegex: bool(get('use-regex'), false) || rewriteTarget !== undefined,
    sslRedirect: bool(get('ssl-redirect'), true),
    forceSslRedirect: bool(get('force-ssl-redirect'), false),
    appRoot: get('app-root') || undefined,
    connectTimeoutMs: seconds(get('proxy-connect-timeout'), defaultRouteOptions.connectTimeoutMs),
    readTimeoutMs: seconds(get('proxy-read-timeout'), defaultRouteOptions.readTimeoutMs),
    sendTimeoutMs: seconds(get('proxy-send-timeout'), defaultRouteOptions.sendTimeoutMs),
  };
}

/**
 * The upstream URI after `rewrite-target`: like nginx's `rewrite`, the whole path is
 * replaced by the target with `$n` taken from the path regex's groups; the query string
 * is kept.
 *
 * @example
 * rewritePath(/^\/demo(\/|$)(.*)/i, '/$2', '/demo/users', '?page=2') // '/users?page=2'
 */
export function rewritePath(regex: RegExp | undefined, target: string, path: string, query: string): string {
  const m = regex?.exec(path);
  let out = target.replace(/\$(\d)/g, (_s, d: string) => m?.[Number(d)] ?? '');
  if (!out.startsWith('/')) out = `/${out}`;
  return out + query;
}
