import type { KubeObject } from '../../api/types.js';
import { rfc3339 } from '../../util/clock.js';
import type { ContainerInfo } from '../runtime/container-runtime.js';
import { attemptOf, labels } from './container-labels.js';

type Json = Record<string, unknown>;

/** What the agent knows of one container of the pod spec when it reports status. */
export interface ContainerObservation {
  name: string;
  specImage: string;
  /** Newest runtime container of this name, and the one before it. */
  latest?: ContainerInfo;
  previous?: ContainerInfo;
  /** Why the container waits (CrashLoopBackOff, ErrImagePull, CreateContainerConfigError …). */
  waiting?: { reason: string; message?: string };
  /** Termination messages by container id (from the termination log or the log tail). */
  messages?: Record<string, string>;
  /** From the probes: startup probe passed / readiness probe passing (a running container without probes is both). */
  started?: boolean;
  ready?: boolean;
}

export interface PodStatusInput {
  pod: KubeObject;
  runtimeName: string;
  initContainers: ContainerObservation[];
  containers: ContainerObservation[];
  sandboxReady: boolean;
  podIPs: string[];
  hostIPs: string[];
  /** The pod is being torn down (deleted, or finished): its phase becomes terminal. */
  terminal: boolean;
  now: number;
}

function terminatedState(c: ContainerInfo, runtimeName: string, message: string | undefined): Json {
  const s = c.state;
  if (s.phase !== 'exited') return {};
  const e = s.exit;
  const reason = e.reason ?? (e.exitCode === 0 ? 'Completed' : 'Error');
  const msg = e.message ?? message;
  return {
    terminated: {
      exitCode: e.exitCode,
      reason,
      ...(msg ? { message: msg } : {}),
      startedAt: s.startedAt !== undefined ? rfc3339(s.startedAt) : null,
      finishedAt: rfc3339(e.finishedAt),
      containerID: `${runtimeName}://${c.id}`,
    },
  };
}

/** One entry of status.containerStatuses, as the kubelet converts runtime state. */
export function containerStatus(o: ContainerObservation, runtimeName: string): Json {
  const latest = o.latest;
  const msg = (c: ContainerInfo) => o.messages?.[c.id];
  const status: Json = {
    name: o.name,
    state: { waiting: { reason: 'ContainerCreating' } },
    lastState: {},
    ready: false,
    restartCount: latest ? attemptOf(latest) : 0,
    image: latest?.labels[labels.image] ?? o.specImage,
    imageID: latest?.labels[labels.imageID] ?? '',
    started: false,
  };
  if (latest) {
    status.containerID = `${runtimeName}://${latest.id}`;
    const s = latest.state;
    if (s.phase === 'running') {
      status.state = { running: { startedAt: rfc3339(s.startedAt) } };
      status.ready = o.ready ?? true;
      status.started = o.started ?? true;
    } else if (s.phase === 'exited') {
      status.state = terminatedState(latest, runtimeName, msg(latest));
      // A completed init container reads as ready.
      status.ready = o.ready ?? false;
    }
  }
  if (o.previous?.state.phase === 'exited') status.lastState = terminatedState(o.previous, runtimeName, msg(o.previous));
  if (o.waiting) {
    if (latest?.state.phase === 'exited') status.lastState = status.state;
    status.state = { waiting: { reason: o.waiting.reason, ...(o.waiting.message ? { message: o.waiting.message } : {}) } };
    status.ready = false;
    status.started = false;
  }
  // Field order as the API server serializes ContainerStatus.
  const { name, state, lastState, ready, restartCount, image, imageID, containerID, started } = status;
  return { name, state, lastState, ready, restartCount, image, imageID, ...(containerID ? { containerID } : {}), started };
}

type Phase = 'Pending' | 'Running' | 'Succeeded' | 'Failed';

/** Init containers with restartPolicy Always: sidecars that run beside the app containers. */
function sidecarNames(spec: Json): Set<string> {
  return new Set(((spec.initContainers ?? []) as Json[]).filter((c) => c.restartPolicy === 'Always').map((c) => String(c.name)));
}

function stateOf(s: Json): { running?: Json; terminated?: { exitCode: number }; waiting?: Json } {
  return (s.state ?? {}) as never;
}

