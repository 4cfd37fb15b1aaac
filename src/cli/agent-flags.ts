import { Option } from 'commander';
import { defaultAgentFlags, type AgentFlags } from '../agent/config.js';
import { parseQuantity } from '../api/quantity.js';
import { parseCount, parseKeyValues } from './flag-parsers.js';
import { nodeNetworkFlagsFrom, nodeNetworkOptions } from './node-network-flags.js';
import { resourceFlagsFrom, resourceOptions } from './resource-flags.js';

const d = defaultAgentFlags;

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`invalid port: ${value}`);
  return n;
}

function bytes(value: string): number {
  return Number(parseQuantity(value).nanos / 1_000_000_000n);
}

function runtimeName(value: string): 'runc' | 'crun' {
  if (value !== 'runc' && value !== 'crun') throw new Error(`unsupported runtime "${value}" (runc or crun)`);
  return value;
}

/**
 * Flags of the node agent, shared by `k8ts server` (its embedded agent) and `k8ts agent`;
 * names follow the kubelet and k3s.
 */
export function agentOptions(): Option[] {
  return [
    new Option('--runtime <name>', 'OCI runtime for containers: runc or crun').default(d.runtime).argParser(runtimeName),
    new Option('--runtime-root <dir>', "the OCI runtime's state dir (k8ts containers only)").default(d.runtimeRoot),
    new Option('--cgroup-root <path>', 'parent cgroup of the kubepods tree').default(d.cgroupRoot),
    new Option('--kubelet-port <port>', "port of the agent's HTTPS server (logs, exec, attach, port-forward); 0 picks one").default(d.kubeletPort).argParser(port),
    new Option('--node-ip <ip>', 'IP address the node advertises (default: the first address of the host)'),
    new Option('--node-label <k=v>', 'extra node label (repeatable)').argParser((v: string, prev: Record<string, string> | undefined) => ({ ...prev, ...parseKeyValues(v) })),
    new Option('--container-log-max-size <size>', 'rotate a container log file at this size').default('10Mi'),
    new Option('--container-log-max-files <n>', 'log files kept per container').default(d.containerLogMaxFiles).argParser(parseCount),
    new Option('--cluster-domain <domain>', 'cluster DNS domain').default(d.clusterDomain),
    new Option('--resolv-conf <file>', 'the resolv.conf pods with dnsPolicy Default inherit').default(d.resolvConf),
    new Option('--max-pods <n>', 'pods this node runs at most').default(d.maxPods).argParser(parseCount),
    ...nodeNetworkOptions(),
    ...resourceOptions(),
  ];
}

/** The AgentFlags from parsed options. */
export function agentFlagsFrom(opts: Record<string, unknown>): AgentFlags {
  return {
    runtime: (opts.runtime as AgentFlags['runtime']) ?? d.runtime,
    runtimeRoot: String(opts.runtimeRoot ?? d.runtimeRoot),
    cgroupRoot: String(opts.cgroupRoot ?? d.cgroupRoot),
    kubeletPort: (opts.kubeletPort as number) ?? d.kubeletPort,
    ...(opts.nodeIp ? { nodeIP: String(opts.nodeIp) } : {}),
    nodeLabels: (opts.nodeLabel as Record<string, string>) ?? {},
    containerLogMaxSize: opts.containerLogMaxSize ? bytes(String(opts.containerLogMaxSize)) : d.containerLogMaxSize,
    containerLogMaxFiles: (opts.containerLogMaxFiles as number) ?? d.containerLogMaxFiles,
    clusterDomain: String(opts.clusterDomain ?? d.clusterDomain),
    resolvConf: String(opts.resolvConf ?? d.resolvConf),
    maxPods: (opts.maxPods as number) ?? d.maxPods,
    network: nodeNetworkFlagsFrom(opts),
    resources: resourceFlagsFrom(opts),
  };
}
