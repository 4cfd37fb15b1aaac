import type { KubeObject } from '../../api/types.js';
import type { Logger } from '../../util/log.js';
import type { PodEvents } from '../pods/pod-events.js';
import type { ContainerInfo, ContainerRuntime } from '../runtime/container-runtime.js';
import { podActionTarget, type ActionEnv } from '../probes/action-env.js';
import type { ProbedContainer } from '../probes/probe-spec.js';
import { runLifecycleHandler } from './hook-runner.js';

/** The kubelet never gives a container less than this to stop after SIGTERM. */
const minimumGraceSeconds = 2;

export interface KillRequest {
  pod: KubeObject;
  container: ContainerInfo;
  /** The container's spec (for its preStop hook); undefined for one no longer in the spec. */
  spec?: ProbedContainer;
  init: boolean;
  /** The Killing event's text; `Stopping container <name>` when absent. */
  message?: string;
  /** Seconds from the Killing event to SIGKILL, preStop included. */
  graceSeconds: number;
  /** Whether to record the Killing event (deletion of a container that is not running records none). */
  event?: boolean;
}

/**
 * Stops one container the way the kubelet's killContainer does: the `Killing` event, the
 * preStop hook (exec, httpGet or sleep) within the grace period (`FailedPreStopHook` when it
 * fails, abandoned when the grace period runs out), then SIGTERM with what is left of the
 * grace period (at least 2 s) and SIGKILL after it.
 *
 * @example
 * await killer.kill({ pod, container: info, spec, init: false, message: 'Container app failed liveness probe, will be restarted', graceSeconds: 30 });
 */
export class ContainerKiller {
  constructor(private readonly deps: { runtime: ContainerRuntime; events: PodEvents; actions?: ActionEnv; log: Logger; now?: () => number }) {}

  async kill(r: KillRequest): Promise<void> {
    const now = this.deps.now ?? Date.now;
    const name = r.spec?.name ?? r.container.name;
    const ref = { name, init: r.init };
    if (r.event !== false) this.deps.events.container(r.pod, ref, 'Normal', 'Killing', r.message ?? `Stopping container ${name}`);
    let grace = r.graceSeconds;
    const preStop = r.spec?.lifecycle?.preStop;
    if (preStop && grace > 0 && this.deps.actions && r.container.state.phase === 'running') {
      const started = now();
      await this.preStop(r, preStop, grace * 1000);
      grace -= Math.floor((now() - started) / 1000);
    }
    await this.deps.runtime.stop(r.container.id, Math.max(minimumGraceSeconds, grace));
  }

  private async preStop(r: KillRequest, handler: NonNullable<NonNullable<ProbedContainer['lifecycle']>['preStop']>, limitMs: number): Promise<void> {
    const env = this.deps.actions!;
    const sandbox = await this.deps.runtime.sandboxStatus(r.pod.metadata.uid!);
    const abort = new AbortController();
    const hook = runLifecycleHandler(
      env,
      podActionTarget(env, r.pod, sandbox, r.container),
      r.pod,
      r.spec!,
      handler,
      abort.signal,
    ).then(
      (failure) => {
        if (failure === undefined) return;
        this.deps.log.info({ pod: `${r.pod.metadata.namespace}/${r.pod.metadata.name}`, container: r.spec!.name, failure }, 'preStop hook failed');
        // The message stays in the log, not the event: hook output may hold secrets.
        this.deps.events.container(r.pod, { name: r.spec!.name, init: r.init }, 'Warning', 'FailedPreStopHook', 'PreStopHook failed');
      },
      (err) => this.deps.log.warn({ err }, 'preStop hook errored'),
    );
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<void>((resolve) => (timer = setTimeout(resolve, limitMs)));
    await Promise.race([hook, expired]);
    clearTimeout(timer);
    // A hook still running when the grace period is up is left behind (the kill ends it).
    abort.abort();
  }
}
