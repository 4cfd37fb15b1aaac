import type { KubeObject } from '../../api/types.js';
import { ApiError } from '../../apiserver/errors.js';
import type { RestClient } from '../../client/rest-client.js';
import type { Logger } from '../../util/log.js';
import { killGraceSeconds, type PodSyncer } from './pod-sync.js';
import type { StatusManager } from './status-manager.js';
import { admitPod, type PodAdmission } from './pod-admission.js';
import { evictedStatus } from '../eviction/eviction-message.js';
import { rfc3339 } from '../../util/clock.js';
import { needsSync, RetrySchedule } from './sync-triggers.js';

/**
 * Where a pod worker is: running the pod, stopping it (the grace period can only shrink),
 * or done (containers stopped; the API object is deleted if the pod was being deleted).
 */
export type WorkerPhase =
  | { kind: 'syncing' }
  | { kind: 'terminating'; graceSeconds: number }
  | { kind: 'terminated'; deleteSent: boolean };

export interface PodWorkerDeps {
  syncer: PodSyncer;
  statuses: StatusManager;
  client: RestClient;
  log: Logger;
  /** The worker is finished: the pod is gone from the API and from the node. */
  onFinished(uid: string): void;
  /** Admit handlers that run before the agent's own (the eviction manager's under node pressure). */
  admit?: (pod: KubeObject) => PodAdmission;
  /** When to look again after a pass (tests pass one with a fixed random source). */
  schedule?: RetrySchedule;
}

const terminalPhases = ['Succeeded', 'Failed'];

/**
 * One pod's serialized worker, the kubelet's pod worker: a real change schedules one more
 * pass — the spec or deletion from the API (not the status the agent wrote itself, see
 * `needsSync`), a container exit, a probe result, a volume getting ready — and so do the
 * retry of a failed pass and the periodic resync (`RetrySchedule`). Passes never overlap;
 * only the newest pod object is kept, but a pending termination is never dropped, and a
 * terminated pod never starts again.
 */
export class PodWorker {
  private phase: WorkerPhase = { kind: 'syncing' };
  private gone = false;
  private running = false;
  private dirty = false;
  private timer?: NodeJS.Timeout;
  private killTimer?: NodeJS.Timeout;
  private reportedCreating = false;
  /** Whether any pass was asked for yet (the first copy of the pod always is). */
  private kicked = false;
  private readonly schedule: RetrySchedule;
  /** The status the last pass reported, to tell a changed waiting reason from a repeat. */
  private lastReported = '';
  /** Set when the node evicts the pod: the final status says so. */
  private eviction?: { message: string };

  constructor(
    private pod: KubeObject,
    private readonly deps: PodWorkerDeps,
  ) {
    this.schedule = deps.schedule ?? new RetrySchedule();
  }

  get uid(): string {
    return this.pod.metadata.uid!;
  }

  get current(): KubeObject {
    return this.pod;
  }

  get state(): WorkerPhase {
    return this.phase;
  }

  /** A newer version of the pod from the API. */
  update(pod: KubeObject): void {
    const changed = !this.kicked || needsSync(this.pod, pod);
    this.pod = pod;
    if (pod.metadata.deletionTimestamp) this.terminate(killGraceSeconds(pod));
    // The agent's own status writes come back as updates too: they are kept, not synced on.
    if (changed) this.kick();
  }

  /** The pod is gone from the API (deleted, maybe forcibly): stop it and clean up. */
  remove(): void {
    this.gone = true;
    this.terminate(1);
    this.kick();
  }

  /** The node evicts the pod (eviction manager): stop it, then report it Failed with reason Evicted. */
  evict(message: string, graceSeconds = 1): void {
    if (this.phase.kind === 'terminated') return;
    this.eviction = { message };
    this.terminate(graceSeconds);
    this.kick();
  }

  /** Something changed on the node (a container exited, a probe result, a volume got ready). */
  wake(): void {
    this.kick();
  }

  stop(): void {
    clearTimeout(this.timer);
    clearTimeout(this.killTimer);
  }

