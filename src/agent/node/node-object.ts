import type { KubeObject } from '../../api/types.js';
import { rfc3339 } from '../../util/clock.js';
import { goArch, type NodeFacts } from './node-info.js';

type Condition = { type: string; status: 'True' | 'False' | 'Unknown'; reason: string; message: string; lastHeartbeatTime: string; lastTransitionTime: string };

/** Pressure the eviction manager reports (all False when absent). */
export type NodePressure = { MemoryPressure: boolean; DiskPressure: boolean; PIDPressure: boolean };

/** The four conditions the kubelet maintains: the pressure conditions, then Ready. */
function wantedConditions(ready: boolean, p?: NodePressure): Omit<Condition, 'lastHeartbeatTime' | 'lastTransitionTime'>[] {
  return [
    p?.MemoryPressure
      ? { type: 'MemoryPressure', status: 'True', reason: 'KubeletHasInsufficientMemory', message: 'kubelet has insufficient memory available' }
      : { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
    p?.DiskPressure
      ? { type: 'DiskPressure', status: 'True', reason: 'KubeletHasDiskPressure', message: 'kubelet has disk pressure' }
      : { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
    p?.PIDPressure
      ? { type: 'PIDPressure', status: 'True', reason: 'KubeletHasInsufficientPID', message: 'kubelet has insufficient PID available' }
      : { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
    ready
      ? { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }
      : { type: 'Ready', status: 'False', reason: 'KubeletNotReady', message: 'container runtime is starting' },
  ];
}

export interface NodeStatusInput {
  facts: NodeFacts;
  kubeletPort: number;
  images: { names: string[]; sizeBytes: number }[];
  ready: boolean;
  pressure?: NodePressure;
  now: number;
  /** The status currently stored, for transition times. */
  old?: Record<string, unknown>;
}

/** The node status the kubelet posts: capacity, allocatable, conditions, addresses, endpoints, nodeInfo, images. */
export function nodeStatus(input: NodeStatusInput): Record<string, unknown> {
  const now = rfc3339(input.now);
  const oldConditions = ((input.old?.conditions ?? []) as Condition[]) ?? [];
  const conditions = wantedConditions(input.ready, input.pressure).map((c) => {
    const prev = oldConditions.find((o) => o.type === c.type);
    return { ...c, lastHeartbeatTime: now, lastTransitionTime: prev && prev.status === c.status ? prev.lastTransitionTime : now };
  });
  return {
    capacity: input.facts.capacity,
    allocatable: input.facts.allocatable,
    conditions,
    addresses: input.facts.addresses,
    daemonEndpoints: { kubeletEndpoint: { Port: input.kubeletPort } },
    nodeInfo: input.facts.nodeInfo,
    images: input.images,
  };
}

/** The Node a kubelet registers: well-known labels, its annotations, and (for a server) the control-plane role. */
export function nodeObject(name: string, facts: NodeFacts, opts: { controlPlane: boolean; labels?: Record<string, string>; status: Record<string, unknown> }): KubeObject {
  const a = goArch();
  const labels: Record<string, string> = {
    'beta.kubernetes.io/arch': a,
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': a,
    'kubernetes.io/hostname': facts.hostname,
    'kubernetes.io/os': 'linux',
    ...(opts.controlPlane ? { 'node-role.kubernetes.io/control-plane': 'true', 'node-role.kubernetes.io/master': 'true' } : {}),
    ...(opts.labels ?? {}),
  };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels,
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
    },
    spec: {},
    status: opts.status,
  };
}

/** Whether a status differs in anything but heartbeat times (the kubelet then posts early). */
export function statusChanged(a: Record<string, unknown> | undefined, b: Record<string, unknown>): boolean {
  const strip = (s: Record<string, unknown> | undefined) =>
    JSON.stringify({ ...s, conditions: ((s?.conditions ?? []) as Condition[]).map((c) => ({ ...c, lastHeartbeatTime: '' })) });
  return strip(a) !== strip(b);
}

/** Event reasons for pressure conditions that changed between two statuses (NodeHasInsufficientMemory, NodeHasSufficientMemory …). */
export function conditionTransitionEvents(before: Record<string, unknown> | undefined, after: Record<string, unknown>): string[] {
  const names: Record<string, [string, string]> = {
    MemoryPressure: ['NodeHasInsufficientMemory', 'NodeHasSufficientMemory'],
    DiskPressure: ['NodeHasDiskPressure', 'NodeHasNoDiskPressure'],
    PIDPressure: ['NodeHasInsufficientPID', 'NodeHasSufficientPID'],
  };
  const status = (s: Record<string, unknown> | undefined, type: string) => ((s?.conditions ?? []) as Condition[]).find((c) => c.type === type)?.status;
  const out: string[] = [];
  for (const [type, [on, off]] of Object.entries(names)) {
    const was = status(before, type);
    const now = status(after, type);
    if (was && now && was !== now) out.push(now === 'True' ? on : off);
  }
  return out;
}
