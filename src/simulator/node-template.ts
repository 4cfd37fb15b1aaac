import type { KubeObject } from '../api/types.js';
import type { TaintSpec } from '../cli/flag-parsers.js';
import { versionInfo } from '../apiserver/version.js';
import { rfc3339, rfc3339Micro } from '../util/clock.js';

/** What every node of a simulated fleet looks like. */
export interface SimulatedNodeOptions {
  /** Node names are `<prefix><index>`. */
  namePrefix: string;
  /** status.capacity (= allocatable), e.g. `{ cpu: '32', memory: '256Gi', pods: '110' }`. */
  capacity: Record<string, string>;
  /** Extra labels; `{index}` and `{index%N}` in a value are replaced per node (zones, racks). */
  labels: Record<string, string>;
  /** spec.taints at registration (kubelet --register-with-taints). */
  taints: TaintSpec[];
  /** How often each node renews its Lease (kubelet: 10 s). */
  heartbeatMs: number;
  /** How often each node re-posts its status without a change (kubelet: 5 min). */
  statusReportMs: number;
  /** Range carved into per-node podCIDRs. */
  podCidr: string;
  /** First node index (so several fleets can share a prefix and a range). */
  firstIndex: number;
}

export const defaultSimulatedNodeOptions: SimulatedNodeOptions = {
  namePrefix: 'sim-node-',
  capacity: { cpu: '32', memory: '256Gi', pods: '110', 'ephemeral-storage': '100Gi' },
  labels: {},
  taints: [],
  heartbeatMs: 10_000,
  statusReportMs: 5 * 60_000,
  podCidr: '10.42.0.0/16',
  firstIndex: 0,
};

/** Marks nodes (and their pods' containers) as simulated, like kwok's annotation. */
export const simulatedAnnotation = 'node.k8ts.io/simulated';
/** Nodes renew a Lease of this duration; the node lifecycle controller's grace period is separate. */
export const leaseDurationSeconds = 40;

/** Replaces `{index}` and `{index%N}` in a label value. */
export function expandLabelValue(value: string, index: number): string {
  return value.replace(/\{index(?:%(\d+))?\}/g, (_m, mod: string | undefined) => String(mod ? index % Number(mod) : index));
}

/** A simulated node's InternalIP: 172.16.0.0/12 in index order (never routed anywhere). */
export function nodeAddress(index: number): string {
  const n = 0xac100000 + index + 1;
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

function conditions(now: string, transition: string) {
  const c = (type: string, status: string, reason: string, message: string) => ({ type, status, lastHeartbeatTime: now, lastTransitionTime: transition, reason, message });
  return [
    c('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
    c('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
    c('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    c('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
  ];
}

/** The status a healthy simulated node posts (kubelet's node status setters). */
export function simulatedNodeStatus(name: string, index: number, opts: SimulatedNodeOptions, nowMs: number, transitionMs = nowMs) {
  const v = versionInfo().gitVersion;
  return {
    capacity: { ...opts.capacity },
    allocatable: { ...opts.capacity },
    conditions: conditions(rfc3339(nowMs), rfc3339(transitionMs)),
    addresses: [
      { type: 'InternalIP', address: nodeAddress(index) },
      { type: 'Hostname', address: name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      machineID: '',
      systemUUID: '',
      bootID: '',
      kernelVersion: 'simulated',
      osImage: 'k8ts simulated node',
      containerRuntimeVersion: `simulated://${v}`,
      kubeletVersion: v,
      kubeProxyVersion: '',
      operatingSystem: 'linux',
      architecture: 'amd64',
    },
  };
}

/** The Node object a simulated kubelet registers. */
export function simulatedNode(name: string, index: number, opts: SimulatedNodeOptions, podCIDR: string, nowMs: number): KubeObject {
  const labels: Record<string, string> = {
    'beta.kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/hostname': name,
    'kubernetes.io/os': 'linux',
  };
  for (const [k, v] of Object.entries(opts.labels)) labels[k] = expandLabelValue(v, index);
  const spec: Record<string, unknown> = { podCIDR, podCIDRs: [podCIDR] };
  if (opts.taints.length) spec.taints = opts.taints.map((t) => ({ ...t }));
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels,
      annotations: { [simulatedAnnotation]: 'true', 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
    },
    spec,
    status: simulatedNodeStatus(name, index, opts, nowMs),
  };
}

/** The node's Lease in kube-node-lease (owned by the Node, as the kubelet makes it). */
export function nodeLease(name: string, nodeUid: string | undefined, nowMs: number): KubeObject {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name,
      namespace: 'kube-node-lease',
      ...(nodeUid ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid: nodeUid }] } : {}),
    },
    spec: { holderIdentity: name, leaseDurationSeconds, renewTime: rfc3339Micro(nowMs) },
  };
}