  private terminate(graceSeconds: number): void {
    const p = this.phase;
    if (p.kind === 'syncing') {
      this.phase = { kind: 'terminating', graceSeconds };
      // A sync blocked in a postStart hook must not hold the pod's termination back.
      this.deps.syncer.interruptHooks?.(this.uid);
      return;
    }
    if (p.kind === 'terminating' && graceSeconds < p.graceSeconds) {
      // A shorter grace period arrived while stopping: the kill comes sooner.
      p.graceSeconds = graceSeconds;
      clearTimeout(this.killTimer);
      this.killTimer = setTimeout(() => void this.deps.syncer.killNow(this.uid), graceSeconds * 1000);
    }
  }

  private kick(): void {
    this.kicked = true;
    this.dirty = true;
    if (!this.running) void this.loop();
  }

  private async loop(): Promise<void> {
    this.running = true;
    try {
      while (this.dirty) {
        this.dirty = false;
        clearTimeout(this.timer);
        try {
          await this.step();
          this.schedule.succeeded();
        } catch (err) {
          const delay = this.schedule.afterError();
          this.deps.log.warn({ err, pod: `${this.pod.metadata.namespace}/${this.pod.metadata.name}`, retryMs: delay }, 'pod sync failed');
          this.later(delay);
        }
      }
    } finally {
      this.running = false;
    }
  }

  private later(delayMs: number): void {
    clearTimeout(this.timer);
    // The agent's servers keep the process alive; a pending resync alone should not.
    this.timer = setTimeout(() => this.kick(), delayMs).unref();
  }

  private async step(): Promise<void> {
    const { syncer, statuses } = this.deps;
    const pod = this.pod;
    const p = this.phase;
    if (p.kind === 'syncing') {
      const apiPhase = (pod.status as { phase?: string } | undefined)?.phase;
      if (terminalPhases.includes(apiPhase ?? '') || this.gone) {
        this.phase = { kind: 'terminating', graceSeconds: 1 };
        this.dirty = true;
        return;
      }
      const early = this.deps.admit?.(pod);
      const admission = early && !early.admit ? early : admitPod(pod);
      if (!admission.admit) {
        // Nothing was started: the pod is done as it stands.
        await statuses.set(pod, syncer.reject(pod, admission.reason, admission.message));
        this.phase = { kind: 'terminated', deleteSent: false };
        this.dirty = true;
        return;
      }
      if (!this.reportedCreating && !(pod.status as { containerStatuses?: unknown })?.containerStatuses) {
        this.reportedCreating = true;
        // Users see ContainerCreating right away, before images and containers are ready.
        void statuses.set(pod, await syncer.initialStatus(pod)).catch(() => undefined);
      }
      const outcome = await syncer.sync(pod);
      await statuses.set(pod, outcome.status);
      if (this.phase.kind !== 'syncing') return;
      if (outcome.terminal) {
        this.phase = { kind: 'terminating', graceSeconds: 1 };
        this.dirty = true;
      } else {
        const reported = JSON.stringify(outcome.status);
        const statusChanged = reported !== this.lastReported;
        this.lastReported = reported;
        this.later(this.schedule.after({ failed: outcome.failed ?? false, retryAt: outcome.retryAt, statusChanged }, Date.now()));
      }
      return;
    }
    if (p.kind === 'terminating') {
      let status = await syncer.kill(pod, p.graceSeconds);
      if (this.eviction) status = evictedStatus(status, this.eviction.message, rfc3339(Date.now()));
      clearTimeout(this.killTimer);
      if (!this.gone) await statuses.set(pod, status);
      this.phase = { kind: 'terminated', deleteSent: false };
      this.dirty = true;
      return;
    }
    if (this.gone) {
      await syncer.cleanup(this.uid);
      statuses.forget(this.uid);
      this.deps.onFinished(this.uid);
      return;
    }
    if (pod.metadata.deletionTimestamp && !p.deleteSent) {
      // Containers are gone: the API object may go now (the kubelet's final delete).
      p.deleteSent = true;
      try {
        await this.deps.client.delete(`/api/v1/namespaces/${encodeURIComponent(pod.metadata.namespace!)}/pods/${encodeURIComponent(pod.metadata.name!)}`, {
          apiVersion: 'v1',
          kind: 'DeleteOptions',
          gracePeriodSeconds: 0,
          preconditions: { uid: this.uid },
        });
      } catch (err) {
        if (!(err instanceof ApiError && (err.code === 404 || err.code === 409))) {
          p.deleteSent = false;
          throw err;
        }
      }
    }
  }
}
