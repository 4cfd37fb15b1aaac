import { isIPv4 } from 'node:net';
import { selectorMatches } from '../../api/common/label-selector.js';
import type { KubeObject, LabelSelector } from '../../api/types.js';

export type Direction = 'ingress' | 'egress';

/** A pod as policies see it: where it is, what it is called, its labels and named ports. */
export interface PolicyPod {
  key: string;
  namespace: string;
  name: string;
  ip: string;
  nodeName?: string;
  labels: Record<string, string>;
  /** Named container ports: name → protocol and number. */
  namedPorts: Map<string, { protocol: string; port: number }>;
}

/** Who may be on the other end of a connection. */
export type Peer = { kind: 'ips'; ips: string[] } | { kind: 'cidr'; cidr: string; except: string[] };

/** Which ports a rule opens (on the selected pod for ingress, on the destination for egress). */
export type PortMatch = { kind: 'number'; protocol: string; port?: number; endPort?: number } | { kind: 'named'; protocol: string; name: string };

/** One rule: any listed peer on any listed port; undefined lists mean "all". */
export interface PolicyRule {
  peers?: Peer[];
  ports?: PortMatch[];
}

/** What one pod may receive and send; a direction is undefined while no policy isolates it. */
export interface PodRules {
  pod: PolicyPod;
  ingress?: PolicyRule[];
  egress?: PolicyRule[];
}

interface PeerSpec {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}

interface RuleSpec {
  from?: PeerSpec[];
  to?: PeerSpec[];
  ports?: { protocol?: string; port?: number | string; endPort?: number }[];
}

interface PolicySpec {
  podSelector?: LabelSelector;
  policyTypes?: string[];
  ingress?: RuleSpec[];
  egress?: RuleSpec[];
}

/** The pods policies can name: running, with an IPv4 address, not on the host network. */
export function policyPod(pod: KubeObject): PolicyPod | undefined {
  const spec = (pod.spec ?? {}) as { hostNetwork?: boolean; nodeName?: string; containers?: { ports?: { name?: string; containerPort: number; protocol?: string }[] }[] };
  const status = (pod.status ?? {}) as { podIP?: string; podIPs?: { ip: string }[]; phase?: string };
  if (spec.hostNetwork || status.phase === 'Succeeded' || status.phase === 'Failed') return undefined;
  const ip = [status.podIP, ...(status.podIPs ?? []).map((p) => p.ip)].find((a): a is string => !!a && isIPv4(a));
  if (!ip) return undefined;
  const namedPorts = new Map<string, { protocol: string; port: number }>();
  for (const c of spec.containers ?? []) for (const p of c.ports ?? []) if (p.name) namedPorts.set(p.name, { protocol: p.protocol ?? 'TCP', port: p.containerPort });
  return {
    key: `${pod.metadata.namespace}/${pod.metadata.name}`,
    namespace: pod.metadata.namespace!,
    name: pod.metadata.name!,
    ip,
    ...(spec.nodeName ? { nodeName: spec.nodeName } : {}),
    labels: pod.metadata.labels ?? {},
    namedPorts,
  };
}

/** The cluster state policies are evaluated against. */
export interface PolicyWorld {
  pods: PolicyPod[];
  namespaces: Map<string, Record<string, string>>;
  policies: KubeObject[];
}

function peersOf(specs: PeerSpec[] | undefined, policyNamespace: string, world: PolicyWorld): Peer[] | undefined {
  if (!specs || specs.length === 0) return undefined;
  const peers: Peer[] = [];
  for (const p of specs) {
    if (p.ipBlock) {
      peers.push({ kind: 'cidr', cidr: p.ipBlock.cidr, except: p.ipBlock.except ?? [] });
      continue;
    }
    const inNamespace = (ns: string) => (p.namespaceSelector ? selectorMatches(p.namespaceSelector, world.namespaces.get(ns)) : ns === policyNamespace);
    const podMatches = (pod: PolicyPod) => (p.podSelector ? selectorMatches(p.podSelector, pod.labels) : true);
    peers.push({ kind: 'ips', ips: world.pods.filter((pod) => world.namespaces.has(pod.namespace) && inNamespace(pod.namespace) && podMatches(pod)).map((pod) => pod.ip).sort() });
  }
  return peers;
}

function portsOf(specs: RuleSpec['ports']): PortMatch[] | undefined {
  if (!specs || specs.length === 0) return undefined;
  return specs.map((p) => {
    const protocol = p.protocol ?? 'TCP';
    if (typeof p.port === 'string') return { kind: 'named', protocol, name: p.port };
    return { kind: 'number', protocol, ...(p.port !== undefined ? { port: p.port } : {}), ...(p.endPort !== undefined ? { endPort: p.endPort } : {}) };
  });
}

/**
 * NetworkPolicy semantics: a pod selected by a policy of a given type is isolated in that
 * direction and may only use what the union of those policies' rules allows; a pod no
 * policy selects is not isolated (default allow). Returns the rules of the pods `local`
 * accepts (the pods on this node).
 */
export function podRules(world: PolicyWorld, local: (pod: PolicyPod) => boolean): PodRules[] {
  const out = new Map<string, PodRules>();
  const policies = [...world.policies].sort((a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`));
  for (const policy of policies) {
    const ns = policy.metadata.namespace!;
    const spec = (policy.spec ?? {}) as PolicySpec;
    const types = spec.policyTypes?.length ? spec.policyTypes : spec.egress?.length ? ['Ingress', 'Egress'] : ['Ingress'];
    const selected = world.pods.filter((pod) => pod.namespace === ns && local(pod) && selectorMatches(spec.podSelector ?? {}, pod.labels));
    if (selected.length === 0) continue;
    const ingress = types.includes('Ingress') ? (spec.ingress ?? []).map((r) => ({ peers: peersOf(r.from, ns, world), ports: portsOf(r.ports) })) : undefined;
    const egress = types.includes('Egress') ? (spec.egress ?? []).map((r) => ({ peers: peersOf(r.to, ns, world), ports: portsOf(r.ports) })) : undefined;
    for (const pod of selected) {
      let entry = out.get(pod.key);
      if (!entry) out.set(pod.key, (entry = { pod }));
      if (ingress) entry.ingress = [...(entry.ingress ?? []), ...ingress];
      if (egress) entry.egress = [...(entry.egress ?? []), ...egress];
    }
  }
  return [...out.values()].sort((a, b) => a.pod.key.localeCompare(b.pod.key));
}
