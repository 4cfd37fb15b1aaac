import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeObject } from '../../api/types.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/log.js';
import type { ImageService } from '../images/image-service.js';
import type { ContainerInfo, ContainerRuntime } from '../runtime/container-runtime.js';
import { Backoff, goDuration } from './backoff.js';
import { attemptOf, containersByName, labels } from './container-labels.js';
import { containerHash, type ContainerSpec } from './container-config.js';
import type { EnvSources } from './env.js';
import { PodEvents, podDescription } from './pod-events.js';
import type { PodPaths } from './pod-paths.js';
import { buildPodStatus, type ContainerObservation } from './pod-status.js';
import { terminationMessage } from './termination-message.js';
import { ContainerStarter } from './container-starter.js';
import { ensurePodSandbox } from './pod-sandbox.js';
import { killGraceSeconds, shouldRestart, specOf } from './pod-spec-view.js';
import { PodLifecycle } from '../lifecycle/pod-lifecycle.js';
import { HookAborts } from '../lifecycle/hook-aborts.js';
import type { ActionEnv } from '../probes/action-env.js';
import type { ProbeManager } from '../probes/probe-manager.js';
import { PodVolumeStep } from '../volumes/pod-volume-step.js';
import type { VolumeManager } from '../volumes/volume-manager.js';

export { killGraceSeconds, shouldRestart } from './pod-spec-view.js';

/** Node facts the pod sync needs. */
export interface NodeFacts {
  name: string;
  hostIPs(): string[];
  allocatable(): Record<string, string>;
  memoryCapacityBytes(): number;
}

export interface DnsSettings {
  clusterDNS: string[];
  clusterDomain: string;
  hostResolvConf: string;
}

export interface PodSyncDeps {
  runtime: ContainerRuntime;
  images: ImageService;
  events: PodEvents;
  envSources: EnvSources;
  node: NodeFacts;
  paths: PodPaths;
  cgroupRoot: string;
  /** Most processes a pod may run (kubelet --pod-pids-limit); 0 or less: no limit. */
  podPidsLimit?: number;
  dns: DnsSettings;
  /** Services the node sees, for containers' service link variables. */
  services?: () => KubeObject[];
  /** Pod volumes; without it pods run with no volumes (simulated nodes, runtime tests). */
  volumes?: VolumeManager;
  /** Exec in containers and dialing into pods, for lifecycle hooks; hooks are skipped without it. */
  actions?: ActionEnv;
  /** Liveness, readiness and startup probes; without it running containers are started and ready. */
  probes?: ProbeManager;
  clock: Clock;
  log: Logger;
}

/** The result of one sync pass: the status to report and when to look again. */
export interface SyncOutcome {
  status: Record<string, unknown>;
  /** Nothing will run in this pod again (restartPolicy exhausted): it should be torn down. */
  terminal: boolean;
  /** A backoff ends then; sync again. */
  retryAt?: number;
  /** A container waits on an error (pull, config, crash back-off): the worker retries the pass soon. */
  failed?: boolean;
}

type Waiting = { reason: string; message?: string };

/**
 * One pod's lifecycle against the runtime, the kubelet's SyncPod / KillPod: make the
 * sandbox, run init containers in order, start and restart app containers by restartPolicy
 * with CrashLoopBackOff, replace containers whose definition changed, and report status.
 */
export class PodSyncer {
  private readonly crashBackoff: Backoff;
  private readonly starter: ContainerStarter;
  /** Waiting reasons that outlive one sync (pull and config errors), by `uid/container`. */
  private readonly reasons = new Map<string, Waiting>();
  /** Termination messages of finished containers, by container id. */
  private readonly messages = new Map<string, string>();
  /** The exited container a BackOff event was last recorded for, by `uid/container` (one event per crash). */
  private readonly backoffReported = new Map<string, string>();
  /** Probes, hooks and ordered shutdown. */
  private readonly lifecycle: PodLifecycle;
  /** postStart hooks a stopping pod cuts short. */
  private readonly hookAborts = new HookAborts();
  private readonly volumeStep?: PodVolumeStep;

