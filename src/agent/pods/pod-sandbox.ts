import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { KubeObject } from '../../api/types.js';
import { podHostname, renderHosts } from '../../network/dns/hosts-file.js';
import { renderResolvConf, type ResolvConfInput } from '../../network/dns/resolv-conf.js';
import { podCgroupPath, type QosClass } from '../runtime/cgroups.js';
import type { ContainerRuntime, SandboxConfig, SandboxStatus } from '../runtime/container-runtime.js';
import { podCgroupResources } from './pod-resources.js';
import { portMappings, specOf } from './pod-spec-view.js';

function readHostFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** The sandbox of a pod: host name, /etc/hosts naming its IPs, resolv.conf by dnsPolicy, cgroup parent by QoS class. */
export function sandboxConfig(pod: KubeObject, ips: string[], dns: ResolvConfInput, cgroupRoot: string, podPidsLimit = 0): SandboxConfig {
  const uid = pod.metadata.uid!;
  const qos = ((pod.status as { qosClass?: QosClass } | undefined)?.qosClass ?? 'BestEffort') as QosClass;
  const hostNetwork = specOf(pod).hostNetwork;
  return {
    podUid: uid,
    podName: pod.metadata.name!,
    namespace: pod.metadata.namespace!,
    // On the host network a pod is the node: its name, and the node's hosts entries.
    hostname: hostNetwork ? hostname() : podHostname(pod),
    hostsFile: renderHosts(pod, ips, { clusterDomain: dns.clusterDomain, hostHostsFile: hostNetwork ? readHostFile('/etc/hosts') : undefined }),
    resolvConf: renderResolvConf(pod, dns),
    cgroupParent: podCgroupPath(cgroupRoot, qos, uid),
    podResources: podCgroupResources(pod, qos, podPidsLimit),
    hostNetwork: specOf(pod).hostNetwork,
    hostIPC: (pod.spec as { hostIPC?: boolean } | undefined)?.hostIPC === true,
    // One PID namespace for the pod, unless its containers use the node's.
    sharePid: (pod.spec as { shareProcessNamespace?: boolean; hostPID?: boolean } | undefined)?.shareProcessNamespace === true && (pod.spec as { hostPID?: boolean }).hostPID !== true,
    portMappings: portMappings(pod),
  };
}

/**
 * Makes the pod's sandbox ready (idempotent): network namespace, network plugin, then the
 * shared files again once the pod has addresses for /etc/hosts.
 *
 * @example
 * const sb = await ensurePodSandbox(runtime, pod, dns, '/');
 */
export async function ensurePodSandbox(runtime: ContainerRuntime, pod: KubeObject, dns: ResolvConfInput, cgroupRoot: string, podPidsLimit = 0): Promise<SandboxStatus> {
  const existing = await runtime.sandboxStatus(pod.metadata.uid!);
  if (existing?.state === 'ready') return existing;
  let sb = await runtime.runSandbox(sandboxConfig(pod, [], dns, cgroupRoot, podPidsLimit));
  if (sb.ips.length) sb = await runtime.runSandbox(sandboxConfig(pod, sb.ips, dns, cgroupRoot, podPidsLimit));
  return sb;
}