/** The pod phase from its container statuses, the kubelet's getPhase. */
export function podPhase(spec: Json, init: Json[], app: Json[], terminal: boolean): Phase {
  const policy = (spec.restartPolicy as string) ?? 'Always';
  const sidecars = sidecarNames(spec);
  let pendingInit = 0;
  let failedInit = 0;
  for (const s of init) {
    const st = stateOf(s);
    // A started sidecar has done its part; one not yet started holds the pod back, while
    // one that ended (and waits to restart) is ignored, as the kubelet does.
    if (sidecars.has(String(s.name))) {
      const ended = st.terminated || (s.lastState as { terminated?: unknown } | undefined)?.terminated;
      if (st.running ? s.started !== true : !ended) pendingInit++;
      continue;
    }
    const last = (s.lastState ?? {}) as { terminated?: { exitCode: number } };
    if (st.running) pendingInit++;
    else if (st.terminated) {
      if (st.terminated.exitCode !== 0) failedInit++;
    } else if (last.terminated && last.terminated.exitCode !== 0) failedInit++;
    else pendingInit++;
  }
  if (failedInit > 0 && policy === 'Never') return 'Failed';
  // Once an app container ran, a restarting sidecar does not put the pod back to Pending.
  const appRan = app.some((s) => stateOf(s).running || stateOf(s).terminated || (s.lastState as { terminated?: unknown } | undefined)?.terminated);
  if ((pendingInit > 0 && !appRan) || failedInit > 0) return terminal ? 'Failed' : 'Pending';
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const s of app) {
    const st = stateOf(s);
    const last = (s.lastState ?? {}) as { terminated?: unknown };
    if (st.running) running++;
    else if (st.terminated) {
      stopped++;
      if (st.terminated.exitCode === 0) succeeded++;
    } else if (last.terminated) stopped++;
    else waiting++;
  }
  if (terminal && running === 0 && waiting === 0) return stopped === succeeded ? 'Succeeded' : 'Failed';
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

function condition(type: string, ok: boolean, reason?: string, message?: string): Json {
  return { type, status: ok ? 'True' : 'False', ...(reason ? { reason } : {}), ...(message ? { message } : {}) };
}

/**
 * The pod's status as the kubelet reports it: phase, the five standard conditions (with
 * transition times carried over while unchanged), IPs, start time and container statuses.
 *
 * @example
 * const status = buildPodStatus({ pod, runtimeName: 'runc', initContainers: [], containers: [obs], sandboxReady: true, podIPs: [], hostIPs: ['10.0.0.5'], terminal: false, now: Date.now() });
 */
export function buildPodStatus(input: PodStatusInput): Json {
  const { pod, now } = input;
  const spec = (pod.spec ?? {}) as Json;
  const old = (pod.status ?? {}) as Json;
  const init = input.initContainers.map((o) => containerStatus(o, input.runtimeName));
  const app = input.containers.map((o) => containerStatus(o, input.runtimeName)).sort((a, b) => String(a.name).localeCompare(String(b.name)));
  const phase = podPhase(spec, init, app, input.terminal);

  const sidecars = sidecarNames(spec);
  const appStarted = app.some((s) => stateOf(s).running || stateOf(s).terminated);
  // A pod whose app containers ran stays initialized while a sidecar restarts.
  const incompleteInit = appStarted ? [] : init.filter((s) => (sidecars.has(String(s.name)) ? s.started !== true : stateOf(s).terminated?.exitCode !== 0)).map((s) => s.name);
  const unready = input.containers.map((o) => o.name).filter((n) => app.find((s) => s.name === n)?.ready !== true);
  const completed = phase === 'Succeeded';
  const readyCondition = (type: string) =>
    completed
      ? condition(type, false, 'PodCompleted')
      : unready.length
        ? condition(type, false, 'ContainersNotReady', `containers with unready status: [${unready.join(' ')}]`)
        : condition(type, true);
  const wanted: Json[] = [
    condition('PodReadyToStartContainers', input.sandboxReady),
    completed
      ? condition('Initialized', true, 'PodCompleted')
      : incompleteInit.length
        ? condition('Initialized', false, 'ContainersNotInitialized', `containers with incomplete status: [${incompleteInit.join(' ')}]`)
        : condition('Initialized', true),
    readyCondition('Ready'),
    readyCondition('ContainersReady'),
  ];
  const oldConditions = ((old.conditions ?? []) as Json[]).filter((c) => c && typeof c === 'object');
  const conditions = wanted.map((c) => {
    const prev = oldConditions.find((o) => o.type === c.type);
    const since = prev && prev.status === c.status ? prev.lastTransitionTime : rfc3339(now);
    return { type: c.type, status: c.status, lastProbeTime: null, lastTransitionTime: since, ...(c.reason ? { reason: c.reason } : {}), ...(c.message ? { message: c.message } : {}) };
  });
  const scheduled = oldConditions.find((c) => c.type === 'PodScheduled') ?? { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: rfc3339(now) };
  // Conditions others own (scheduler, disruption controller) stay as they are.
  const foreign = oldConditions.filter((c) => !wanted.some((w) => w.type === c.type) && c.type !== 'PodScheduled');

  const hostIP = input.hostIPs[0];
  const podIPs = spec.hostNetwork ? input.hostIPs : input.podIPs;
  const status: Json = {
    phase,
    conditions: [...conditions, scheduled, ...foreign],
    ...(hostIP ? { hostIP, hostIPs: input.hostIPs.map((ip) => ({ ip })) } : {}),
    ...(podIPs.length ? { podIP: podIPs[0], podIPs: podIPs.map((ip) => ({ ip })) } : {}),
    startTime: old.startTime ?? rfc3339(now),
    ...(init.length ? { initContainerStatuses: init } : {}),
    containerStatuses: app,
    qosClass: old.qosClass,
  };
  if (old.nominatedNodeName) status.nominatedNodeName = old.nominatedNodeName;
  return status;
}
