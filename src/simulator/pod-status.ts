import { createHash } from 'node:crypto';
import type { KubeObject } from '../api/types.js';
import { rfc3339 } from '../util/clock.js';

interface ContainerSpec {
  name: string;
  image?: string;
  restartPolicy?: string;
}

function containerId(pod: KubeObject, name: string): string {
  return `simulated://${createHash('sha256').update(`${pod.metadata.uid}/${name}`).digest('hex').slice(0, 32)}`;
}

function running(pod: KubeObject, c: ContainerSpec, startedAt: string) {
  return {
    name: c.name,
    state: { running: { startedAt } },
    lastState: {},
    ready: true,
    restartCount: 0,
    image: c.image ?? '',
    imageID: '',
    containerID: containerId(pod, c.name),
    started: true,
  };
}

function completed(pod: KubeObject, c: ContainerSpec, at: string) {
  return {
    name: c.name,
    state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: at, finishedAt: at, containerID: containerId(pod, c.name) } },
    lastState: {},
    ready: true,
    restartCount: 0,
    image: c.image ?? '',
    imageID: '',
    containerID: containerId(pod, c.name),
    started: false,
  };
}

/**
 * The status a kubelet reports once every container of a pod runs: phase Running, the five
 * conditions True, host and pod IPs, startTime, init containers Completed (sidecars running)
 * and containers running and ready. Keeps what the pod already had (qosClass, other fields).
 */
export function runningPodStatus(pod: KubeObject, hostIP: string, podIP: string, nowMs: number): Record<string, unknown> {
  const now = rfc3339(nowMs);
  const spec = (pod.spec ?? {}) as { containers?: ContainerSpec[]; initContainers?: ContainerSpec[]; hostNetwork?: boolean };
  const old = (pod.status ?? {}) as Record<string, unknown>;
  const oldConditions = (Array.isArray(old.conditions) ? old.conditions : []) as { type: string; lastTransitionTime?: string }[];
  const since = (type: string) => oldConditions.find((c) => c.type === type && (c as { status?: string }).status === 'True')?.lastTransitionTime ?? now;
  const cond = (type: string) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: since(type) });
  const ip = spec.hostNetwork ? hostIP : podIP;
  const status: Record<string, unknown> = {
    ...old,
    phase: 'Running',
    conditions: [cond('PodReadyToStartContainers'), cond('Initialized'), cond('Ready'), cond('ContainersReady'), cond('PodScheduled')],
    hostIP,
    hostIPs: [{ ip: hostIP }],
    podIP: ip,
    podIPs: [{ ip }],
    startTime: (old.startTime as string | undefined) ?? now,
    containerStatuses: (spec.containers ?? []).map((c) => running(pod, c, now)),
  };
  const inits = spec.initContainers ?? [];
  if (inits.length) status.initContainerStatuses = inits.map((c) => (c.restartPolicy === 'Always' ? running(pod, c, now) : completed(pod, c, now)));
  return status;
}

/**
 * Whether the pod already shows what runningPodStatus would write (nothing to do). A pod
 * someone marked not ready (the node lifecycle controller, while the node seemed gone) is
 * made Ready again, as a live kubelet's status manager does.
 */
export function isRunning(pod: KubeObject): boolean {
  const status = (pod.status ?? {}) as { phase?: string; podIP?: string; conditions?: { type: string; status: string }[] };
  return status.phase === 'Running' && !!status.podIP && (status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}