  constructor(private readonly deps: PodSyncDeps) {
    this.crashBackoff = new Backoff(10_000, 300_000, deps.clock);
    this.starter = new ContainerStarter(deps, this.reasons, this.hookAborts);
    this.lifecycle = new PodLifecycle(deps);
    if (deps.volumes) this.volumeStep = new PodVolumeStep(deps.volumes, deps.events);
  }

  private async start(pod: KubeObject, c: ContainerSpec, attempt: number, init: boolean): Promise<void> {
    await this.starter.start(pod, c, attempt, init);
    for (const id of await this.starter.collectOld(pod, c.name, attempt)) this.messages.delete(id);
  }

  private async podContainers(uid: string): Promise<Map<string, ContainerInfo[]>> {
    return containersByName(await this.deps.runtime.list(), uid);
  }

  /**
   * Refuses a pod before anything of it runs (the kubelet's rejectPod): a Warning event with
   * the reason, and the Failed status to write.
   */
  reject(pod: KubeObject, reason: string, message: string): Record<string, unknown> {
    this.deps.events.pod(pod, 'Warning', reason, message);
    const qosClass = (pod.status as { qosClass?: string } | undefined)?.qosClass;
    return { phase: 'Failed', reason, message: `Pod was rejected: ${message}`, ...(qosClass ? { qosClass } : {}) };
  }

  /** A status for a pod the agent has not acted on yet (everything waiting in ContainerCreating). */
  async initialStatus(pod: KubeObject): Promise<Record<string, unknown>> {
    return (await this.observe(pod, false)).status;
  }

  /** One pass over the pod: start what should run, then report. */
  async sync(pod: KubeObject): Promise<SyncOutcome> {
    const uid = pod.metadata.uid!;
    const spec = specOf(pod);
    // Volumes come first, as the kubelet waits for them before the sandbox: until they are
    // ready the containers stay in ContainerCreating.
    const vols = await this.volumeStep?.run(pod, this.deps.clock.now());
    if (vols && !vols.ready) return { status: (await this.observe(pod, false)).status, terminal: false, retryAt: vols.retryAt };
    await ensurePodSandbox(this.deps.runtime, pod, this.deps.dns, this.deps.cgroupRoot, this.deps.podPidsLimit);
    let byName = await this.podContainers(uid);
    let terminal = false;
    let retryAt: number | undefined;
    const wake = (t: number | undefined) => {
      if (t !== undefined && (retryAt === undefined || t < retryAt)) retryAt = t;
    };

    // Init containers run one at a time, each to success, before any app container; a
    // sidecar (restartPolicy Always) only has to be running, and keeps being restarted.
    let initDone = true;
    for (const c of spec.initContainers) {
      let latest = byName.get(c.name)?.[0];
      if (c.restartPolicy === 'Always') {
        // Each sidecar must have started (startup probe, postStart) before the next init container.
        if (latest?.state.phase === 'running') {
          const killed = await this.lifecycle.killUnhealthy(pod, c, latest, true, spec.restartPolicy);
          if (!killed && this.lifecycle.flags(pod, c, latest, true).started) continue;
          if (!killed) {
            initDone = false;
            break;
          }
          latest = killed;
        }
        wake(await this.startOrBackOff(pod, c, latest, true));
        const now = (await this.podContainers(uid)).get(c.name)?.[0];
        if (now?.state.phase === 'running' && this.lifecycle.flags(pod, c, now, true).started) continue;
        initDone = false;
        break;
      }
      if (latest?.state.phase === 'exited' && latest.state.exit.exitCode === 0) continue;
      initDone = false;
      if (latest?.state.phase === 'running') break;
      if (latest?.state.phase === 'exited' && spec.restartPolicy === 'Never') {
        terminal = true;
        break;
      }
      wake(await this.startOrBackOff(pod, c, latest, true));
      break;
    }

    if (initDone && !terminal) {
      for (const c of spec.containers) {
        let latest = byName.get(c.name)?.[0];
        if (latest?.state.phase === 'running') {
          if (latest.labels[labels.hash] === containerHash(c)) {
            const killed = await this.lifecycle.killUnhealthy(pod, c, latest, false, spec.restartPolicy);
            if (!killed) continue;
            latest = killed;
          } else {
            await this.lifecycle.killer.kill({ pod, container: latest, spec: c, init: false, message: `Container ${c.name} definition changed, will be restarted`, graceSeconds: killGraceSeconds(pod) });
            await this.start(pod, c, attemptOf(latest) + 1, false);
            continue;
          }
        }
        if (latest?.state.phase === 'exited' && !shouldRestart(spec.restartPolicy, latest.state.exit.exitCode)) continue;
        wake(await this.startOrBackOff(pod, c, latest, false));
      }
      byName = await this.podContainers(uid);
      const done = spec.containers.every((c) => {
        const l = byName.get(c.name)?.[0];
        return l?.state.phase === 'exited' && !shouldRestart(spec.restartPolicy, l.state.exit.exitCode);
      });
      if (done && spec.containers.length > 0) terminal = true;
    }
    const observed = await this.observe(pod, terminal);
    const failed = [...spec.initContainers, ...spec.containers].some((c) => this.reasons.has(`${uid}/${c.name}`));
    return { status: observed.status, terminal, retryAt, failed };
  }

