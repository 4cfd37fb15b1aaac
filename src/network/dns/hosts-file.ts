import type { KubeObject } from '../../api/types.js';

interface HostsSpec {
  hostname?: string;
  subdomain?: string;
  hostNetwork?: boolean;
  hostAliases?: { ip?: string; hostnames?: string[] }[];
}

export interface HostsOptions {
  /** e.g. `cluster.local` (default). */
  clusterDomain?: string;
  /** The node's /etc/hosts, copied for host-network pods. */
  hostHostsFile?: string;
}

/**
 * A pod's host name: `spec.hostname` or the pod name, cut to 63 characters without a
 * trailing `-` or `.` (the kubelet's truncation).
 */
export function podHostname(pod: KubeObject): string {
  const spec = (pod.spec ?? {}) as HostsSpec;
  let name = spec.hostname || pod.metadata.name || '';
  if (name.length > 63) name = name.slice(0, 63).replace(/[-.]+$/, '');
  return name;
}

/** `<subdomain>.<namespace>.svc.<domain>` when the pod names a subdomain, else empty. */
export function podHostDomain(pod: KubeObject, clusterDomain = 'cluster.local'): string {
  const spec = (pod.spec ?? {}) as HostsSpec;
  return spec.subdomain ? `${spec.subdomain}.${pod.metadata.namespace ?? 'default'}.svc.${clusterDomain}` : '';
}

function hostAliasLines(pod: KubeObject): string {
  const aliases = ((pod.spec ?? {}) as HostsSpec).hostAliases ?? [];
  if (aliases.length === 0) return '';
  let out = '\n# Entries added by HostAliases.\n';
  for (const a of aliases) out += `${a.ip ?? ''}\t${(a.hostnames ?? []).join('\t')}\n`;
  return out;
}

/**
 * The kubelet-managed /etc/hosts of a pod: localhost entries, one line per pod IP with the
 * pod's FQDN (`hostname.subdomain.ns.svc.domain`) and short name, then hostAliases.
 * Host-network pods get the node's file under a host-network header, plus hostAliases.
 *
 * @example
 * renderHosts(pod, ['10.42.0.7'])
 * // '# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n…\n10.42.0.7\tweb-0.web.default.svc.cluster.local\tweb-0\n'
 */
export function renderHosts(pod: KubeObject, podIPs: string[], opts: HostsOptions = {}): string {
  const spec = (pod.spec ?? {}) as HostsSpec;
  if (spec.hostNetwork) {
    return `# Kubernetes-managed hosts file (host network).\n${opts.hostHostsFile ?? ''}${hostAliasLines(pod)}`;
  }
  const hostname = podHostname(pod);
  const domain = podHostDomain(pod, opts.clusterDomain);
  let out = '# Kubernetes-managed hosts file.\n';
  out += '127.0.0.1\tlocalhost\n';
  out += '::1\tlocalhost ip6-localhost ip6-loopback\n';
  out += 'fe00::0\tip6-localnet\n';
  out += 'fe00::0\tip6-mcastprefix\n';
  out += 'fe00::1\tip6-allnodes\n';
  out += 'fe00::2\tip6-allrouters\n';
  for (const ip of podIPs) out += domain ? `${ip}\t${hostname}.${domain}\t${hostname}\n` : `${ip}\t${hostname}\n`;
  return out + hostAliasLines(pod);
}
