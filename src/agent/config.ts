import { hostname } from 'node:os';
import { join } from 'node:path';
import type { NodeNetworkFlags } from './network/node-network-config.js';
import type { OciRuntimeName } from './runtime/oci-cli.js';
import type { NodeResourceFlags } from './node/resource-flags.js';

/** Node agent settings that `k8ts server` (embedded agent) and `k8ts agent` share; kubelet/k3s names. */
export interface AgentFlags {
  /** OCI runtime binary: runc (default) or crun. */
  runtime: OciRuntimeName;
  /** The runtime's state dir (`--root`), k8ts's containers only. */
  runtimeRoot: string;
  /** Parent of the `kubepods` cgroup tree (kubelet --cgroup-root). */
  cgroupRoot: string;
  /** Port of the agent's HTTPS server (logs, later exec); 0 picks a free one. */
  kubeletPort: number;
  /** The address the node advertises (k3s --node-ip); default: the host's first address. */
  nodeIP?: string;
  containerLogMaxSize: number;
  containerLogMaxFiles: number;
  clusterDomain: string;
  /** The node's resolv.conf, which pods with dnsPolicy Default (or no cluster DNS) copy. */
  resolvConf: string;
  maxPods: number;
  /** Extra node labels (k3s --node-label). */
  nodeLabels: Record<string, string>;
  /** Resource management (`--pod-pids-limit`, `--kube-reserved`, `--system-reserved`, `--eviction-hard` …). */
  resources?: Partial<NodeResourceFlags>;
  /** The pod network (`--flannel-backend`, `--disable-kube-proxy`, `--node-netns` …). */
  network?: Partial<NodeNetworkFlags>;
}

export const defaultAgentFlags: AgentFlags = {
  runtime: 'runc',
  runtimeRoot: '/run/k8ts/runc',
  cgroupRoot: '/',
  kubeletPort: 10250,
  containerLogMaxSize: 10 * 1024 * 1024,
  containerLogMaxFiles: 5,
  clusterDomain: 'cluster.local',
  resolvConf: '/etc/resolv.conf',
  maxPods: 110,
  nodeLabels: {},
};

/** Everything an agent needs to run. */
export interface AgentConfig extends AgentFlags {
  nodeName: string;
  /** The agent's state: pods, logs, images, certificates (`<data-dir>/agent`). */
  dataDir: string;
  /** Cluster DNS service IPs written into pods' resolv.conf. */
  clusterDNS: string[];
  /** The embedded agent of a server labels its node as control plane, like k3s. */
  controlPlane: boolean;
}

/** The agent's folders inside its data dir. */
export function agentDirs(dataDir: string) {
  return {
    pods: join(dataDir, 'pods'),
    logs: join(dataDir, 'logs'),
    tls: join(dataDir, 'tls'),
    /** What `k8ts reset` needs to find everything again. */
    settings: join(dataDir, 'agent.json'),
  };
}

/** The node name a server's embedded agent (or an agent without --node-name) registers. */
export function defaultNodeName(): string {
  return hostname().toLowerCase();
}
