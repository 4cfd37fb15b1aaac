import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ContainerInfo } from '../runtime/container-runtime.js';
import type { ProbeVerdict } from './prober.js';
import type { Probe, ProbeType } from './probe-spec.js';
import { ProbeWorker } from './probe-worker.js';

const running = (id: string): ContainerInfo => ({ id, sandboxId: 's', name: 'app', labels: {}, createdAt: 0, logPath: '', state: { phase: 'running', pid: 1, startedAt: Date.now() } });
const settle = () => new Promise((r) => setTimeout(r, 10));

/** A worker whose probe answers from a script; periods are long so only poke/trigger drive it. */
function harness(type: ProbeType, probe: Partial<Probe>, answers: ProbeVerdict[], started = true) {
  const state = { container: running('c1'), started, calls: 0, changes: 0 };
  const w = new ProbeWorker(type, 'app', { periodSeconds: 3600, ...probe }, {
    container: () => state.container,
    deleting: () => false,
    started: () => state.started,
    probe: async () => answers[state.calls++] ?? 'success',
    changed: () => state.changes++,
    now: Date.now,
  });
  return { w, state, round: async () => (w.trigger(), settle()) };
}

describe('ProbeWorker', () => {
  it('readiness starts as failure and turns over after successThreshold passes in a row', async () => {
    const { w, state, round } = harness('readiness', { successThreshold: 2 }, ['success', 'failure', 'success', 'success']);
    assert.equal(w.resultFor('c1'), 'failure');
    w.poke();
    await settle();
    assert.equal(w.resultFor('c1'), 'failure');
    await round();
    await round();
    assert.equal(w.resultFor('c1'), 'failure', 'one success after a failure is not enough');
    await round();
    assert.equal(w.resultFor('c1'), 'success');
    assert.equal(state.changes, 1);
    w.stop();
  });

  it('liveness fails after failureThreshold failures, then holds until a new container runs', async () => {
    const { w, state, round } = harness('liveness', { failureThreshold: 3 }, ['failure', 'failure', 'failure', 'failure']);
    assert.equal(w.resultFor('c1'), 'success');
    w.poke();
    await settle();
    await round();
    assert.equal(w.resultFor('c1'), 'success');
    await round();
    assert.equal(w.resultFor('c1'), 'failure');
    assert.equal(state.changes, 1);
    await round();
    assert.equal(state.calls, 3, 'no probing while the container waits to be killed');
    state.container = running('c2');
    w.poke();
    await settle();
    assert.equal(w.resultFor('c2'), 'success', 'a new container starts healthy');
    assert.equal(state.calls, 4);
    w.stop();
  });

  it('liveness and readiness wait for the startup probe; startup stops once started', async () => {
    const live = harness('liveness', {}, ['failure'], false);
    live.w.poke();
    await settle();
    await live.round();
    assert.equal(live.state.calls, 0);
    live.w.stop();
    const startup = harness('startup', { failureThreshold: 2 }, ['failure', 'success'], false);
    assert.equal(startup.w.resultFor('c1'), 'unknown');
    startup.w.poke();
    await settle();
    await startup.round();
    assert.equal(startup.w.resultFor('c1'), 'success');
    startup.state.started = true;
    await startup.round();
    assert.equal(startup.state.calls, 2);
    startup.w.stop();
  });

  it('waits initialDelaySeconds after the container started', async () => {
    const { w, state, round } = harness('readiness', { initialDelaySeconds: 60 }, ['success']);
    w.poke();
    await settle();
    await round();
    assert.equal(state.calls, 0);
    w.stop();
  });
});
