import type { KubeObject } from '../../api/types.js';
import { parseQuantity, quantityMilliValue } from '../../api/quantity.js';
import type { QosClass } from '../runtime/cgroups.js';
import type { PodCgroupResources } from '../runtime/pod-cgroup.js';

interface ContainerLike {
  restartPolicy?: string;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}

/** The kubelet's CPU constants: shares bounds and the CFS period. */
export const minShares = 2;
export const maxShares = 262_144;
export const quotaPeriodUs = 100_000;
const minQuotaUs = 1_000;

/** The kubelet's MilliCPUToShares: 1 core = 1024 shares, at least 2, at most 262144. */
export function milliCpuToShares(milli: number): number {
  if (milli <= 0) return minShares;
  return Math.min(maxShares, Math.max(minShares, Math.floor((milli * 1024) / 1000)));
}

/** The kubelet's MilliCPUToQuota: the CFS quota for a CPU limit (0: no limit), at least 1 ms. */
export function milliCpuToQuota(milli: number, periodUs = quotaPeriodUs): number {
  if (milli <= 0) return 0;
  return Math.max(minQuotaUs, Math.floor((milli * periodUs) / 1000));
}

function milli(v: string | undefined): number {
  if (v === undefined) return 0;
  try {
    return Number(quantityMilliValue(parseQuantity(v)));
  } catch {
    return 0;
  }
}

function bytes(v: string | undefined): number {
  if (v === undefined) return 0;
  try {
    return Number(parseQuantity(v).nanos / 1_000_000_000n);
  } catch {
    return 0;
  }
}

type Amounts = { cpu: number; memory: number };

/**
 * A pod's total of one kind of amount (requests or limits) as the kubelet's PodRequests /
 * PodLimits add it up: app containers and sidecars run together; each ordinary init
 * container runs alone beside the sidecars started before it, so the pod needs the larger
 * of the two; spec.overhead is added on top.
 */
export function podTotals(spec: Record<string, unknown>, of: (c: ContainerLike) => Amounts): Amounts {
  const add = (a: Amounts, b: Amounts): Amounts => ({ cpu: a.cpu + b.cpu, memory: a.memory + b.memory });
  const max = (a: Amounts, b: Amounts): Amounts => ({ cpu: Math.max(a.cpu, b.cpu), memory: Math.max(a.memory, b.memory) });
  let total: Amounts = { cpu: 0, memory: 0 };
  for (const c of (spec.containers ?? []) as ContainerLike[]) total = add(total, of(c));
  let sidecars: Amounts = { cpu: 0, memory: 0 };
  let initPeak: Amounts = { cpu: 0, memory: 0 };
  for (const c of (spec.initContainers ?? []) as ContainerLike[]) {
    if (c.restartPolicy === 'Always') {
      sidecars = add(sidecars, of(c));
      initPeak = max(initPeak, sidecars);
    } else initPeak = max(initPeak, add(sidecars, of(c)));
  }
  total = max(add(total, sidecars), initPeak);
  const overhead = (spec.overhead ?? {}) as Record<string, string>;
  return add(total, { cpu: milli(overhead.cpu), memory: bytes(overhead.memory) });
}

/** The pod's CPU request in millicores (PodRequests: init containers, sidecars, overhead). */
export function podCpuRequestMilli(pod: KubeObject): number {
  return podTotals((pod.spec ?? {}) as Record<string, unknown>, (c) => ({ cpu: milli(c.resources?.requests?.cpu ?? c.resources?.limits?.cpu), memory: 0 })).cpu;
}

/**
 * The pod cgroup's settings, as the kubelet's ResourceConfigForPod computes them: CPU shares
 * from the summed requests; for Guaranteed pods the summed CPU quota and memory limit; for
 * Burstable pods each only when every container declares that limit; BestEffort gets the
 * minimum shares; the pids limit (`--pod-pids-limit`) applies to every class.
 *
 * @example
 * podCgroupResources(pod, 'Guaranteed', 0); // { cpuShares: 256, cpuQuota: 25000, cpuPeriod: 100000, memoryLimitBytes: 67108864 }
 */
export function podCgroupResources(pod: KubeObject, qos: QosClass, podPidsLimit: number): PodCgroupResources {
  const spec = (pod.spec ?? {}) as Record<string, unknown>;
  const all = [...((spec.initContainers ?? []) as ContainerLike[]), ...((spec.containers ?? []) as ContainerLike[])];
  const requests = podTotals(spec, (c) => ({ cpu: milli(c.resources?.requests?.cpu ?? c.resources?.limits?.cpu), memory: bytes(c.resources?.requests?.memory ?? c.resources?.limits?.memory) }));
  const limits = podTotals(spec, (c) => ({ cpu: milli(c.resources?.limits?.cpu), memory: bytes(c.resources?.limits?.memory) }));
  const cpuLimitsDeclared = all.every((c) => milli(c.resources?.limits?.cpu) > 0);
  const memoryLimitsDeclared = all.every((c) => bytes(c.resources?.limits?.memory) > 0);
  const out: PodCgroupResources = {};
  if (podPidsLimit > 0) out.pidsLimit = podPidsLimit;
  if (qos === 'BestEffort') return { ...out, cpuShares: minShares };
  out.cpuShares = milliCpuToShares(requests.cpu);
  if (qos === 'Guaranteed' || cpuLimitsDeclared) {
    const quota = milliCpuToQuota(limits.cpu);
    if (quota > 0) {
      out.cpuQuota = quota;
      out.cpuPeriod = quotaPeriodUs;
    }
  }
  if ((qos === 'Guaranteed' || memoryLimitsDeclared) && limits.memory > 0) out.memoryLimitBytes = limits.memory;
  return out;
}
