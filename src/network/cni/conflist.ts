/** One plugin's section of a CNI network configuration list. */
export interface PluginConf {
  type: string;
  capabilities?: Record<string, boolean>;
  [key: string]: unknown;
}

/** A CNI network configuration list (`*.conflist`). */
export interface NetworkConfList {
  cniVersion: string;
  name: string;
  plugins: PluginConf[];
}

export interface K8tsNetworkOptions {
  /** This node's pod range (`node.spec.podCIDR`), e.g. `10.42.0.0/24`. */
  podCIDR: string;
  /** The bridge every pod's veth joins. */
  bridge?: string;
  /** Where host-local keeps its allocations. */
  ipamDataDir: string;
  mtu?: number;
}

export const defaultBridge = 'k8ts0';
export const networkName = 'k8ts';

/**
 * The pod network of a k8ts node: a bridge (the node is every pod's gateway, hairpin on so
 * a pod can reach itself through a Service), host-local addresses from the node's podCIDR and
 * portmap for hostPort. Masquerading is left to k8ts (only traffic leaving the cluster CIDR
 * is rewritten), so the bridge plugin's own ipMasq stays off: it would also hide pod
 * addresses from pods on other nodes.
 *
 * @example
 * k8tsConflist({ podCIDR: '10.42.0.0/24', ipamDataDir: '/var/lib/k8ts/agent/cni/networks' });
 */
export function k8tsConflist(opts: K8tsNetworkOptions): NetworkConfList {
  return {
    cniVersion: '1.0.0',
    name: networkName,
    plugins: [
      {
        type: 'bridge',
        bridge: opts.bridge ?? defaultBridge,
        isGateway: true,
        ipMasq: false,
        hairpinMode: true,
        ...(opts.mtu ? { mtu: opts.mtu } : {}),
        ipam: {
          type: 'host-local',
          ranges: [[{ subnet: opts.podCIDR }]],
          routes: [{ dst: '0.0.0.0/0' }],
          dataDir: opts.ipamDataDir,
        },
      },
      { type: 'portmap', capabilities: { portMappings: true }, snat: true },
    ],
  };
}

/** The loopback network every pod also gets (its `lo` up). */
export function loopbackConflist(): NetworkConfList {
  return { cniVersion: '1.0.0', name: 'k8ts-loopback', plugins: [{ type: 'loopback' }] };
}
