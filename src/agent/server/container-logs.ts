import type { KubeObject } from '../../api/types.js';
import type { ContainerRuntime } from '../runtime/container-runtime.js';

/** Why there are no logs to show, worded as the kubelet words it (HTTP 400 to the client). */
export class NoLogsError extends Error {
  constructor(
    message: string,
    readonly code = 400,
  ) {
    super(message);
    this.name = 'NoLogsError';
  }
}

interface StatusLike {
  name: string;
  containerID?: string;
  state?: { waiting?: { reason?: string }; running?: unknown; terminated?: { containerID?: string } };
  lastState?: { terminated?: { containerID?: string } };
}

/**
 * Which runtime container `kubectl logs` reads, by the kubelet's rules on the container's
 * reported status: `--previous` reads the last terminated one; otherwise the current one,
 * or — while it waits to restart (CrashLoopBackOff) — the one that just ended.
 */
export async function logContainerId(pod: KubeObject, status: Record<string, unknown> | undefined, container: string, previous: boolean, runtime: ContainerRuntime): Promise<string> {
  const podName = pod.metadata.name;
  const all = [...((status?.containerStatuses ?? []) as StatusLike[]), ...((status?.initContainerStatuses ?? []) as StatusLike[])];
  const s = all.find((c) => c.name === container);
  const idOf = (url?: string) => url?.replace(/^[a-z]+:\/\//, '');
  if (!s) throw new NoLogsError(`container "${container}" in pod "${podName}" is waiting to start: ContainerCreating`);
  let id: string | undefined;
  if (previous) {
    id = idOf(s.lastState?.terminated?.containerID);
    if (!id) throw new NoLogsError(`previous terminated container "${container}" in pod "${podName}" not found`);
  } else if (s.state?.running || s.state?.terminated) {
    id = idOf(s.containerID);
  } else {
    id = idOf(s.lastState?.terminated?.containerID);
    if (!id) throw new NoLogsError(`container "${container}" in pod "${podName}" is waiting to start: ${s.state?.waiting?.reason ?? 'ContainerCreating'}`);
  }
  if (!id || !(await runtime.state(id))) throw new NoLogsError(`container "${container}" in pod "${podName}" is not available`);
  return id;
}
