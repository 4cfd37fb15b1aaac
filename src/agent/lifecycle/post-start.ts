import type { KubeObject } from '../../api/types.js';
import type { Logger } from '../../util/log.js';
import type { PodEvents } from '../pods/pod-events.js';
import { killGraceSeconds } from '../pods/pod-spec-view.js';
import type { ContainerInfo, ContainerRuntime } from '../runtime/container-runtime.js';
import { podActionTarget, type ActionEnv } from '../probes/action-env.js';
import type { ProbedContainer } from '../probes/probe-spec.js';
import { ContainerKiller } from './container-killer.js';
import { runLifecycleHandler } from './hook-runner.js';

export interface PostStartDeps {
  runtime: ContainerRuntime;
  events: PodEvents;
  actions?: ActionEnv;
  log: Logger;
}

/**
 * Runs a just-started container's postStart hook, as the kubelet's startContainer does: the
 * pod sync waits for it (the container is not reported Running before it is done); when it
 * fails the container gets `FailedPostStartHook` and is killed, and the hook's message is
 * returned (it becomes the container's `PostStartHookError` waiting message).
 *
 * @example
 * const failure = await runPostStart(deps, pod, container, info, false);
 */
export async function runPostStart(deps: PostStartDeps, pod: KubeObject, c: ProbedContainer, info: ContainerInfo, init: boolean, signal?: AbortSignal): Promise<string | undefined> {
  const handler = c.lifecycle?.postStart;
  if (!handler || !deps.actions) return undefined;
  const sandbox = await deps.runtime.sandboxStatus(pod.metadata.uid!);
  const failure = await runLifecycleHandler(deps.actions, podActionTarget(deps.actions, pod, sandbox, info), pod, c, handler, signal);
  // Cut short because the pod is stopping: the pod's own termination takes it from here.
  if (failure === undefined || signal?.aborted) return undefined;
  deps.log.info({ pod: `${pod.metadata.namespace}/${pod.metadata.name}`, container: c.name, failure }, 'postStart hook failed');
  // The message stays out of the event: hook output may hold secrets.
  deps.events.container(pod, { name: c.name, init }, 'Warning', 'FailedPostStartHook', 'PostStartHook failed');
  const current = (await deps.runtime.state(info.id)) ?? info;
  await new ContainerKiller(deps).kill({ pod, container: current, spec: c, init, message: 'FailedPostStartHook', graceSeconds: killGraceSeconds(pod) });
  return failure;
}
