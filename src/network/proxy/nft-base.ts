import { sharedLbChains, sharedLbLimit, sharedLbMaps } from './shared-lb.js';

/** Settings of the proxy's nft table that are fixed for its lifetime. */
export interface BaseTableOptions {
  table: string;
  /** `--service-cidr`: addresses in it that match no service are dropped (when known). */
  serviceCIDR?: string;
  /** Pod traffic (from inside this range) to a cluster IP is not masqueraded. */
  clusterCIDR?: string;
  /** The packet mark bit meaning "masquerade this" (kube-proxy uses 14). */
  masqueradeBit: number;
  /** NodePorts answer on 127.0.0.1 too (needs route_localnet; martians to 127/8 from outside are dropped). */
  localhostNodePorts: boolean;
}

/** The maps and sets service ports put elements in, with their types. */
export const sharedMaps: Record<string, string> = {
  'service-ips': 'map { type ipv4_addr . inet_proto . inet_service : verdict ; }',
  'service-nodeports': 'map { type inet_proto . inet_service : verdict ; }',
  'no-endpoint-services': 'map { type ipv4_addr . inet_proto . inet_service : verdict ; }',
  'no-endpoint-nodeports': 'map { type inet_proto . inet_service : verdict ; }',
  'cluster-ips': 'set { type ipv4_addr ; }',
  hairpin: 'set { type ipv4_addr . ipv4_addr ; }',
  ...sharedLbMaps,
};

/**
 * The skeleton of the `k8ts-proxy` table: hooks, dispatch through the shared maps, masquerade,
 * reject of services without endpoints. Service ports only add chains and map elements to it.
 * Priorities follow kube-proxy: filtering at -110 sees the original destination before DNAT
 * (-100); the cluster-IP check runs after DNAT, so only traffic that matched no port remains.
 */
export function baseTableScript(o: BaseTableOptions): string[] {
  const t = `ip ${o.table}`;
  const mark = `0x${(1 << o.masqueradeBit).toString(16)}`;
  const lines: string[] = [`add table ${t}`];
  for (const [name, def] of Object.entries(sharedMaps)) {
    const [kind, body] = [def.slice(0, def.indexOf(' ')), def.slice(def.indexOf(' ') + 1)];
    lines.push(`add ${kind} ${t} ${name} ${body}`);
  }
  const chain = (name: string, rules: string[], hook?: string) => {
    lines.push(`add chain ${t} ${name}${hook ? ` { ${hook} ; policy accept ; }` : ''}`);
    for (const r of rules) lines.push(`add rule ${t} ${name} ${r}`);
  };
  chain('mark-for-masq', [`meta mark set meta mark | ${mark}`]);
  chain('masquerading', [
    'ct status dnat ip saddr . ip daddr @hairpin masquerade',
    `meta mark & ${mark} == 0 return`,
    // Clear the bit so a packet re-entering the stack (e.g. tunnelled) is not masqueraded twice.
    `meta mark set meta mark ^ ${mark}`,
    'masquerade fully-random',
  ]);
  chain('services', [
    ...(o.clusterCIDR ? [`ip daddr @cluster-ips ip saddr != ${o.clusterCIDR} jump mark-for-masq`] : []),
    'ip daddr . meta l4proto . th dport vmap @service-ips',
    `fib daddr type local${o.localhostNodePorts ? '' : ' ip daddr != 127.0.0.0/8'} meta l4proto . th dport vmap @service-nodeports`,
  ]);
  for (const [name, rules] of sharedLbChains(sharedLbLimit, 'mark-for-masq')) chain(name, rules);
  chain('reject-chain', ['meta l4proto tcp reject with tcp reset', 'reject']);
  chain('service-endpoints-check', ['ip daddr . meta l4proto . th dport vmap @no-endpoint-services']);
  chain('nodeport-endpoints-check', ['fib daddr type local meta l4proto . th dport vmap @no-endpoint-nodeports']);
  chain('cluster-ips-check', ['ip daddr @cluster-ips reject', ...(o.serviceCIDR ? [`ip daddr ${o.serviceCIDR} drop`] : [])]);
  chain('nat-prerouting', ['jump services'], 'type nat hook prerouting priority -100');
  chain('nat-output', ['jump services'], 'type nat hook output priority -100');
  chain('nat-postrouting', ['jump masquerading'], 'type nat hook postrouting priority 100');
  chain('filter-input', [
    'ct state new jump nodeport-endpoints-check',
    'ct state new jump service-endpoints-check',
    ...(o.localhostNodePorts ? ['ip daddr 127.0.0.0/8 ip saddr != 127.0.0.0/8 ct state != { established, related } ct status != dnat drop'] : []),
  ], 'type filter hook input priority -110');
  chain('filter-forward', ['ct state new jump service-endpoints-check', 'ct state new jump cluster-ips-check'], 'type filter hook forward priority -110');
  chain('filter-output', ['ct state new jump service-endpoints-check'], 'type filter hook output priority -110');
  chain('filter-output-post-dnat', ['ct state new jump cluster-ips-check'], 'type filter hook output priority -90');
  return lines;
}
