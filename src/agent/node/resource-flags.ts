import { defaultEvictionHard, parseEvictionHard, type EvictionThreshold } from '../eviction/thresholds.js';
import type { Reservation } from './reserved.js';

/** The agent's resource management flags (kubelet names). */
export interface NodeResourceFlags {
  /** `--pod-pids-limit`: most processes per pod; -1 unlimited (kubelet default). */
  podPidsLimit: number;
  /** `--kube-reserved`, `--system-reserved`: taken out of allocatable. */
  kubeReserved: Reservation;
  systemReserved: Reservation;
  /** `--eviction-hard`, e.g. `memory.available<100Mi,nodefs.available<10%`. */
  evictionHard: string;
  /** `--eviction-pressure-transition-period`: how long a pressure condition stays after the signal recovers. */
  evictionPressureTransitionPeriodMs: number;
}

export const defaultNodeResourceFlags: NodeResourceFlags = {
  podPidsLimit: -1,
  kubeReserved: {},
  systemReserved: {},
  evictionHard: defaultEvictionHard,
  evictionPressureTransitionPeriodMs: 5 * 60_000,
};

/** Resource flags with defaults filled in and the thresholds parsed. */
export function resolveResourceFlags(partial: Partial<NodeResourceFlags> | undefined): NodeResourceFlags & { thresholds: EvictionThreshold[] } {
  const f = { ...defaultNodeResourceFlags, ...(partial ?? {}) };
  return { ...f, thresholds: parseEvictionHard(f.evictionHard) };
}
