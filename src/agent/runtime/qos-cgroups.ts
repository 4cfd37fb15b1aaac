import type { KubeObject } from '../../api/types.js';
import { minShares, milliCpuToShares, podCpuRequestMilli } from '../pods/pod-resources.js';
import type { CgroupLayout, QosClass } from './cgroups.js';
import { ensurePodCgroup, type PodCgroupResources } from './pod-cgroup.js';
import { allocatableAmounts, type Reservation } from '../node/reserved.js';

/** What the node gives pods in total (capacity minus kube- and system-reserved). */
export interface PodsAllocatable {
  cpuMilli: number;
  memoryBytes: number;
}

/**
 * The settings of the node-level cgroups, as the kubelet's QoS container manager keeps them:
 * `kubepods` gets shares and a memory limit for everything pods may use; `kubepods/burstable`
 * the shares of all Burstable pods' CPU requests; `kubepods/besteffort` the minimum shares.
 *
 * @example
 * qosCgroupSettings(pods, { cpuMilli: 1900, memoryBytes: 8 * 2 ** 30 }, '/');
 * // [{ path: '/kubepods', resources: { cpuShares: 1945, memoryLimitBytes: 8589934592 } }, …]
 */
export function qosCgroupSettings(pods: KubeObject[], allocatable: PodsAllocatable, cgroupRoot: string): { path: string; resources: PodCgroupResources }[] {
  const base = `${cgroupRoot.replace(/\/+$/, '')}/kubepods`;
  let burstableMilli = 0;
  for (const p of pods) {
    const qos = (p.status as { qosClass?: QosClass } | undefined)?.qosClass;
    const phase = (p.status as { phase?: string } | undefined)?.phase;
    if (qos !== 'Burstable' || phase === 'Succeeded' || phase === 'Failed') continue;
    burstableMilli += podCpuRequestMilli(p);
  }
  return [
    { path: base, resources: { cpuShares: milliCpuToShares(allocatable.cpuMilli), memoryLimitBytes: allocatable.memoryBytes } },
    { path: `${base}/burstable`, resources: { cpuShares: milliCpuToShares(burstableMilli) } },
    { path: `${base}/besteffort`, resources: { cpuShares: minShares } },
  ];
}

/** Writes the node-level QoS cgroups (idempotent; run after pod changes and periodically). */
export function updateQosCgroups(layout: CgroupLayout, cgroupRoot: string, pods: KubeObject[], allocatable: PodsAllocatable): void {
  for (const s of qosCgroupSettings(pods, allocatable, cgroupRoot)) ensurePodCgroup(layout, s.path, s.resources);
}

/** Capacity minus kube- and system-reserved: what the `kubepods` cgroup is given (no eviction threshold, as the kubelet). */
export function podsAllocatable(capacity: { cpuCores: number; memoryBytes: number }, kubeReserved: Reservation, systemReserved: Reservation): PodsAllocatable {
  const a = allocatableAmounts({ cpu: capacity.cpuCores, memory: capacity.memoryBytes }, kubeReserved, systemReserved, []);
  return { cpuMilli: Math.round(a.cpu! * 1000), memoryBytes: a.memory! };
}
