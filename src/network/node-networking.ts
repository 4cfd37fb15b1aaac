import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeObject } from '../api/types.js';
import type { PodNetwork } from '../agent/network/pod-network.js';
import { Informer } from '../client/informer.js';
import type { RestClient } from '../client/rest-client.js';
import type { Logger } from '../util/log.js';
import { CniPodNetwork } from './cni/cni-pod-network.js';
import { defaultBridge } from './cni/conflist.js';
import { HostGwRoutes, k8tsRouteProtocol } from './cni/host-gw-routes.js';
import { type NetworkApi, restNetworkApi } from './cluster-api.js';
import { HostCommands } from './host/host-commands.js';
import { deleteNftTable } from './host/nft.js';
import { NetworkPolicyController } from './policy/network-policy-controller.js';
import { ServiceProxy } from './proxy/service-proxy.js';

export interface NodeNetworkingOptions {
  nodeName: string;
  /** The API as this node (an agent's client), or a NetworkApi. */
  client?: RestClient;
  api?: NetworkApi;
  /** The agent's data dir; CNI state goes to `<dataDir>/cni`. */
  dataDir: string;
  /** `--cluster-cidr` (k3s default `10.42.0.0/16`). */
  clusterCIDR?: string;
  /** `--service-cidr` (k3s default `10.43.0.0/16`). */
  serviceCIDR?: string;
  /** The node's host: this machine by default, or a network namespace (simulated nodes). */
  host?: HostCommands;
  /** Parts to leave out (`--disable-network-policy`, a separate kube-proxy …). */
  disable?: ('service-proxy' | 'network-policy' | 'host-gw')[];
  /** Pod interface MTU (default: the MTU of the node's default-route interface). */
  mtu?: number;
  /** How long to wait for nodeipam to give the node a podCIDR. */
  podCIDRTimeoutMs?: number;
  log?: Logger;
}

/** The networking of one node, running. */
export interface NodeNetworking {
  podCIDR: string;
  podNetwork: CniPodNetwork;
  proxy?: ServiceProxy;
  policies?: NetworkPolicyController;
  routes?: HostGwRoutes;
  stop(): Promise<void>;
}

function podCIDROf(node: KubeObject | undefined): string | undefined {
  const spec = (node?.spec ?? {}) as { podCIDR?: string; podCIDRs?: string[] };
  return spec.podCIDRs?.find((c) => !c.includes(':')) ?? spec.podCIDR;
}

/** Waits until the node has a podCIDR (nodeipam assigns it right after registration). */
async function waitForPodCIDR(api: NetworkApi, nodeName: string, timeoutMs: number, log?: Logger): Promise<string> {
  const nodes = new Informer(api.listWatch('nodes', { fieldSelector: `metadata.name=${nodeName}` }), log);
  try {
    return await new Promise<string>((resolve, reject) => {
      const check = (n: KubeObject) => {
        const cidr = n.metadata.name === nodeName ? podCIDROf(n) : undefined;
        if (cidr) resolve(cidr);
      };
      nodes.on({ add: check, update: (_o, n) => check(n) });
      setTimeout(() => reject(new Error(`node ${nodeName} got no podCIDR within ${timeoutMs} ms; is the nodeipam controller running with --cluster-cidr?`)), timeoutMs).unref();
      void nodes.start();
    });
  } finally {
    nodes.stop();
  }
}

/** The MTU of the interface the default route leaves by: pod veths must not exceed the node's link. */
export async function defaultRouteMtu(host: HostCommands): Promise<number | undefined> {
  const routes = await host.run('ip', ['-j', 'route', 'show', 'default'], { allowFailure: true });
  const dev = routes.code === 0 && routes.stdout.trim() ? (JSON.parse(routes.stdout) as { dev?: string }[])[0]?.dev : undefined;
  if (!dev) return undefined;
  const link = await host.run('ip', ['-j', 'link', 'show', 'dev', dev], { allowFailure: true });
  return link.code === 0 ? (JSON.parse(link.stdout) as { mtu?: number }[])[0]?.mtu : undefined;
}

