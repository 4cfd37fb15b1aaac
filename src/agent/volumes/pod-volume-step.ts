import type { KubeObject } from '../../api/types.js';
import type { PodEvents } from '../pods/pod-events.js';
import type { MountedVolume } from './volume-types.js';
import { PodVolumesNotReady, type VolumeManager } from './volume-manager.js';

/** A pod's volumes before its containers: all there, or not yet (look again at `retryAt`). */
export type VolumeStep = { ready: true; volumes: Map<string, MountedVolume> } | { ready: false; retryAt: number };

const firstRetryMs = 1000;
const maxRetryMs = 10_000;

/**
 * The pod sync's volume step (the kubelet's WaitForAttachAndMount): set up every volume; if
 * one cannot be, record a `FailedMount` warning per volume and retry with a back-off
 * (1 s doubling to 10 s; a change of a missing ConfigMap or Secret wakes the pod sooner).
 *
 * @example
 * const step = new PodVolumeStep(volumes, events);
 * const r = await step.run(pod, Date.now());
 * if (!r.ready) return { status, terminal: false, retryAt: r.retryAt };
 */
export class PodVolumeStep {
  private readonly failures = new Map<string, number>();

  constructor(
    private readonly volumes: VolumeManager,
    private readonly events: PodEvents,
  ) {}

  async run(pod: KubeObject, now: number): Promise<VolumeStep> {
    const uid = pod.metadata.uid!;
    try {
      const volumes = await this.volumes.setUp(pod);
      this.failures.delete(uid);
      return { ready: true, volumes };
    } catch (err) {
      if (!(err instanceof PodVolumesNotReady)) throw err;
      for (const e of err.errors) this.events.pod(pod, 'Warning', 'FailedMount', e.eventMessage);
      const n = this.failures.get(uid) ?? 0;
      this.failures.set(uid, n + 1);
      return { ready: false, retryAt: now + Math.min(maxRetryMs, firstRetryMs * 2 ** n) };
    }
  }

  /** The pod is gone: tear its volumes down. */
  async tearDown(uid: string): Promise<void> {
    this.failures.delete(uid);
    await this.volumes.tearDown(uid);
  }
}
