import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/types.js';
import type { ContainerRuntime } from '../runtime/container-runtime.js';
import { NoLogsError, logContainerId } from './container-logs.js';
import { LogOptionsError, parseLogQuery } from './log-options.js';

describe('parseLogQuery', () => {
  it('reads kubectl options', () => {
    const q = parseLogQuery(new URLSearchParams('follow=true&tailLines=10&timestamps=true&sinceSeconds=60&limitBytes=5'), 100_000);
    assert.deepEqual(q, { follow: true, previous: false, timestamps: true, tailLines: 10, limitBytes: 5, sinceMs: 40_000 });
  });
  it('rejects bad values', () => {
    assert.throws(() => parseLogQuery(new URLSearchParams('tailLines=-1'), 0), LogOptionsError);
    assert.throws(() => parseLogQuery(new URLSearchParams('limitBytes=0'), 0), LogOptionsError);
    assert.throws(() => parseLogQuery(new URLSearchParams('sinceSeconds=5&sinceTime=2024-01-01T00:00:00Z'), 0), /at most one of/);
  });
});

describe('logContainerId', () => {
  const pod: KubeObject = { metadata: { name: 'web' } };
  const runtime = { state: async (id: string) => (id.startsWith('gone') ? undefined : { id }) } as unknown as ContainerRuntime;
  const status = (s: Record<string, unknown>) => ({ containerStatuses: [{ name: 'c', ...s }] });

  it('reads the running container, or the one that just crashed while waiting', async () => {
    assert.equal(await logContainerId(pod, status({ containerID: 'runc://a', state: { running: {} } }), 'c', false, runtime), 'a');
    const crashing = status({ containerID: 'runc://b', state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { containerID: 'runc://b' } } });
    assert.equal(await logContainerId(pod, crashing, 'c', false, runtime), 'b');
    assert.equal(await logContainerId(pod, crashing, 'c', true, runtime), 'b');
  });

  it("words the kubelet's errors", async () => {
    await assert.rejects(logContainerId(pod, status({ state: { waiting: { reason: 'ContainerCreating' } } }), 'c', false, runtime), (e: Error) => e instanceof NoLogsError && e.message === 'container "c" in pod "web" is waiting to start: ContainerCreating');
    await assert.rejects(logContainerId(pod, status({ containerID: 'runc://a', state: { running: {} } }), 'c', true, runtime), /previous terminated container "c" in pod "web" not found/);
  });
});
