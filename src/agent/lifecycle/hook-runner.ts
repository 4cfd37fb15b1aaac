import type { KubeObject } from '../../api/types.js';
import { podDescription } from '../pods/pod-events.js';
import type { ActionEnv, ActionTarget } from '../probes/action-env.js';
import { runInContainer } from '../probes/exec-action.js';
import { httpGetProbe } from '../probes/http-get-action.js';
import type { LifecycleHandler, ProbedContainer } from '../probes/probe-spec.js';

/** How long an httpGet hook may take when nothing else bounds it (the kubelet's hook HTTP client has no timeout; a dead pod must not hang its worker). */
const httpHookTimeoutMs = 120_000;

/**
 * Runs a postStart or preStop handler (exec, httpGet, sleep) against a running container;
 * resolves with undefined on success, or with the kubelet's failure message, e.g.
 * `Exec lifecycle hook ([sh -c exit 3]) for Container "app" in Pod "web_default(…)" failed - error: command 'sh -c exit 3' exited with 3: , message: ""`.
 *
 * @example
 * const failure = await runLifecycleHandler(env, target, pod, container, container.lifecycle.postStart);
 */
export async function runLifecycleHandler(env: ActionEnv, target: ActionTarget, pod: KubeObject, c: ProbedContainer, h: LifecycleHandler, signal?: AbortSignal): Promise<string | undefined> {
  const where = `for Container ${JSON.stringify(c.name)} in Pod ${JSON.stringify(podDescription(pod))}`;
  if (h.exec) {
    const command = h.exec.command ?? [];
    const r = await runInContainer(env, target, command, undefined, signal);
    let error: string | undefined;
    if (r.kind === 'notStarted') error = r.message;
    else if (r.kind === 'timedOut') error = `command ${JSON.stringify(command.join(' '))} timed out`;
    else if (r.exitCode !== 0) error = `command '${command.join(' ')}' exited with ${r.exitCode}: `;
    if (error === undefined) return undefined;
    const output = r.kind === 'notStarted' ? '' : r.output;
    return `Exec lifecycle hook ([${command.join(' ')}]) ${where} failed - error: ${error}, message: ${JSON.stringify(output)}`;
  }
  if (h.httpGet) {
    const r = await httpGetProbe(env, target, h.httpGet, c, httpHookTimeoutMs);
    // Any HTTP answer counts as done: the kubelet's hook only fails when the request does.
    if (r.result !== 'failure' || r.httpStatus !== undefined) return undefined;
    return `HTTP lifecycle hook (${h.httpGet.path ?? ''}) ${where} failed - error: ${r.output}`;
  }
  if (h.sleep) {
    await sleep(Math.max(0, h.sleep.seconds) * 1000, signal);
    return undefined;
  }
  return `Invalid handler: ${JSON.stringify(h)}`;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });
}
