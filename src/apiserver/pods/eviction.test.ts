import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/types.js';
import { ApiError } from '../errors.js';
import { evictPod } from './eviction.js';
import { openPodTestRegistry, testPod, type PodTestRegistry } from './test-support.js';

let reg: PodTestRegistry;
before(async () => {
  reg = await openPodTestRegistry();
});
after(() => reg.close());

async function runningPod(name: string, labels: Record<string, string>): Promise<KubeObject> {
  const pods = reg.catalog.lookup('', 'v1', 'pods')!;
  await pods.create('default', testPod(name, { labels, node: 'n1' }));
  return pods.update('default', name, (p) => ({ ...p, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } }), { subresource: 'status' });
}

async function pdbWithStatus(name: string, selector: Record<string, string>, status: Record<string, unknown>): Promise<void> {
  const pdbs = reg.catalog.lookup('policy', 'v1', 'poddisruptionbudgets')!;
  await pdbs.create('default', { metadata: { name }, spec: { minAvailable: 1, selector: { matchLabels: selector } } });
  await pdbs.update('default', name, (p) => ({ ...p, status: { observedGeneration: 1, ...status } }), { subresource: 'status' });
}

function deps() {
  return { pods: reg.catalog.lookup('', 'v1', 'pods')!, pdbs: reg.catalog.lookup('policy', 'v1', 'poddisruptionbudgets')!, clock: reg.clock };
}

test('an eviction the budget allows deletes the pod and records the disruption', async () => {
  await runningPod('ok-1', { app: 'ok' });
  await pdbWithStatus('ok', { app: 'ok' }, { disruptionsAllowed: 1, currentHealthy: 2, desiredHealthy: 1, expectedPods: 2 });
  const out = await evictPod(deps(), 'default', 'ok-1', { metadata: { name: 'ok-1' } }, false);
  assert.equal(out.code, 201);
  assert.equal(out.status.status, 'Success');
  // The pod runs on a node, so deletion is graceful: it lingers with a deletionTimestamp.
  const pod = await deps().pods.get('default', 'ok-1');
  assert.ok(pod.metadata.deletionTimestamp);
  const pdb = await deps().pdbs.get('default', 'ok');
  const status = pdb.status as { disruptionsAllowed: number; disruptedPods: Record<string, string>; conditions: { reason: string }[] };
  assert.equal(status.disruptionsAllowed, 0);
  assert.deepEqual(Object.keys(status.disruptedPods), ['ok-1']);
  assert.equal(status.conditions[0]!.reason, 'InsufficientPods');
});

test('an eviction that would break the budget is 429 with the DisruptionBudget cause', async () => {
  await runningPod('full-1', { app: 'full' });
  await pdbWithStatus('full', { app: 'full' }, { disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 1, expectedPods: 1 });
  await assert.rejects(evictPod(deps(), 'default', 'full-1', { metadata: { name: 'full-1' } }, false), (err: ApiError) => {
    assert.equal(err.code, 429);
    assert.equal(err.reason, 'TooManyRequests');
    assert.equal(err.message, "Cannot evict pod as it would violate the pod's disruption budget.");
    assert.deepEqual(err.details?.causes, [{ reason: 'DisruptionBudget', message: 'The disruption budget full needs 1 healthy pods and has 1 currently' }]);
    return true;
  });
  const pod = await deps().pods.get('default', 'full-1');
  assert.equal(pod.metadata.deletionTimestamp, undefined);
});

test('pods with two budgets, unprocessed budgets and name mismatches', async () => {
  await runningPod('two-1', { app: 'two', tier: 'x' });
  await pdbWithStatus('two-a', { app: 'two' }, { disruptionsAllowed: 1 });
  await pdbWithStatus('two-b', { tier: 'x' }, { disruptionsAllowed: 1 });
  const out = await evictPod(deps(), 'default', 'two-1', { metadata: { name: 'two-1' } }, false);
  assert.equal(out.code, 500);
  assert.equal(out.status.message, 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
  await assert.rejects(evictPod(deps(), 'default', 'two-1', { metadata: { name: 'other' } }, false), /name in URL does not match name in Eviction object/);

  await runningPod('new-1', { app: 'new' });
  await deps().pdbs.create('default', { metadata: { name: 'new' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'new' } } } });
  await assert.rejects(evictPod(deps(), 'default', 'new-1', { metadata: { name: 'new-1' } }, false), (err: ApiError) => {
    assert.equal(err.code, 429);
    assert.equal(err.details?.retryAfterSeconds, 10);
    assert.match(err.details!.causes![0]!.message!, /The disruption budget new is still being processed by the server/);
    return true;
  });
});

test('pending pods are deleted without consulting budgets', async () => {
  const pods = deps().pods;
  await pods.create('default', testPod('pending-1', { labels: { app: 'full' } }));
  const out = await evictPod(deps(), 'default', 'pending-1', { metadata: { name: 'pending-1' } }, false);
  assert.equal(out.code, 201);
  await assert.rejects(pods.get('default', 'pending-1'), /not found/);
});
