import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/types.js';
import { needsSync, RetrySchedule } from './sync-triggers.js';

const pod = (meta: Partial<KubeObject['metadata']> = {}, status: Record<string, unknown> = {}, spec: Record<string, unknown> = { containers: [{ name: 'c', image: 'i' }] }): KubeObject => ({
  metadata: { name: 'p', namespace: 'default', uid: 'u1', resourceVersion: '1', ...meta },
  spec,
  status,
});

describe('needsSync', () => {
  it('ignores status and resourceVersion, the agent writing its own status', () => {
    assert.equal(needsSync(pod(), pod({ resourceVersion: '2', managedFields: [{ manager: 'k8ts-agent' }] } as never, { phase: 'Running' })), false);
  });
  it('syncs on spec, labels, annotations, deletion and a terminal phase set by someone else', () => {
    assert.equal(needsSync(pod(), pod({}, {}, { containers: [{ name: 'c', image: 'j' }] })), true);
    assert.equal(needsSync(pod(), pod({ labels: { a: '1' } })), true);
    assert.equal(needsSync(pod(), pod({ annotations: { a: '1' } })), true);
    assert.equal(needsSync(pod(), pod({ deletionTimestamp: '2025-01-01T00:00:00Z', deletionGracePeriodSeconds: 30 })), true);
    assert.equal(needsSync(pod({ deletionTimestamp: 'x', deletionGracePeriodSeconds: 30 }), pod({ deletionTimestamp: 'x', deletionGracePeriodSeconds: 0 })), true);
    assert.equal(needsSync(pod({}, { phase: 'Running' }), pod({}, { phase: 'Failed' })), true);
    assert.equal(needsSync(pod({}, { phase: 'Failed' }), pod({ resourceVersion: '3' }, { phase: 'Failed', message: 'x' })), false);
  });
});

describe('RetrySchedule', () => {
  const now = 1_000_000;
  it('retries a failed pass after 1 s doubling to 10 s, and from 1 s again once the status changed', () => {
    const s = new RetrySchedule(() => 0);
    const failed = (statusChanged: boolean) => s.after({ failed: true, statusChanged }, now);
    assert.deepEqual([failed(true), failed(false), failed(false), failed(false), failed(false), failed(false)], [1000, 2000, 4000, 8000, 10_000, 10_000]);
    assert.equal(failed(true), 1000);
  });
  it('never waits past the end of a crash or pull back-off', () => {
    const s = new RetrySchedule(() => 0);
    assert.equal(s.after({ failed: true, statusChanged: true, retryAt: now + 300 }, now), 350);
    assert.equal(s.after({ failed: false, statusChanged: false, retryAt: now + 4000 }, now), 4050);
  });
  it('resyncs a healthy pod every 10 s, jittered by up to half', () => {
    assert.equal(new RetrySchedule(() => 0).after({ failed: false, statusChanged: false }, now), 10_000);
    assert.equal(new RetrySchedule(() => 0.999).after({ failed: false, statusChanged: true }, now), 14_995);
  });
  it('backs off a pass that threw, 500 ms doubling to 30 s', () => {
    const s = new RetrySchedule();
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 8].map(() => s.afterError()), [500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
    s.succeeded();
    assert.equal(s.afterError(), 500);
  });
});
