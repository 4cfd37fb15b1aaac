import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PodInfo } from '../framework/pod-info.js';
import { pod } from '../testing/fixtures.js';
import { SchedulingQueue } from './scheduling-queue.js';

function queue(now: { t: number }, interested = (rejectors: Set<string>, resource: string) => rejectors.has('NodeResourcesFit') && resource === 'Node') {
  return new SchedulingQueue({
    now: () => now.t,
    interested: (p, e) => interested(p.rejectors, e.resource),
    gated: (p) => ((p.pod.spec as { schedulingGates?: unknown[] }).schedulingGates ?? []).length > 0,
  });
}

const info = (name: string, priority = 0, extra: Record<string, unknown> = {}) => new PodInfo(pod(name, { priority, ...extra }));

test('activeQ pops by priority, then by arrival', () => {
  const now = { t: 0 };
  const q = queue(now);
  q.add(info('a', 0));
  now.t = 1;
  q.add(info('b', 100));
  now.t = 2;
  q.add(info('c', 0));
  assert.deepEqual([q.pop()!.info.name, q.pop()!.info.name, q.pop()!.info.name], ['b', 'a', 'c']);
  assert.equal(q.pop(), undefined);
  q.close();
});

test('an unschedulable pod waits until an event its rejectors registered for', () => {
  const now = { t: 0 };
  const q = queue(now);
  q.add(info('p'));
  q.pop();
  q.unschedulableAfterAttempt('default/p', new Set(['NodeResourcesFit']));
  assert.deepEqual(q.stats(), { active: 0, backoff: 0, unschedulable: 1, inFlight: 0 });
  q.onEvent({ resource: 'AssignedPod', action: 'Add' });
  assert.equal(q.stats().unschedulable, 1);
  now.t = 5000;
  q.onEvent({ resource: 'Node', action: 'Add' });
  assert.equal(q.pop()?.info.name, 'p');
  q.close();
});

test('backoff doubles per attempt up to the maximum; an event during the attempt sends the pod to backoff', () => {
  const now = { t: 0 };
  const q = queue(now);
  q.add(info('p'));
  for (const [attempt, expected] of [[1, 1000], [2, 2000], [3, 4000], [4, 8000], [5, 10_000], [6, 10_000]] as const) {
    const popped = q.pop()!;
    assert.equal(popped.attempts, attempt);
    q.errorAfterAttempt('default/p');
    assert.equal(q.stats().backoff, 1);
    now.t += expected - 1;
    q.flushBackoff();
    assert.equal(q.stats().active, 0, `attempt ${attempt} still backing off`);
    now.t += 1;
    q.flushBackoff();
    assert.equal(q.stats().active, 1, `attempt ${attempt} back after ${expected} ms`);
  }
  const p = q.pop()!;
  q.onEvent({ resource: 'Node', action: 'UpdateNodeLabel' });
  q.unschedulableAfterAttempt('default/p', new Set(['NodeAffinity']));
  assert.equal(q.stats().backoff, 1, 'moved to backoff, not parked, because something happened meanwhile');
  void p;
  q.close();
});

test('gated pods wait until their scheduling gates are removed; nominations are tracked per node', () => {
  const now = { t: 0 };
  const q = queue(now, () => true);
  q.add(info('g', 0, { schedulingGates: [{ name: 'wait' }] }));
  assert.equal(q.pop(), undefined);
  q.onEvent({ resource: 'Node', action: 'Add' });
  assert.equal(q.pop(), undefined);
  q.update(info('g'), true);
  assert.equal(q.pop()?.info.name, 'g');

  const n = info('n', 5);
  q.nominate(n, 'node-1');
  assert.deepEqual(q.nominatedPodsForNode('node-1').map((p) => p.name), ['n']);
  q.delete('default/n');
  assert.deepEqual(q.nominatedPodsForNode('node-1'), []);
  q.close();
});
