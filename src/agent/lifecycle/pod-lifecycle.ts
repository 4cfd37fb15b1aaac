import type { KubeObject } from '../../api/types.js';
import type { Logger } from '../../util/log.js';
import type { PodEvents } from '../pods/pod-events.js';
import { killGraceSeconds } from '../pods/pod-spec-view.js';
import type { ContainerInfo, ContainerRuntime, SandboxStatus } from '../runtime/container-runtime.js';
import type { ActionEnv } from '../probes/action-env.js';
import type { ProbeManager } from '../probes/probe-manager.js';
import type { ProbedContainer } from '../probes/probe-spec.js';
import { ContainerKiller } from './container-killer.js';

export interface PodLifecycleDeps {
  runtime: ContainerRuntime;
  events: PodEvents;
  log: Logger;
  /** Exec and pod dialing for hooks; without it hooks are skipped (simulated nodes). */
  actions?: ActionEnv;
  /** Probe workers; without it every running container counts as started and ready. */
  probes?: ProbeManager;
}

type Spec = ProbedContainer & { restartPolicy?: string };

/**
 * What the pod sync asks about container health and shutdown: whether a container counts as
 * started and ready (probes), killing one whose liveness or startup probe failed, and
 * stopping a whole pod in the kubelet's order — app containers together, then sidecars one
 * by one in reverse order — each with its preStop hook inside the shared grace period.
 *
 * @example
 * const life = new PodLifecycle({ runtime, events, log, actions, probes });
 * const stopped = await life.killUnhealthy(pod, spec, running, false, 'Always');
 */
export class PodLifecycle {
  readonly killer: ContainerKiller;

  constructor(private readonly deps: PodLifecycleDeps) {
    this.killer = new ContainerKiller(deps);
  }

  /** Hands the probers what runs now (after each sync). */
  observe(pod: KubeObject, latest: Map<string, ContainerInfo>, sandbox: SandboxStatus | undefined): void {
    this.deps.probes?.update(pod, latest, sandbox);
  }

  /** `started` and `ready` of a container's status, as the kubelet's prober manager decides them. */
  flags(pod: KubeObject, c: Spec, latest: ContainerInfo | undefined, init: boolean): { started: boolean; ready: boolean } {
    if (init && c.restartPolicy !== 'Always') {
      // A finished init container counts as ready; it never counts as started.
      return { started: false, ready: latest?.state.phase === 'exited' && latest.state.exit.exitCode === 0 };
    }
    if (latest?.state.phase !== 'running') return { started: false, ready: false };
    const probes = this.deps.probes;
    if (!probes) return { started: true, ready: true };
    const uid = pod.metadata.uid!;
    return { started: probes.started(uid, c.name, latest), ready: probes.ready(uid, c.name, latest) };
  }

  /**
   * Kills a running container whose liveness or startup probe failed (Killing: `Container x
   * failed liveness probe, will be restarted`) and returns its state after the kill; undefined
   * when it is healthy.
   */
  async killUnhealthy(pod: KubeObject, c: Spec, latest: ContainerInfo, init: boolean, restartPolicy: string): Promise<ContainerInfo | undefined> {
    const why = this.deps.probes?.killReason(pod.metadata.uid!, c.name, latest);
    if (!why) return undefined;
    // A sidecar is always restarted; other containers unless the pod's policy is Never.
    const restart = (init && c.restartPolicy === 'Always') || restartPolicy !== 'Never';
    const message = `Container ${c.name} failed ${why.type} probe${restart ? ', will be restarted' : ''}`;
    // The probe's own grace period wins over the pod's, unless the pod is being deleted.
    const grace = pod.metadata.deletionGracePeriodSeconds ?? why.graceSeconds ?? killGraceSeconds(pod);
    await this.killer.kill({ pod, container: latest, spec: c, init, message, graceSeconds: grace });
    return (await this.deps.runtime.state(latest.id)) ?? latest;
  }

  /**
   * Stops every running container of a pod: app containers in parallel, then sidecars in
   * reverse start order, each getting what is left of the grace period.
   */
  async stopAll(pod: KubeObject, running: ContainerInfo[], containerName: (c: ContainerInfo) => string, graceSeconds: number): Promise<void> {
    this.deps.probes?.stopLivenessAndStartup(pod.metadata.uid!);
    const spec = (pod.spec ?? {}) as { containers?: Spec[]; initContainers?: Spec[] };
    const sidecars = (spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always');
    const specOf = (name: string) => (spec.containers ?? []).find((c) => c.name === name) ?? (spec.initContainers ?? []).find((c) => c.name === name);
    const isInit = (name: string) => (spec.initContainers ?? []).some((c) => c.name === name);
    const deadline = Date.now() + graceSeconds * 1000;
    const left = () => Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
    const stop = (c: ContainerInfo) => {
      const name = containerName(c);
      return this.killer.kill({ pod, container: c, spec: specOf(name), init: isInit(name), graceSeconds: left(), event: c.state.phase === 'running' });
    };
    const sidecarNames = new Set(sidecars.map((c) => c.name));
    await Promise.all(running.filter((c) => !sidecarNames.has(containerName(c))).map(stop));
    for (const s of [...sidecars].reverse()) {
      for (const c of running.filter((r) => containerName(r) === s.name)) await stop(c);
    }
    // Nothing runs any more: no prober has work left (a finished pod is never synced again).
    this.deps.probes?.removePod(pod.metadata.uid!);
  }

  forget(uid: string): void {
    this.deps.probes?.removePod(uid);
  }
}