/**
 * Everything a node needs for pod networking, as an agent starts it once its Node is
 * registered: the CNI pod network on the node's podCIDR, host-gw routes to the other nodes,
 * the nftables service proxy and NetworkPolicy enforcement.
 *
 * @example
 * // In the agent, after registering the Node:
 * const networking = await startNodeNetworking({ nodeName, client, dataDir: config.dataDir });
 * runtime.setNetwork(networking.podNetwork);
 * await networking.podNetwork.garbageCollect(new Set(livePodUIDs));
 */
export async function startNodeNetworking(o: NodeNetworkingOptions): Promise<NodeNetworking> {
  const api = o.api ?? (o.client ? restNetworkApi(o.client) : undefined);
  if (!api) throw new Error('startNodeNetworking needs client or api');
  const host = o.host ?? new HostCommands();
  const clusterCIDR = o.clusterCIDR ?? '10.42.0.0/16';
  const disabled = new Set(o.disable ?? []);
  const podCIDR = await waitForPodCIDR(api, o.nodeName, o.podCIDRTimeoutMs ?? 60_000, o.log);
  const mtu = o.mtu ?? (await defaultRouteMtu(host));
  // Pod sandboxes come with `lo` up (the agent's ensureNetns), so no loopback plugin runs.
  const podNetwork = new CniPodNetwork({ podCIDR, clusterCIDR, stateDir: join(o.dataDir, 'cni'), host, loopback: false, log: o.log, ...(mtu ? { mtu } : {}) });
  await podNetwork.init();
  const started: { stop(): unknown }[] = [];
  const out: NodeNetworking = {
    podCIDR,
    podNetwork,
    stop: async () => {
      for (const s of started.reverse()) await s.stop();
    },
  };
  try {
    if (!disabled.has('host-gw')) {
      out.routes = new HostGwRoutes(api, host, o.nodeName, o.log);
      await out.routes.start();
      started.push(out.routes);
    }
    if (!disabled.has('service-proxy')) {
      out.proxy = new ServiceProxy({ nodeName: o.nodeName, api, clusterCIDR, serviceCIDR: o.serviceCIDR ?? '10.43.0.0/16', host, log: o.log });
      await out.proxy.start();
      started.push(out.proxy);
    }
    if (!disabled.has('network-policy')) {
      out.policies = new NetworkPolicyController({ nodeName: o.nodeName, api, host, log: o.log });
      await out.policies.start();
      started.push(out.policies);
    }
  } catch (err) {
    await out.stop();
    throw err;
  }
  o.log?.info({ node: o.nodeName, podCIDR }, 'node networking ready');
  return out;
}


/**
 * Removes what node networking left on a host (for `k8ts reset` and node removal): the
 * k8ts nft tables, the pod bridge, the host-gw routes and the CNI state. Pods must be gone
 * first; nothing k8ts did not create is touched.
 *
 * @example
 * await resetNodeNetworking(new HostCommands(), '/var/lib/k8ts/agent');
 */
export async function resetNodeNetworking(host: HostCommands, dataDir: string, opts: { bridge?: string } = {}): Promise<void> {
  for (const table of ['k8ts-proxy', 'k8ts-policy', 'k8ts-podnet']) await deleteNftTable(host, 'ip', table);
  await host.run('ip', ['route', 'flush', 'proto', String(k8tsRouteProtocol)], { allowFailure: true });
  const bridge = opts.bridge ?? defaultBridge;
  const link = await host.run('ip', ['link', 'show', 'dev', bridge], { allowFailure: true });
  if (link.code === 0) await host.run('ip', ['link', 'del', bridge]);
  rmSync(join(dataDir, 'cni'), { recursive: true, force: true });
}
