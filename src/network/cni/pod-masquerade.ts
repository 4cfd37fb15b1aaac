import type { HostCommands } from '../host/host-commands.js';
import { applyNft } from '../host/nft.js';

/**
 * The node's outbound NAT for pods: traffic from this node's pods to anything outside the
 * cluster CIDR leaves with the node's address; pod-to-pod traffic (also across nodes) keeps
 * the pod's own address, which NetworkPolicy and host-gw routing rely on.
 */
export function podMasqueradeScript(table: string, podCIDR: string, clusterCIDR: string): string {
  return [
    `add table ip ${table}`,
    `delete table ip ${table}`,
    `add table ip ${table}`,
    `add chain ip ${table} postrouting { type nat hook postrouting priority srcnat + 10 ; policy accept ; }`,
    `add rule ip ${table} postrouting ip saddr ${podCIDR} ip daddr != ${clusterCIDR} ip daddr != 224.0.0.0/4 masquerade`,
    '',
  ].join('\n');
}

export async function installPodMasquerade(host: HostCommands, table: string, podCIDR: string, clusterCIDR: string): Promise<void> {
  await applyNft(host, podMasqueradeScript(table, podCIDR, clusterCIDR));
}
