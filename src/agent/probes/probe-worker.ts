import type { ContainerInfo } from '../runtime/container-runtime.js';
import type { ProbeVerdict } from './prober.js';
import { probeTiming, type Probe, type ProbeTiming, type ProbeType } from './probe-spec.js';

/** A probe type's result for one container instance; `unknown` until a startup probe decides. */
export type ProbeResult = 'success' | 'failure' | 'unknown';

/** Before the first probe: live, not ready, not yet started (the kubelet's initial values). */
const initialResult: Record<ProbeType, ProbeResult> = { liveness: 'success', readiness: 'failure', startup: 'unknown' };

/** What a worker asks of the pod it probes. */
export interface WorkerHost {
  /** The newest container of the worker's name, or undefined before there is one. */
  container(): ContainerInfo | undefined;
  /** The pod is being deleted (liveness and startup probes stop, as on Kubernetes). */
  deleting(): boolean;
  /** Whether the container instance counts as started (its startup probe passed, or it has none). */
  started(id: string): boolean;
  /** Runs the probe once against the container and records events. */
  probe(info: ContainerInfo): Promise<ProbeVerdict>;
  /** A result changed (readiness toggled, liveness failed, startup passed). */
  changed(): void;
  now(): number;
}

/**
 * One probe of one container, the kubelet's probe worker: probes every periodSeconds once
 * the container runs and initialDelaySeconds passed, turns a result over only after
 * successThreshold / failureThreshold equal answers in a row, waits for the startup probe
 * before liveness and readiness run, and after a liveness or startup failure holds until a
 * new container instance appears. Results belong to a container ID, so a restarted container
 * starts from the initial value again.
 */
export class ProbeWorker {
  readonly timing: ProbeTiming;
  private containerId?: string;
  private result: ProbeResult;
  private lastVerdict?: 'success' | 'failure';
  private run = 0;
  private onHold = false;
  private timer?: NodeJS.Timeout;
  private probing = false;
  private stopped = false;
  private seenPhase?: string;

  constructor(
    readonly type: ProbeType,
    readonly containerName: string,
    readonly spec: Probe,
    private readonly host: WorkerHost,
  ) {
    this.timing = probeTiming(spec);
    this.result = initialResult[type];
  }

  /** The result for a container instance (its initial value while the worker has not seen it). */
  resultFor(id: string): ProbeResult {
    return id === this.containerId ? this.result : initialResult[this.type];
  }

  /** The container may have changed (new instance, started, exited): look again soon. */
  poke(): void {
    const c = this.host.container();
    if (!c || this.stopped) return;
    const phase = `${c.id}/${c.state.phase}`;
    if (phase === this.seenPhase) return;
    this.seenPhase = phase;
    if (c.id !== this.containerId) this.reset(c.id);
    if (c.state.phase === 'running') this.schedule(Math.max(0, c.state.startedAt + this.timing.initialDelaySeconds * 1000 - this.host.now()));
  }

  /** Probe now (a startup probe just passed, so liveness and readiness may begin). */
  trigger(): void {
    if (!this.stopped) this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private reset(id: string): void {
    this.containerId = id;
    this.result = initialResult[this.type];
    this.onHold = false;
    this.lastVerdict = undefined;
    this.run = 0;
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delayMs);
    this.timer.unref?.();
  }

  private set(result: ProbeResult): void {
    if (this.result === result) return;
    this.result = result;
    this.host.changed();
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    if (this.probing) return this.schedule(this.timing.periodSeconds * 1000);
    this.probing = true;
    const startedAt = this.host.now();
    let keepGoing = true;
    try {
      keepGoing = await this.probeOnce();
    } finally {
      this.probing = false;
    }
    if (!keepGoing) return this.stop();
    this.schedule(Math.max(0, startedAt + this.timing.periodSeconds * 1000 - this.host.now()));
  }

  /** One round; false when this worker is done for good. */
  private async probeOnce(): Promise<boolean> {
    const c = this.host.container();
    if (!c) return true;
    if (c.id !== this.containerId) this.reset(c.id);
    if (this.onHold) return true;
    if (c.state.phase !== 'running') {
      // Not running is not healthy; the exit itself already woke the pod worker.
      this.result = 'failure';
      return true;
    }
    if (this.host.deleting() && this.type !== 'readiness') {
      // A pod being deleted stops liveness and startup probing quietly.
      this.set('success');
      return false;
    }
    if (this.host.now() - c.state.startedAt < this.timing.initialDelaySeconds * 1000) return true;
    const started = this.host.started(c.id);
    if (started === (this.type === 'startup')) return true;
    const verdict = await this.host.probe(c);
    // The container may have been replaced while the probe ran: that answer is stale.
    if (this.stopped || verdict === 'error' || this.host.container()?.id !== this.containerId) return true;
    if (this.lastVerdict === verdict) this.run++;
    else {
      this.lastVerdict = verdict;
      this.run = 1;
    }
    const threshold = verdict === 'failure' ? this.timing.failureThreshold : this.timing.successThreshold;
    if (this.run < threshold) return true;
    this.set(verdict);
    if (verdict === 'failure' && this.type !== 'readiness') {
      // The container will be killed: stop probing it until a new instance runs.
      this.onHold = true;
      this.run = 0;
    }
    return true;
  }
}
