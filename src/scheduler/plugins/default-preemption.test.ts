import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PodInfo } from '../framework/pod-info.js';
import { FitError } from '../schedule-pod.js';
import { harness, node, pod } from '../testing/fixtures.js';

const cpu = (c: string, priority: number, extra: Record<string, unknown> = {}) => ({ priority, containers: [{ name: 'c', image: 'i', resources: { requests: { cpu: c } } }], ...extra });

async function preempt(h: ReturnType<typeof harness>, p: ReturnType<typeof pod>) {
  const info = new PodInfo(p);
  const state = h.fw.newCycleState();
  try {
    h.algo.schedule(h.fw, state, info);
    assert.fail('expected no fit');
  } catch (err) {
    assert.ok(err instanceof FitError);
    return h.fw.runPostFilter(state, info, err.diagnosis.statuses);
  }
}

test('preemption picks the node whose victims matter least and deletes only them', async () => {
  const h = harness();
  h.cache.addNode(node('a', { cpu: '2' }));
  h.cache.addNode(node('b', { cpu: '2' }));
  // a: one priority-50 pod using everything; b: two priority-10 pods using everything.
  h.cache.upsertPod({ ...pod('a-mid', cpu('2', 50)), spec: { ...cpu('2', 50), nodeName: 'a' } });
  h.cache.upsertPod({ ...pod('b-low-1', cpu('1', 10)), spec: { ...cpu('1', 10), nodeName: 'b' } });
  h.cache.upsertPod({ ...pod('b-low-2', cpu('1', 10)), spec: { ...cpu('1', 10), nodeName: 'b' } });
  const out = await preempt(h, pod('vip', cpu('1', 100)));
  assert.equal(out.status.code, 'Success');
  assert.equal(out.result?.nominatedNodeName, 'b');
  assert.equal(h.deleted.length, 1, 'one low pod is enough');
  assert.match(h.deleted[0]!, /^b-low-/);
});

test('nothing to preempt: the Kubernetes messages for each node', async () => {
  const h = harness();
  h.cache.addNode(node('a', { cpu: '1' }));
  h.cache.addNode(node('b', { cpu: '1', taints: [{ key: 'x', effect: 'NoSchedule' }] }));
  h.cache.upsertPod({ ...pod('same', cpu('1', 100)), spec: { ...cpu('1', 100), nodeName: 'a' } });
  const out = await preempt(h, pod('vip', cpu('1', 100)));
  assert.equal(out.status.message, 'preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.');
  const never = await preempt(h, pod('polite', cpu('1', 200, { preemptionPolicy: 'Never' })));
  assert.equal(never.status.message, 'preemption: not eligible due to preemptionPolicy=Never.');
});

test('victims covered by a PodDisruptionBudget with no room are spared when another node will do', async () => {
  const pdb = { metadata: { name: 'guard', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'guarded' } } }, status: { disruptionsAllowed: 0 } };
  const h = harness(undefined, [pdb]);
  h.cache.addNode(node('a', { cpu: '1' }));
  h.cache.addNode(node('b', { cpu: '1' }));
  h.cache.upsertPod({ ...pod('guarded', cpu('1', 0), { labels: { app: 'guarded' } }), spec: { ...cpu('1', 0), nodeName: 'a' } });
  h.cache.upsertPod({ ...pod('free', cpu('1', 5)), spec: { ...cpu('1', 5), nodeName: 'b' } });
  const out = await preempt(h, pod('vip', cpu('1', 100)));
  assert.equal(out.result?.nominatedNodeName, 'b');
  assert.deepEqual(h.deleted, ['free']);
});
