import { parseQuantity, quantityMilliValue } from '../../api/quantity.js';
import type { ContainerResources } from '../runtime/container-runtime.js';

interface ResourcesLike {
  limits?: Record<string, string>;
  requests?: Record<string, string>;
}

const minShares = 2;
const periodUs = 100_000;

function milli(v: string | undefined): number | undefined {
  return v === undefined ? undefined : Number(quantityMilliValue(parseQuantity(v)));
}

function bytes(v: string | undefined): number | undefined {
  return v === undefined ? undefined : Number(parseQuantity(v).nanos / 1_000_000_000n);
}

/**
 * cgroup settings for a container from its requests and limits, as the kubelet computes
 * them: CPU shares from the request (2 when none), a CFS quota from the limit, the memory
 * limit in bytes, and the OOM score adjustment of the pod's QoS class.
 *
 * @example
 * containerResources({ requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } }, 'Burstable', 8 * 2 ** 30);
 * // { cpuShares: 256, cpuQuota: 50000, cpuPeriod: 100000, memoryLimitBytes: 134217728, oomScoreAdj: 993 }
 */
export function containerResources(res: ResourcesLike | undefined, qos: 'Guaranteed' | 'Burstable' | 'BestEffort', memoryCapacity: number): ContainerResources {
  const reqCpu = milli(res?.requests?.cpu);
  const limCpu = milli(res?.limits?.cpu);
  const out: ContainerResources = { cpuShares: Math.max(minShares, Math.floor(((reqCpu ?? 0) * 1024) / 1000)) };
  if (limCpu !== undefined) {
    out.cpuQuota = Math.max(1000, Math.floor((limCpu * periodUs) / 1000));
    out.cpuPeriod = periodUs;
  }
  const limMem = bytes(res?.limits?.memory);
  if (limMem !== undefined) out.memoryLimitBytes = limMem;
  if (qos === 'Guaranteed') out.oomScoreAdj = -997;
  else if (qos === 'BestEffort') out.oomScoreAdj = 1000;
  else {
    const req = bytes(res?.requests?.memory) ?? 0;
    let adj = 1000 - Math.floor((1000 * req) / Math.max(1, memoryCapacity));
    if (adj < 2) adj = 2;
    if (adj === 1000) adj = 999;
    out.oomScoreAdj = adj;
  }
  return out;
}
