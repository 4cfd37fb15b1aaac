import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../../api/types.js';

/**
 * Whether a newer copy of a pod from the API asks for a sync pass, as the kubelet's pod
 * config decides between an UPDATE and a status-only RECONCILE: the spec, labels,
 * annotations, the deletion timestamp and grace period count; resourceVersion, managed
 * fields and the status the agent itself wrote do not. A pod that someone else moved to a
 * terminal phase counts too (the worker then stops it).
 *
 * @example
 * if (needsSync(worker.current, incoming)) worker.kick();
 */
export function needsSync(old: KubeObject, next: KubeObject): boolean {
  const a = old.metadata;
  const b = next.metadata;
  if (a.uid !== b.uid || a.deletionTimestamp !== b.deletionTimestamp || a.deletionGracePeriodSeconds !== b.deletionGracePeriodSeconds) return true;
  if (a.generation !== b.generation) return true;
  if (!isDeepStrictEqual(a.labels ?? {}, b.labels ?? {}) || !isDeepStrictEqual(a.annotations ?? {}, b.annotations ?? {})) return true;
  if (terminal(next) && !terminal(old)) return true;
  return !isDeepStrictEqual(old.spec, next.spec);
}

function terminal(pod: KubeObject): boolean {
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** The periodic resync of a pod that nothing woke (the kubelet's pod worker resync). */
export const resyncMs = 10_000;
/** A failed sync is retried first after this long, doubling per failed pass … */
export const firstRetryMs = 1_000;
/** … up to the kubelet's pod-worker back-off period. */
export const maxRetryMs = 10_000;

/** `base` stretched by up to half again at random, so pods created together do not sync in lockstep. */
export function jittered(base: number, random: () => number = Math.random): number {
  return base + Math.floor(base * 0.5 * random());
}

/**
 * When a pod worker looks at its pod again after a pass. A pass that ended with a
 * container waiting on an error (ErrImagePull, ImagePullBackOff, CrashLoopBackOff,
 * CreateContainerConfigError …) is retried with a back-off of its own — 1 s, doubling to
 * 10 s, back to 1 s whenever the reported status changed — so the waiting reason moves on
 * (ErrImagePull → ImagePullBackOff) without any status write of the agent's own waking it;
 * never later than the moment a crash or pull back-off ends (`retryAt`). A healthy pod is
 * resynced every ~10 s.
 *
 * @example
 * const next = new RetrySchedule();
 * const delay = next.after({ failed: true, retryAt: Date.now() + 10_000, statusChanged: true }, Date.now()); // ~1000
 */
export class RetrySchedule {
  private retryMs = firstRetryMs;

  constructor(private readonly random: () => number = Math.random) {}

  /** Milliseconds until the next pass after one that ended like this. */
  after(pass: { failed: boolean; retryAt?: number; statusChanged: boolean }, now: number): number {
    let delay: number;
    if (pass.failed) {
      if (pass.statusChanged) this.retryMs = firstRetryMs;
      delay = this.retryMs;
      this.retryMs = Math.min(this.retryMs * 2, maxRetryMs);
    } else {
      this.retryMs = firstRetryMs;
      delay = jittered(resyncMs, this.random);
    }
    // A back-off that ends sooner is worth a pass of its own, a little after it ends.
    if (pass.retryAt !== undefined) delay = Math.min(delay, Math.max(0, pass.retryAt - now) + 50);
    return delay;
  }

  /** A pass that threw (the API or the runtime failed): 500 ms doubling to 30 s. */
  private errors = 0;
  afterError(): number {
    this.errors++;
    return Math.min(30_000, 500 * 2 ** (this.errors - 1));
  }
  succeeded(): void {
    this.errors = 0;
  }
}
