import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/types.js';
import type { ContainerInfo, ContainerState } from '../runtime/container-runtime.js';
import { labels } from './container-labels.js';
import { buildPodStatus, type ContainerObservation } from './pod-status.js';

const t0 = Date.parse('2024-05-01T10:00:00Z');

function pod(restartPolicy = 'Always', extra: Record<string, unknown> = {}): KubeObject {
  return {
    metadata: { name: 'web', namespace: 'default', uid: 'u1' },
    spec: { restartPolicy, containers: [{ name: 'b' }, { name: 'a' }], ...extra },
    status: { phase: 'Pending', qosClass: 'BestEffort', conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: '2024-05-01T09:00:00Z', lastProbeTime: null }] },
  };
}

function ctr(id: string, state: ContainerState, attempt = 0): ContainerInfo {
  return { id, sandboxId: 'u1', name: 'x', createdAt: t0, logPath: '/dev/null', state, labels: { [labels.attempt]: String(attempt), [labels.image]: 'docker.io/library/busybox:1.36', [labels.imageID]: 'docker.io/library/busybox@sha256:abc' } };
}

const running = (id: string, attempt = 0) => ctr(id, { phase: 'running', pid: 1, startedAt: t0 }, attempt);
const exited = (id: string, exitCode: number, attempt = 0) => ctr(id, { phase: 'exited', startedAt: t0, exit: { exitCode, finishedAt: t0 + 1000 } }, attempt);

function status(p: KubeObject, containers: ContainerObservation[], terminal = false) {
  return buildPodStatus({ pod: p, runtimeName: 'runc', initContainers: [], containers, sandboxReady: true, podIPs: [], hostIPs: ['10.0.0.5'], terminal, now: t0 + 5000 }) as Record<string, any>;
}

