import type { KubeObject } from '../../api/types.js';

/** The parts of a resolv.conf that pods inherit (kubelet reads only these three). */
export interface ResolverConfig {
  nameservers: string[];
  searches: string[];
  options: string[];
}

/** The kubelet's limits: glibc reads three nameservers; search lists are capped. */
export const maxNameservers = 3;
export const maxSearchPaths = 32;
export const maxSearchChars = 2048;

/**
 * Parses resolv.conf text like the kubelet: `nameserver` lines add up, the last `search`
 * line wins (a lone `.` is dropped, trailing dots are trimmed), `options` add up.
 *
 * @example
 * parseResolvConf('nameserver 192.0.2.53\nsearch example.com\n').nameservers // ['192.0.2.53']
 */
export function parseResolvConf(text: string): ResolverConfig {
  const out: ResolverConfig = { nameservers: [], searches: [], options: [] };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const fields = line.split(/\s+/).filter(Boolean);
    const [key, ...rest] = fields;
    if (key === 'nameserver' && rest[0]) out.nameservers.push(rest[0]);
    else if (key === 'search') out.searches = rest.filter((s) => s !== '.').map((s) => s.replace(/\.$/, ''));
    else if (key === 'options') out.options.push(...rest);
  }
  return out;
}

interface PodDNSConfig {
  nameservers?: string[];
  searches?: string[];
  options?: { name?: string; value?: string }[];
}

interface PodDNSSpec {
  dnsPolicy?: string;
  hostNetwork?: boolean;
  dnsConfig?: PodDNSConfig | null;
}

/** How the kubelet treats a pod's dnsPolicy: cluster DNS, the node's resolvers, or nothing. */
export type PodDNSType = 'cluster' | 'host' | 'none';

/** ClusterFirst on the host network falls back to the node's resolvers; WithHostNet does not. */
export function podDNSType(pod: KubeObject): PodDNSType {
  const spec = (pod.spec ?? {}) as PodDNSSpec;
  const policy = spec.dnsPolicy ?? 'ClusterFirst';
  if (policy === 'None') return 'none';
  if (policy === 'Default') return 'host';
  if (policy === 'ClusterFirst' && spec.hostNetwork) return 'host';
  return 'cluster';
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}

/** Options as a map: later entries (the pod's dnsConfig) override earlier ones by name. */
function mergeOptions(existing: string[], extra: PodDNSConfig['options']): string[] {
  const map = new Map<string, string>();
  for (const op of existing) {
    const i = op.indexOf(':');
    if (i >= 0) map.set(op.slice(0, i), op.slice(i + 1));
    else map.set(op, '');
  }
  for (const op of extra ?? []) if (op.name) map.set(op.name, op.value ?? '');
  return [...map].map(([k, v]) => (v ? `${k}:${v}` : k));
}

/** Cuts the lists to what resolvers accept, as the kubelet does (it also emits an event). */
function fitLimits(cfg: ResolverConfig): ResolverConfig {
  let searches = cfg.searches.slice(0, maxSearchPaths);
  while (searches.join(' ').length > maxSearchChars) searches = searches.slice(0, -1);
  return { nameservers: cfg.nameservers.slice(0, maxNameservers), searches, options: cfg.options };
}

export interface ResolvConfInput {
  /** Cluster DNS service IPs (`--cluster-dns`); empty means cluster DNS is unknown. */
  clusterDNS: string[];
  /** e.g. `cluster.local`. */
  clusterDomain: string;
  /** The node's resolv.conf text. */
  hostResolvConf: string;
}

/**
 * A pod's resolv.conf by its dnsPolicy, the kubelet's way: ClusterFirst (and
 * ClusterFirstWithHostNet) use the cluster DNS with the search path
 * `<ns>.svc.<domain> svc.<domain> <domain>` plus the node's, and `options ndots:5`;
 * Default (and ClusterFirst on the host network) copy the node's; None starts empty;
 * `dnsConfig` is then merged in. Written in containerd's layout: search, nameserver, options.
 *
 * @example
 * renderResolvConf(pod, { clusterDNS: ['10.43.0.10'], clusterDomain: 'cluster.local', hostResolvConf })
 * // 'search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.43.0.10\noptions ndots:5\n'
 */
export function renderResolvConf(pod: KubeObject, input: ResolvConfInput): string {
  const host = parseResolvConf(input.hostResolvConf);
  const spec = (pod.spec ?? {}) as PodDNSSpec;
  let type = podDNSType(pod);
  // Without a known cluster DNS the kubelet falls back to the node's settings.
  if (type === 'cluster' && input.clusterDNS.length === 0) type = 'host';
  let cfg: ResolverConfig;
  if (type === 'none') cfg = { nameservers: [], searches: [], options: [] };
  else if (type === 'host') cfg = host;
  else {
    const d = input.clusterDomain;
    const clusterSearch = d ? [`${pod.metadata.namespace ?? 'default'}.svc.${d}`, `svc.${d}`, d] : [];
    cfg = { nameservers: [...input.clusterDNS], searches: unique([...clusterSearch, ...host.searches]), options: ['ndots:5'] };
  }
  const extra = spec.dnsConfig;
  if (extra) {
    cfg = {
      nameservers: unique([...cfg.nameservers, ...(extra.nameservers ?? [])]),
      searches: unique([...cfg.searches, ...(extra.searches ?? [])]),
      options: mergeOptions(cfg.options, extra.options),
    };
  }
  return formatResolvConf(fitLimits(cfg));
}

/** containerd's layout of a resolv.conf. */
export function formatResolvConf(cfg: ResolverConfig): string {
  let out = '';
  if (cfg.searches.length) out += `search ${cfg.searches.join(' ')}\n`;
  for (const ns of cfg.nameservers) out += `nameserver ${ns}\n`;
  if (cfg.options.length) out += `options ${cfg.options.join(' ')}\n`;
  return out;
}
