import { createHash } from 'node:crypto';
import type { Direction, Peer, PodRules, PolicyPod, PolicyRule, PortMatch } from './policy-model.js';

function chainName(direction: Direction, podKey: string): string {
  const h = createHash('sha256').update(podKey).digest('base64url').replace(/[-_]/g, 'x').slice(0, 8).toUpperCase();
  return `${direction === 'ingress' ? 'in' : 'out'}-${h}-${podKey}`;
}

function set(items: string[]): string {
  return items.length === 1 ? items[0]! : `{ ${items.join(', ')} }`;
}

/** The peer condition on the remote address (`ip saddr` for ingress, `ip daddr` for egress); undefined: matches nothing. */
function peerExpr(peer: Peer, field: string): string | undefined {
  if (peer.kind === 'ips') return peer.ips.length ? `${field} ${set(peer.ips)}` : undefined;
  return `${field} ${peer.cidr}${peer.except.length ? ` ${field} != ${set(peer.except)}` : ''}`;
}

function portExpr(p: Extract<PortMatch, { kind: 'number' }>): string {
  const proto = `meta l4proto ${p.protocol.toLowerCase()}`;
  if (p.port === undefined) return proto;
  return `${proto} th dport ${p.endPort !== undefined && p.endPort > p.port ? `${p.port}-${p.endPort}` : p.port}`;
}

function ipInCidr(ip: string, cidr: string): boolean {
  const toInt = (a: string) => a.split('.').reduce((n, o) => n * 256 + Number(o), 0);
  const [base, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits ?? 32));
  const start = toInt(base!) - (toInt(base!) % size);
  return toInt(ip) >= start && toInt(ip) < start + size;
}

function peerHasIP(peer: Peer, ip: string): boolean {
  if (peer.kind === 'ips') return peer.ips.includes(ip);
  return ipInCidr(ip, peer.cidr) && !peer.except.some((e) => ipInCidr(ip, e));
}

/**
 * nft rule bodies (each ending in `return`: allowed) for one rule of one pod. A named port
 * means the selected pod's port for ingress; for egress it means that port on each
 * destination pod, so it becomes address-and-port pairs.
 */
function ruleLines(rule: PolicyRule, direction: Direction, self: PolicyPod, pods: PolicyPod[]): string[] {
  const field = direction === 'ingress' ? 'ip saddr' : 'ip daddr';
  const peers: (string | undefined)[] = rule.peers ? rule.peers.map((p) => peerExpr(p, field)) : [''];
  const out: string[] = [];
  for (const port of rule.ports ?? [undefined]) {
    if (port?.kind === 'named' && direction === 'egress') {
      const pairs = pods
        .filter((p) => !rule.peers || rule.peers.some((peer) => peerHasIP(peer, p.ip)))
        .map((p) => ({ ip: p.ip, np: p.namedPorts.get(port.name) }))
        .filter((x) => x.np && x.np.protocol === port.protocol)
        .map((x) => `${x.ip} . ${x.np!.protocol.toLowerCase()} . ${x.np!.port}`);
      if (pairs.length) out.push(`ip daddr . meta l4proto . th dport ${set(pairs)} return`);
      continue;
    }
    let portText = '';
    if (port?.kind === 'named') {
      const np = self.namedPorts.get(port.name);
      if (!np || np.protocol !== port.protocol) continue;
      portText = portExpr({ kind: 'number', protocol: np.protocol, port: np.port });
    } else if (port) portText = portExpr(port);
    for (const peer of peers) {
      if (peer === undefined) continue;
      out.push(`${[peer, portText].filter(Boolean).join(' ')} return`.trimStart());
    }
  }
  return out;
}

/**
 * The whole `k8ts-policy` table: traffic to (ingress) and from (egress) each isolated local
 * pod jumps to its own chain, which returns when a rule allows it and drops otherwise.
 * Filtering sits after the proxy's DNAT (priority 0), so it sees real pod addresses; replies
 * of allowed connections pass on conntrack state. Traffic between a node and its own pods
 * is not filtered (kubelet probes).
 */
export function renderPolicyTable(table: string, rules: PodRules[], pods: PolicyPod[]): string {
  const t = `ip ${table}`;
  const lines = [
    `add table ${t}`,
    `delete table ${t}`,
    `add table ${t}`,
    `add map ${t} ingress-pods { type ipv4_addr : verdict ; }`,
    `add map ${t} egress-pods { type ipv4_addr : verdict ; }`,
    `add chain ${t} forward { type filter hook forward priority 0 ; policy accept ; }`,
    `add rule ${t} forward ct state established,related accept`,
    `add rule ${t} forward ip saddr vmap @egress-pods`,
    `add rule ${t} forward ip daddr vmap @ingress-pods`,
    `add chain ${t} input { type filter hook input priority 0 ; policy accept ; }`,
    `add rule ${t} input ct state established,related accept`,
    `add rule ${t} input ip saddr vmap @egress-pods`,
  ];
  const elements: Record<Direction, string[]> = { ingress: [], egress: [] };
  for (const r of rules) {
    for (const direction of ['ingress', 'egress'] as const) {
      const list = r[direction];
      if (!list) continue;
      const chain = chainName(direction, r.pod.key);
      lines.push(`add chain ${t} ${chain}`);
      for (const rule of list) for (const body of ruleLines(rule, direction, r.pod, pods)) lines.push(`add rule ${t} ${chain} ${body}`);
      lines.push(`add rule ${t} ${chain} drop`);
      elements[direction].push(`${r.pod.ip} : jump ${chain}`);
    }
  }
  for (const direction of ['ingress', 'egress'] as const) {
    if (elements[direction].length) lines.push(`add element ${t} ${direction}-pods { ${elements[direction].join(', ')} }`);
  }
  return lines.join('\n') + '\n';
}
