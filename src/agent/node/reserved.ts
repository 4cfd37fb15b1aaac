import { parseQuantity } from '../../api/quantity.js';
import { thresholdAmount, type EvictionThreshold } from '../eviction/thresholds.js';

/** `--kube-reserved` / `--system-reserved`: amounts by resource name (cpu, memory, ephemeral-storage, pid). */
export type Reservation = Record<string, string>;

function amount(r: Reservation, name: string): number {
  const v = r[name];
  if (!v) return 0;
  return Number(parseQuantity(v).nanos) / 1e9;
}

/** Checks a reservation flag's names and quantities (kubelet: cpu, memory, ephemeral-storage, pid). */
export function validateReservation(flag: string, r: Reservation): void {
  for (const [k, v] of Object.entries(r)) {
    if (!['cpu', 'memory', 'ephemeral-storage', 'pid'].includes(k)) throw new Error(`${flag}: unsupported resource "${k}" (cpu, memory, ephemeral-storage, pid)`);
    const q = Number(parseQuantity(v).nanos);
    if (q < 0) throw new Error(`${flag}: ${k} must not be negative`);
  }
}

/**
 * Node allocatable as the kubelet computes it: capacity minus kube-reserved, system-reserved
 * and the hard eviction threshold (memory.available for memory, nodefs.available for
 * ephemeral storage), never below zero.
 *
 * @example
 * allocatableAmounts({ cpu: 2, memory: 8 * 2 ** 30, 'ephemeral-storage': 100e9 }, { memory: '512Mi' }, {}, parseEvictionHard('memory.available<100Mi'));
 * // { cpu: 2, memory: 7935623168, 'ephemeral-storage': 100000000000 }
 */
export function allocatableAmounts(capacity: Record<string, number>, kube: Reservation, system: Reservation, hard: EvictionThreshold[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, cap] of Object.entries(capacity)) {
    let v = cap - amount(kube, name) - amount(system, name);
    if (name === 'memory') {
      const t = hard.find((x) => x.signal === 'memory.available');
      if (t) v -= thresholdAmount(t, cap);
    }
    if (name === 'ephemeral-storage') {
      const t = hard.find((x) => x.signal === 'nodefs.available');
      if (t) v -= thresholdAmount(t, cap);
    }
    out[name] = Math.max(0, v);
  }
  return out;
}