describe('buildPodStatus', () => {
  it('reports Pending/ContainerCreating before anything runs', () => {
    const s = status(pod(), [
      { name: 'b', specImage: 'busybox' },
      { name: 'a', specImage: 'busybox' },
    ]);
    assert.equal(s.phase, 'Pending');
    assert.deepEqual(s.containerStatuses.map((c: any) => c.name), ['a', 'b'], 'sorted by name');
    assert.deepEqual(s.containerStatuses[0].state, { waiting: { reason: 'ContainerCreating' } });
    assert.equal(s.containerStatuses[0].image, 'busybox');
    const ready = s.conditions.find((c: any) => c.type === 'Ready');
    assert.equal(ready.reason, 'ContainersNotReady');
    assert.equal(ready.message, 'containers with unready status: [b a]');
    assert.deepEqual(s.conditions.map((c: any) => c.type), ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled']);
    assert.equal(s.conditions[4].lastTransitionTime, '2024-05-01T09:00:00Z', 'the scheduler condition is kept');
    assert.equal(s.hostIP, '10.0.0.5');
    assert.equal(s.startTime, '2024-05-01T10:00:05Z');
  });

  it('reports Running with ready containers, runc container IDs and the image ID', () => {
    const s = status(pod(), [
      { name: 'b', specImage: 'busybox', latest: running('id-b') },
      { name: 'a', specImage: 'busybox', latest: running('id-a') },
    ]);
    assert.equal(s.phase, 'Running');
    const a = s.containerStatuses[0];
    assert.equal(a.containerID, 'runc://id-a');
    assert.equal(a.imageID, 'docker.io/library/busybox@sha256:abc');
    assert.deepEqual(a.state, { running: { startedAt: '2024-05-01T10:00:00Z' } });
    assert.equal(a.ready, true);
    assert.equal(a.started, true);
    assert.ok(s.conditions.every((c: any) => c.status === 'True'));
  });

  it('shows CrashLoopBackOff with the last termination and the restart count', () => {
    const s = status(pod(), [
      { name: 'b', specImage: 'busybox', latest: running('id-b') },
      { name: 'a', specImage: 'busybox', latest: exited('id-a2', 1, 2), previous: exited('id-a1', 1, 1), waiting: { reason: 'CrashLoopBackOff', message: 'back-off 20s …' } },
    ]);
    const a = s.containerStatuses[0];
    assert.equal(s.phase, 'Running');
    assert.deepEqual(a.state, { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 20s …' } });
    assert.equal(a.lastState.terminated.containerID, 'runc://id-a2');
    assert.equal(a.lastState.terminated.reason, 'Error');
    assert.equal(a.restartCount, 2);
  });

  it('finishes restartPolicy Never pods as Succeeded or Failed', () => {
    const ok = status(pod('Never'), [
      { name: 'b', specImage: 'x', latest: exited('1', 0) },
      { name: 'a', specImage: 'x', latest: exited('2', 0) },
    ]);
    assert.equal(ok.phase, 'Succeeded');
    assert.equal(ok.containerStatuses[0].state.terminated.reason, 'Completed');
    assert.equal(ok.conditions.find((c: any) => c.type === 'Ready').reason, 'PodCompleted');
    const bad = status(pod('Never'), [
      { name: 'b', specImage: 'x', latest: exited('1', 0) },
      { name: 'a', specImage: 'x', latest: exited('2', 2) },
    ]);
    assert.equal(bad.phase, 'Failed');
  });

  it('makes a deleted Always pod terminal once its containers stopped', () => {
    const s = status(pod(), [
      { name: 'b', specImage: 'x', latest: exited('1', 137) },
      { name: 'a', specImage: 'x', latest: exited('2', 0) },
    ], true);
    assert.equal(s.phase, 'Failed');
  });

  it('waits on init containers', () => {
    const p = pod('Always', { initContainers: [{ name: 'init' }] });
    const s = buildPodStatus({
      pod: p,
      runtimeName: 'runc',
      initContainers: [{ name: 'init', specImage: 'x', latest: running('i') }],
      containers: [{ name: 'b', specImage: 'x', waiting: { reason: 'PodInitializing' } }, { name: 'a', specImage: 'x', waiting: { reason: 'PodInitializing' } }],
      sandboxReady: true,
      podIPs: ['10.42.0.9'],
      hostIPs: ['10.0.0.5'],
      terminal: false,
      now: t0,
    }) as Record<string, any>;
    assert.equal(s.phase, 'Pending');
    const init = s.conditions.find((c: any) => c.type === 'Initialized');
    assert.deepEqual([init.status, init.reason, init.message], ['False', 'ContainersNotInitialized', 'containers with incomplete status: [init]']);
    assert.equal(s.podIP, '10.42.0.9');
    assert.deepEqual(s.podIPs, [{ ip: '10.42.0.9' }]);
  });
});

describe('sidecars', () => {
  it('count a running sidecar init container as initialized and the pod as Running', () => {
    const p = pod('Always', { initContainers: [{ name: 'side', restartPolicy: 'Always' }] });
    const s = buildPodStatus({
      pod: p,
      runtimeName: 'runc',
      initContainers: [{ name: 'side', specImage: 'x', latest: running('s') }],
      containers: [{ name: 'b', specImage: 'x', latest: running('b') }, { name: 'a', specImage: 'x', latest: running('a') }],
      sandboxReady: true,
      podIPs: [],
      hostIPs: [],
      terminal: false,
      now: t0,
    }) as Record<string, any>;
    assert.equal(s.phase, 'Running');
    assert.equal(s.conditions.find((c: any) => c.type === 'Initialized').status, 'True');
  });
});

describe('buildPodStatus with probes and sidecars', () => {
  const withInit = (p: KubeObject, init: ContainerObservation[], containers: ContainerObservation[]) =>
    buildPodStatus({ pod: p, runtimeName: 'runc', initContainers: init, containers, sandboxReady: true, podIPs: [], hostIPs: ['10.0.0.5'], terminal: false, now: t0 + 5000 }) as Record<string, any>;

  it('a running container whose readiness probe fails is Running but not ready', () => {
    const s = status(pod('Always', { containers: [{ name: 'a' }] }), [{ name: 'a', specImage: 'busybox', latest: running('c1'), started: true, ready: false }]);
    assert.equal(s.phase, 'Running');
    assert.equal(s.containerStatuses[0].ready, false);
    assert.equal(s.containerStatuses[0].started, true);
    assert.equal(s.conditions.find((c: any) => c.type === 'Ready').status, 'False');
  });

  it('a sidecar running but not started keeps the pod Pending and not initialized', () => {
    const p = pod('Always', { containers: [{ name: 'a' }], initContainers: [{ name: 'proxy', restartPolicy: 'Always' }] });
    const s = withInit(p, [{ name: 'proxy', specImage: 'busybox', latest: running('s1'), started: false, ready: false }], [{ name: 'a', specImage: 'busybox', waiting: { reason: 'PodInitializing' } }]);
    assert.equal(s.phase, 'Pending');
    const init = s.conditions.find((c: any) => c.type === 'Initialized');
    assert.equal(init.status, 'False');
    assert.equal(init.message, 'containers with incomplete status: [proxy]');
  });

  it('a restarting sidecar does not send a pod whose app containers ran back to Pending', () => {
    const p = pod('Always', { containers: [{ name: 'a' }], initContainers: [{ name: 'proxy', restartPolicy: 'Always' }] });
    const s = withInit(p, [{ name: 'proxy', specImage: 'busybox', latest: exited('s1', 1), waiting: { reason: 'CrashLoopBackOff' } }], [{ name: 'a', specImage: 'busybox', latest: running('c1') }]);
    assert.equal(s.phase, 'Running');
    assert.equal(s.conditions.find((c: any) => c.type === 'Initialized').status, 'True');
  });

  it('a completed init container reads ready; a Succeeded pod is initialized with PodCompleted', () => {
    const p = pod('Never', { containers: [{ name: 'a' }], initContainers: [{ name: 'setup' }] });
    const s = buildPodStatus({ pod: p, runtimeName: 'runc', initContainers: [{ name: 'setup', specImage: 'busybox', latest: exited('i1', 0), ready: true }], containers: [{ name: 'a', specImage: 'busybox', latest: exited('c1', 0) }], sandboxReady: true, podIPs: [], hostIPs: [], terminal: true, now: t0 }) as Record<string, any>;
    assert.equal(s.phase, 'Succeeded');
    assert.equal(s.initContainerStatuses[0].ready, true);
    const init = s.conditions.find((c: any) => c.type === 'Initialized');
    assert.equal(init.status, 'True');
    assert.equal(init.reason, 'PodCompleted');
  });
});
