import type { KubeObject } from '../../api/types.js';
import type { Logger } from '../../util/log.js';
import type { PodEvents } from '../pods/pod-events.js';
import type { ContainerInfo, SandboxStatus } from '../runtime/container-runtime.js';
import { podActionTarget, type ActionEnv } from './action-env.js';
import { probeContainer } from './prober.js';
import { probeOf, type ProbedContainer, type ProbeType } from './probe-spec.js';
import { ProbeWorker } from './probe-worker.js';

const probeTypes: ProbeType[] = ['startup', 'liveness', 'readiness'];

interface PodEntry {
  pod: KubeObject;
  sandbox?: SandboxStatus;
  latest: Map<string, ContainerInfo>;
  workers: ProbeWorker[];
}

/** Why a running container has to go: its liveness or startup probe failed. */
export interface ProbeKill {
  type: 'liveness' | 'startup';
  /** The probe's own terminationGracePeriodSeconds, which overrides the pod's. */
  graceSeconds?: number;
}

/**
 * The kubelet's prober manager: one ProbeWorker per container and probe type for the app
 * containers and sidecars of every pod on the node. The pod sync tells it what runs
 * (`update`), asks it whether a container counts as started and ready, and whether a
 * liveness or startup probe wants a container killed; result changes wake the pod's worker
 * through `onChange`.
 *
 * @example
 * const probes = new ProbeManager({ env: { exec, dialer }, events, log });
 * probes.onChange((uid) => pods.wake(uid));
 */
export class ProbeManager {
  private readonly pods = new Map<string, PodEntry>();
  private listener: (uid: string) => void = () => undefined;

  constructor(private readonly deps: { env: ActionEnv; events: PodEvents; log: Logger; now?: () => number }) {}

  onChange(listener: (uid: string) => void): void {
    this.listener = listener;
  }

  /** The pod's newest containers by name and its sandbox, after each sync. */
  update(pod: KubeObject, latest: Map<string, ContainerInfo>, sandbox: SandboxStatus | undefined): void {
    const uid = pod.metadata.uid!;
    let entry = this.pods.get(uid);
    if (!entry) {
      entry = { pod, latest, sandbox, workers: [] };
      this.pods.set(uid, entry);
      entry.workers = this.workersFor(entry);
    }
    entry.pod = pod;
    entry.latest = latest;
    entry.sandbox = sandbox;
    for (const w of entry.workers) w.poke();
  }

  /** Started: running, and its startup probe passed (or it has none). */
  started(uid: string, name: string, c: ContainerInfo | undefined): boolean {
    if (c?.state.phase !== 'running') return false;
    const w = this.worker(uid, name, 'startup');
    return !w || w.resultFor(c.id) === 'success';
  }

  /** Ready: started, and its readiness probe's last verdict is success (or it has none). */
  ready(uid: string, name: string, c: ContainerInfo | undefined): boolean {
    if (!this.started(uid, name, c)) return false;
    const w = this.worker(uid, name, 'readiness');
    return !w || w.resultFor(c!.id) === 'success';
  }

  /** A failed liveness or startup probe of this running container instance. */
  killReason(uid: string, name: string, c: ContainerInfo | undefined): ProbeKill | undefined {
    if (c?.state.phase !== 'running') return undefined;
    for (const type of ['liveness', 'startup'] as const) {
      const w = this.worker(uid, name, type);
      if (w?.resultFor(c.id) === 'failure') return { type, ...(w.spec.terminationGracePeriodSeconds !== undefined ? { graceSeconds: w.spec.terminationGracePeriodSeconds } : {}) };
    }
    return undefined;
  }

  /**
   * The pod is being stopped: liveness and startup probes end (a container that is shutting
   * down must not be killed for it), readiness keeps running, as the kubelet does.
   */
  stopLivenessAndStartup(uid: string): void {
    const entry = this.pods.get(uid);
    if (!entry) return;
    // Stopped workers keep their last results (a container not yet started stays so).
    for (const w of entry.workers) if (w.type !== 'readiness') w.stop();
  }

  removePod(uid: string): void {
    for (const w of this.pods.get(uid)?.workers ?? []) w.stop();
    this.pods.delete(uid);
  }

  stop(): void {
    for (const uid of [...this.pods.keys()]) this.removePod(uid);
  }

  /** Probe workers currently running (for tests and figures). */
  get workerCount(): number {
    let n = 0;
    for (const e of this.pods.values()) n += e.workers.length;
    return n;
  }

  private worker(uid: string, name: string, type: ProbeType): ProbeWorker | undefined {
    return this.pods.get(uid)?.workers.find((w) => w.containerName === name && w.type === type);
  }

  private workersFor(entry: PodEntry): ProbeWorker[] {
    const spec = (entry.pod.spec ?? {}) as { containers?: ProbedContainer[]; initContainers?: (ProbedContainer & { restartPolicy?: string })[] };
    const uid = entry.pod.metadata.uid!;
    // Probes run on app containers and on sidecars (init containers that keep running).
    const probed = [...(spec.containers ?? []).map((c) => ({ c, init: false })), ...(spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always').map((c) => ({ c, init: true }))];
    const workers: ProbeWorker[] = [];
    for (const { c, init } of probed) {
      for (const type of probeTypes) {
        const probe = probeOf(c, type);
        if (!probe) continue;
        const w: ProbeWorker = new ProbeWorker(type, c.name, probe, {
          container: () => entry.latest.get(c.name),
          deleting: () => !!entry.pod.metadata.deletionTimestamp,
          started: (id) => {
            const latest = entry.latest.get(c.name);
            return latest?.id === id && this.started(uid, c.name, latest);
          },
          now: this.deps.now ?? Date.now,
          probe: (info) => probeContainer(this.deps.env, podActionTarget(this.deps.env, entry.pod, entry.sandbox, info), type, c, probe, (t, reason, msg) => this.deps.events.container(entry.pod, { name: c.name, init }, t, reason, msg)),
          changed: () => {
            // A startup probe that passed lets liveness and readiness begin now.
            if (type === 'startup') for (const o of workers) if (o.containerName === c.name && o !== w) o.trigger();
            this.listener(uid);
          },
        });
        workers.push(w);
      }
    }
    return workers;
  }

}
