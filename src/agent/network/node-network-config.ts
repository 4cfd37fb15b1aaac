/**
 * How a node agent runs its pod network. Flag names follow k3s (`--flannel-backend`,
 * `--disable-kube-proxy`, `--disable-network-policy`, `--cluster-cidr`, `--service-cidr`);
 * `--node-netns` is k8ts's own.
 */
export interface NodeNetworkFlags {
  /**
   * `host-gw`: the CNI bridge on the node's podCIDR plus a route per other node (the only
   * backend k8ts has); `none`: no pod network, pods get only their loopback.
   */
  flannelBackend: 'host-gw' | 'none';
  /** Leave out the nftables Service proxy (another kube-proxy runs). */
  disableKubeProxy: boolean;
  /** Leave out NetworkPolicy enforcement. */
  disableNetworkPolicy: boolean;
  /**
   * Run the node's networking (bridge, routes, nft tables) inside this existing network
   * namespace instead of the host's: several nodes on one machine, or tests.
   */
  nodeNetns?: string;
  /** The cluster's pod range (k3s default 10.42.0.0/16). */
  clusterCIDR?: string;
  /** The cluster's Service range (k3s default 10.43.0.0/16). */
  serviceCIDR?: string;
}

export const defaultNodeNetworkFlags: NodeNetworkFlags = {
  flannelBackend: 'host-gw',
  disableKubeProxy: false,
  disableNetworkPolicy: false,
};

/** `--flannel-backend` values k8ts implements. */
export function parseFlannelBackend(value: string): NodeNetworkFlags['flannelBackend'] {
  if (value === 'host-gw' || value === 'none') return value;
  throw new Error(`unsupported flannel backend "${value}" (k8ts implements host-gw and none)`);
}
