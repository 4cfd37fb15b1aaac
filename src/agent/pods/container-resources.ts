import { parseQuantity, quantityMilliValue } from '../../api/quantity.js';
import type { ContainerResources } from '../runtime/container-runtime.js';
import { lowestOomScoreAdj } from '../runtime/oom-score.js';
import { milliCpuToQuota, milliCpuToShares, quotaPeriodUs } from './pod-resources.js';

interface ResourcesLike {
  limits?: Record<string, string>;
  requests?: Record<string, string>;
}

function milli(v: string | undefined): number | undefined {
  return v === undefined ? undefined : Number(quantityMilliValue(parseQuantity(v)));
}

function bytes(v: string | undefined): number | undefined {
  return v === undefined ? undefined : Number(parseQuantity(v).nanos / 1_000_000_000n);
}

/**
 * The kubelet's OOM score policy: Guaranteed -997, BestEffort 1000, Burstable
 * 1000 − 1000·memoryRequest/capacity, kept within [3, 999] so Burstable stays between them.
 *
 * @example
 * oomScoreAdjFor('Burstable', 2 ** 30, 8 * 2 ** 30); // 875
 */
export function oomScoreAdjFor(qos: 'Guaranteed' | 'Burstable' | 'BestEffort', memoryRequest: number, memoryCapacity: number): number {
  if (qos === 'Guaranteed') return -997;
  if (qos === 'BestEffort') return 1000;
  const adj = 1000 - Math.floor((1000 * memoryRequest) / Math.max(1, memoryCapacity));
  if (adj < 3) return 3;
  if (adj === 1000) return 999;
  return adj;
}

/**
 * cgroup settings for a container from its requests and limits, as the kubelet computes
 * them: CPU shares from the request (MilliCPUToShares, 2 when none), a CFS quota from the
 * limit (MilliCPUToQuota), the memory limit in bytes, and the OOM score adjustment of the
 * pod's QoS class (never below what this host lets the agent set).
 *
 * @example
 * containerResources({ requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } }, 'Burstable', 8 * 2 ** 30);
 * // { cpuShares: 256, cpuQuota: 50000, cpuPeriod: 100000, memoryLimitBytes: 134217728, oomScoreAdj: 993 }
 */
export function containerResources(res: ResourcesLike | undefined, qos: 'Guaranteed' | 'Burstable' | 'BestEffort', memoryCapacity: number): ContainerResources {
  const reqCpu = milli(res?.requests?.cpu);
  const limCpu = milli(res?.limits?.cpu);
  const out: ContainerResources = { cpuShares: milliCpuToShares(reqCpu ?? 0) };
  if (limCpu !== undefined && limCpu > 0) {
    out.cpuQuota = milliCpuToQuota(limCpu);
    out.cpuPeriod = quotaPeriodUs;
  }
  const limMem = bytes(res?.limits?.memory);
  if (limMem !== undefined) out.memoryLimitBytes = limMem;
  out.oomScoreAdj = Math.max(oomScoreAdjFor(qos, bytes(res?.requests?.memory) ?? 0, memoryCapacity), lowestOomScoreAdj());
  return out;
}
