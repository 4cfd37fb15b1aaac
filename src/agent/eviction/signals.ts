import type { EvictionSignal, EvictionThreshold } from './thresholds.js';
import { thresholdAmount } from './thresholds.js';

/** What one signal measured: how much is available out of how much. */
export interface SignalObservation {
  available: number;
  capacity: number;
}

export type Observations = Partial<Record<EvictionSignal, SignalObservation>>;

/** The inputs the node-level signals come from (kubelet's summary provider). */
export interface NodeReadings {
  memory?: { capacityBytes: number; workingSetBytes: number };
  nodefs?: { capacityBytes: number; availableBytes: number; inodes: number; inodesFree: number };
  imagefs?: { capacityBytes: number; availableBytes: number; inodes: number; inodesFree: number };
  pids?: { maxpid: number; curproc: number };
}

/**
 * The kubelet's eviction signals from node readings: memory.available is capacity minus the
 * working set; filesystem signals are free space and inodes; pid.available is the limit
 * minus the processes running.
 *
 * @example
 * observeSignals({ memory: { capacityBytes: 8e9, workingSetBytes: 6e9 } }); // { 'memory.available': { available: 2e9, capacity: 8e9 } }
 */
export function observeSignals(r: NodeReadings): Observations {
  const out: Observations = {};
  if (r.memory) out['memory.available'] = { available: Math.max(0, r.memory.capacityBytes - r.memory.workingSetBytes), capacity: r.memory.capacityBytes };
  if (r.nodefs) {
    out['nodefs.available'] = { available: r.nodefs.availableBytes, capacity: r.nodefs.capacityBytes };
    out['nodefs.inodesFree'] = { available: r.nodefs.inodesFree, capacity: r.nodefs.inodes };
  }
  const img = r.imagefs ?? r.nodefs;
  if (img) {
    out['imagefs.available'] = { available: img.availableBytes, capacity: img.capacityBytes };
    out['imagefs.inodesFree'] = { available: img.inodesFree, capacity: img.inodes };
  }
  if (r.pids) out['pid.available'] = { available: Math.max(0, r.pids.maxpid - r.pids.curproc), capacity: r.pids.maxpid };
  return out;
}

/** A threshold that is met, with what it measured. */
export interface MetThreshold {
  threshold: EvictionThreshold;
  quantity: number;
  observed: SignalObservation;
}

/** The thresholds whose signal fell below them (a threshold with no observation is not met). */
export function thresholdsMet(thresholds: EvictionThreshold[], obs: Observations): MetThreshold[] {
  const out: MetThreshold[] = [];
  for (const t of thresholds) {
    const o = obs[t.signal];
    if (!o) continue;
    const quantity = thresholdAmount(t, o.capacity);
    if (o.available < quantity) out.push({ threshold: t, quantity, observed: o });
  }
  return out;
}

/** Node conditions each signal drives, and the resource it reclaims. */
export const signalInfo: Record<EvictionSignal, { condition: 'MemoryPressure' | 'DiskPressure' | 'PIDPressure'; resource: 'memory' | 'ephemeral-storage' | 'pids' | 'inodes' }> = {
  'memory.available': { condition: 'MemoryPressure', resource: 'memory' },
  'nodefs.available': { condition: 'DiskPressure', resource: 'ephemeral-storage' },
  'nodefs.inodesFree': { condition: 'DiskPressure', resource: 'inodes' },
  'imagefs.available': { condition: 'DiskPressure', resource: 'ephemeral-storage' },
  'imagefs.inodesFree': { condition: 'DiskPressure', resource: 'inodes' },
  'pid.available': { condition: 'PIDPressure', resource: 'pids' },
};
