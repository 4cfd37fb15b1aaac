import { Option } from 'commander';
import { defaultNodeNetworkFlags, parseFlannelBackend, type NodeNetworkFlags } from '../agent/network/node-network-config.js';

/** Pod network flags of a node (embedded or standalone agent); k3s names where k3s has them. */
export function nodeNetworkOptions(): Option[] {
  return [
    new Option('--flannel-backend <backend>', "pod network: 'host-gw' (bridge + routes to other nodes) or 'none' (pods get only loopback)").default(defaultNodeNetworkFlags.flannelBackend).argParser(parseFlannelBackend),
    new Option('--disable-kube-proxy', 'do not run the nftables Service proxy on this node').default(false),
    new Option('--disable-network-policy', 'do not enforce NetworkPolicy on this node').default(false),
    new Option('--node-netns <name>', "run the node's networking inside this existing network namespace (several nodes on one machine, tests)"),
  ];
}

/** `k8ts agent` only: the cluster ranges a server already knows from its own flags. */
export function agentClusterRangeOptions(): Option[] {
  return [
    new Option('--cluster-cidr <cidr>', "the cluster's pod range (pods' traffic leaving it is masqueraded)").default('10.42.0.0/16'),
    new Option('--service-cidr <cidr>', "the cluster's Service range").default('10.43.0.0/16'),
  ];
}

/** The NodeNetworkFlags from parsed options (server or agent). */
export function nodeNetworkFlagsFrom(opts: Record<string, unknown>): NodeNetworkFlags {
  return {
    flannelBackend: (opts.flannelBackend as NodeNetworkFlags['flannelBackend']) ?? defaultNodeNetworkFlags.flannelBackend,
    disableKubeProxy: opts.disableKubeProxy === true,
    disableNetworkPolicy: opts.disableNetworkPolicy === true,
    ...(typeof opts.nodeNetns === 'string' ? { nodeNetns: opts.nodeNetns } : {}),
    ...(typeof opts.clusterCidr === 'string' ? { clusterCIDR: opts.clusterCidr } : {}),
    ...(typeof opts.serviceCidr === 'string' ? { serviceCIDR: opts.serviceCidr } : {}),
  };
}