  /**
   * Starts a container that has not run or has exited, unless its crash backoff is still
   * running; returns when to look again in that case.
   */
  private async startOrBackOff(pod: KubeObject, c: ContainerSpec, latest: ContainerInfo | undefined, init: boolean): Promise<number | undefined> {
    const key = `${pod.metadata.uid}/${c.name}`;
    if (latest?.state.phase === 'created') {
      // Created by an agent that died before starting it: start over.
      await this.deps.runtime.delete(latest.id);
    } else if (latest?.state.phase === 'exited') {
      const finishedAt = latest.state.exit.finishedAt;
      if (this.crashBackoff.isInBackOffSince(key, finishedAt)) {
        const delay = this.crashBackoff.get(key);
        if (this.backoffReported.get(key) !== latest.id) {
          this.backoffReported.set(key, latest.id);
          this.deps.events.container(pod, { name: c.name, init }, 'Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${podDescription(pod)}`);
        }
        this.reasons.set(key, { reason: 'CrashLoopBackOff', message: `back-off ${goDuration(delay)} restarting failed container=${c.name} pod=${podDescription(pod)}` });
        return finishedAt + delay;
      }
      this.crashBackoff.next(key, finishedAt);
    }
    const attempt = latest ? attemptOf(latest) + 1 : 0;
    await this.start(pod, c, attempt, init);
    return this.reasons.get(key)?.reason === 'ImagePullBackOff' || this.reasons.get(key)?.reason === 'ErrImagePull'
      ? this.starter.pulls.retryAt(pod, c)
      : undefined;
  }

  private async message(c: ContainerInfo | undefined): Promise<void> {
    if (!c || c.state.phase !== 'exited' || this.messages.has(c.id)) return;
    const text = await terminationMessage({
      file: c.labels[labels.terminationLog],
      logPath: c.logPath,
      policy: c.labels[labels.terminationPolicy],
      exitCode: c.state.exit.exitCode,
    });
    this.messages.set(c.id, text ?? '');
  }

  /** The status from what the runtime holds now. */
  private async observe(pod: KubeObject, terminal: boolean): Promise<{ status: Record<string, unknown> }> {
    const uid = pod.metadata.uid!;
    const spec = specOf(pod);
    const byName = await this.podContainers(uid);
    const sandbox = await this.deps.runtime.sandboxStatus(uid);
    const latestByName = new Map([...byName].map(([n, l]) => [n, l[0]!] as const));
    if (!terminal) this.lifecycle.observe(pod, latestByName, sandbox);
    const initDone = spec.initContainers.every((c) => {
      const l = byName.get(c.name)?.[0];
      if (c.restartPolicy === 'Always') return this.lifecycle.flags(pod, c, l, true).started;
      return l?.state.phase === 'exited' && l.state.exit.exitCode === 0;
    });
    const obs = async (c: ContainerSpec, init: boolean): Promise<ContainerObservation> => {
      const list = byName.get(c.name) ?? [];
      const [latest, previous] = list;
      await this.message(latest);
      await this.message(previous);
      let waiting = this.reasons.get(`${uid}/${c.name}`);
      if (waiting?.reason === 'CrashLoopBackOff' && latest?.state.phase !== 'exited') waiting = undefined;
      if (!waiting && !init && !latest && !initDone) waiting = { reason: 'PodInitializing' };
      const messages: Record<string, string> = {};
      for (const x of [latest, previous]) if (x && this.messages.get(x.id)) messages[x.id] = this.messages.get(x.id)!;
      return { name: c.name, specImage: c.image, latest, previous, waiting, messages, ...this.lifecycle.flags(pod, c, latest, init) };
    };
    const status = buildPodStatus({
      pod,
      runtimeName: this.deps.runtime.name,
      initContainers: await Promise.all(spec.initContainers.map((c) => obs(c, true))),
      containers: await Promise.all(spec.containers.map((c) => obs(c, false))),
      sandboxReady: sandbox?.state === 'ready',
      podIPs: sandbox?.state === 'ready' ? sandbox.ips : [],
      hostIPs: this.deps.node.hostIPs(),
      terminal,
      now: this.deps.clock.now(),
    });
    return { status };
  }

  /**
   * Stops every running container of the pod (SIGTERM, SIGKILL after the grace period) and
   * tears down its network; returns the final status. Exited containers stay for logs.
   */
  async kill(pod: KubeObject, graceSeconds: number): Promise<Record<string, unknown>> {
    const uid = pod.metadata.uid!;
    const byName = await this.podContainers(uid);
    const running = [...byName.values()].map((l) => l[0]!).filter((c) => c.state.phase === 'running' || c.state.phase === 'created');
    await this.lifecycle.stopAll(pod, running, (c) => c.labels[labels.containerName] ?? c.name, graceSeconds);
    for (const key of [...this.reasons.keys()]) if (key.startsWith(`${uid}/`)) this.reasons.delete(key);
    const { status } = await this.observe(pod, true);
    await this.deps.runtime.stopSandbox(uid);
    // A terminated pod never runs again: its volumes go now, as the kubelet unmounts them.
    await this.volumeStep?.tearDown(uid);
    return { ...status, conditions: (status.conditions as { type: string; status: string }[]).map((c) => (c.type === 'PodReadyToStartContainers' ? { ...c, status: 'False' } : c)) };
  }

  /** The pod starts stopping: hooks the running sync waits for end now. */
  interruptHooks(uid: string): void {
    this.hookAborts.abort(uid);
  }

  /** SIGKILL now (a shorter grace period arrived while stopping). */
  async killNow(uid: string): Promise<void> {
    const all = await this.deps.runtime.list();
    await Promise.all(all.filter((c) => c.labels[labels.podUid] === uid && c.state.phase === 'running').map((c) => this.deps.runtime.kill(c.id, 'SIGKILL')));
  }

  /** Removes everything of a pod that is gone from the API: containers, logs, sandbox, cgroup. */
  async cleanup(uid: string): Promise<void> {
    const all = await this.deps.runtime.list();
    const mine = all.filter((c) => c.labels[labels.podUid] === uid);
    await Promise.all(mine.filter((c) => c.state.phase === 'running').map((c) => this.deps.runtime.stop(c.id, 0)));
    for (const c of mine) {
      await this.deps.runtime.delete(c.id);
      this.messages.delete(c.id);
    }
    try {
      for (const d of readdirSync(this.deps.paths.logsDir)) if (d.endsWith(`_${uid}`)) rmSync(join(this.deps.paths.logsDir, d), { recursive: true, force: true });
    } catch {
      // no logs yet
    }
    await this.volumeStep?.tearDown(uid);
    await this.deps.runtime.removeSandbox(uid);
    this.lifecycle.forget(uid);
    this.hookAborts.forget(uid);
    this.crashBackoff.resetPrefix(`${uid}/`);
    this.starter.pulls.forgetPod(uid);
    for (const key of [...this.reasons.keys()]) if (key.startsWith(`${uid}/`)) this.reasons.delete(key);
    for (const key of [...this.backoffReported.keys()]) if (key.startsWith(`${uid}/`)) this.backoffReported.delete(key);
  }

  /** Pod UIDs the runtime holds anything for (sandboxes or containers). */
  async knownPods(): Promise<Set<string>> {
    const out = new Set<string>();
    for (const s of await this.deps.runtime.listSandboxes()) out.add(s.podUid);
    for (const c of await this.deps.runtime.list()) if (c.labels[labels.podUid]) out.add(c.labels[labels.podUid]!);
    return out;
  }
}
