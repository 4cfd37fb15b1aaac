import type { KubeObject } from '../../api/types.js';
import type { Logger } from '../../util/log.js';
import { evictionMessage } from './eviction-message.js';
import { admitUnderPressure } from './eviction-admission.js';
import type { PodAdmission } from '../pods/pod-admission.js';
import { localStorageViolation } from './local-storage.js';
import { rankForEviction, rankForPidPressure, type PodUsage } from './ranking.js';
import { observeSignals, signalInfo, thresholdsMet, type MetThreshold, type NodeReadings, type Observations } from './signals.js';
import type { EvictionThreshold } from './thresholds.js';

export type PressureCondition = 'MemoryPressure' | 'DiskPressure' | 'PIDPressure';

export interface EvictionManagerDeps {
  thresholds: EvictionThreshold[];
  /** `--eviction-pressure-transition-period`: a condition stays True this long after its signal recovered. */
  transitionPeriodMs: number;
  /** Node readings; injectable so tests can feed a synthetic signal. */
  readings(): Promise<NodeReadings>;
  /** Usage of the node's running pods; `withDisk` asks for ephemeral storage of every pod (not only those with limits). */
  podUsage(withDisk: boolean): Promise<PodUsage[]>;
  /** A pod's local volume over its size limit (emptyDir sizeLimit), as the eviction message; checked first. */
  volumeViolation?(pod: KubeObject): Promise<string | undefined>;
  /** Stops the pod and reports it Failed/Evicted with the message. */
  evict(pod: KubeObject, message: string): Promise<void>;
  event(ref: { kind: string; name: string; uid?: string; namespace?: string; apiVersion?: string }, type: 'Normal' | 'Warning', reason: string, message: string): void;
  nodeName: string;
  now?: () => number;
  log: Logger;
}

/** Pods the kubelet never evicts: system-critical priority and above. */
const criticalPriority = 2_000_000_000;

/** Which met threshold the kubelet reclaims first: memory, then disk, then pids. */
const signalOrder = ['memory.available', 'nodefs.available', 'nodefs.inodesFree', 'imagefs.available', 'imagefs.inodesFree', 'pid.available'];

/**
 * The kubelet's eviction manager: every pass it measures the node's signals against the
 * hard thresholds, keeps the pressure conditions (held for the transition period), evicts a
 * pod over its ephemeral-storage limits, and under pressure evicts one pod in the kubelet's
 * order (over requests, lower priority, larger excess), recording `EvictionThresholdMet`
 * on the node and `Evicted` on the pod.
 *
 * @example
 * const m = new EvictionManager({ thresholds, transitionPeriodMs: 300_000, readings, podUsage, evict, event, nodeName, log });
 * await m.synchronize(); // { evicted: pod } under pressure
 * m.conditions(); // { MemoryPressure: true, DiskPressure: false, PIDPressure: false }
 */
export class EvictionManager {
  private readonly lastMet = new Map<PressureCondition, number>();
  private lastObservations: Observations = {};
  private timer?: NodeJS.Timeout;
  private busy = false;

  constructor(private readonly deps: EvictionManagerDeps) {}

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  /** The pressure conditions now (True while a threshold is met, and for the transition period after). */
  conditions(): Record<PressureCondition, boolean> {
    const now = this.now();
    const on = (c: PressureCondition) => {
      const at = this.lastMet.get(c);
      return at !== undefined && now - at < Math.max(this.deps.transitionPeriodMs, 1);
    };
    return { MemoryPressure: on('MemoryPressure'), DiskPressure: on('DiskPressure'), PIDPressure: on('PIDPressure') };
  }

  /** The eviction admit handler for a new pod, under the current conditions. */
  admit(pod: KubeObject): PodAdmission {
    return admitUnderPressure(pod, this.conditions());
  }

  get observations(): Observations {
    return this.lastObservations;
  }

  /** Runs `synchronize` every `intervalMs` (kubelet: 10 s); `onPass` runs after each pass (to post node status). */
  start(intervalMs = 10_000, onPass?: () => void): void {
    const tick = () => {
      if (this.busy) return;
      this.busy = true;
      this.synchronize()
        .then(() => onPass?.())
        .catch((err) => this.deps.log.warn({ err }, 'eviction pass failed'))
        .finally(() => (this.busy = false));
    };
    this.timer = setInterval(tick, intervalMs);
    this.timer.unref();
    tick();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One pass; returns the pod it evicted, if any. */
  async synchronize(): Promise<{ evicted?: KubeObject; met: MetThreshold[] }> {
    const obs = observeSignals(await this.deps.readings());
    this.lastObservations = obs;
    const met = thresholdsMet(this.deps.thresholds, obs);
    const now = this.now();
    for (const m of met) this.lastMet.set(signalInfo[m.threshold.signal].condition, now);

    const diskMet = met.some((m) => signalInfo[m.threshold.signal].condition === 'DiskPressure');
    const usage = (await this.deps.podUsage(diskMet)).filter((u) => Number((u.pod.spec as { priority?: number } | undefined)?.priority ?? 0) < criticalPriority);
    // Local storage limits come first and do not need node pressure.
    for (const u of usage) {
      const why = (await this.deps.volumeViolation?.(u.pod)) ?? localStorageViolation(u);
      if (why) {
        await this.evictPod(u.pod, why);
        return { evicted: u.pod, met };
      }
    }
    if (!met.length) return { met };
    met.sort((a, b) => signalOrder.indexOf(a.threshold.signal) - signalOrder.indexOf(b.threshold.signal));
    const first = met[0]!;
    const resource = signalInfo[first.threshold.signal].resource;
    const nodeRef = { kind: 'Node', name: this.deps.nodeName, uid: this.deps.nodeName, apiVersion: 'v1' };
    this.deps.event(nodeRef, 'Warning', 'EvictionThresholdMet', `Attempting to reclaim ${resource}`);
    const ranked = resource === 'memory' ? rankForEviction(usage, 'memory') : resource === 'pids' ? rankForPidPressure(usage) : rankForEviction(usage, 'ephemeral-storage');
    const victim = ranked[0];
    if (!victim) return { met };
    const message = evictionMessage(resource, { quantity: first.quantity, available: first.observed.available }, victim);
    await this.evictPod(victim.pod, message);
    return { evicted: victim.pod, met };
  }

  private async evictPod(pod: KubeObject, message: string): Promise<void> {
    this.deps.log.info({ pod: `${pod.metadata.namespace}/${pod.metadata.name}`, message }, 'evicting pod');
    this.deps.event({ kind: 'Pod', name: pod.metadata.name!, namespace: pod.metadata.namespace, uid: pod.metadata.uid, apiVersion: 'v1' }, 'Warning', 'Evicted', message);
    await this.deps.evict(pod, message);
  }
}
