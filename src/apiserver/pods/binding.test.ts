import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../errors.js';
import { bindPod } from './binding.js';
import { openPodTestRegistry, testPod, type PodTestRegistry } from './test-support.js';

let reg: PodTestRegistry;
before(async () => {
  reg = await openPodTestRegistry();
});
after(() => reg.close());

test('binding sets nodeName, merges annotations and marks PodScheduled', async () => {
  const pods = reg.catalog.lookup('', 'v1', 'pods')!;
  await pods.create('default', testPod('a'));
  const deps = { storage: reg.storage, pods, clock: reg.clock };
  const out = await bindPod(deps, 'default', 'a', { metadata: { annotations: { note: 'x' } }, target: { kind: 'Node', name: 'n1' } });
  assert.equal((out.spec as { nodeName: string }).nodeName, 'n1');
  const stored = await pods.get('default', 'a');
  assert.equal((stored.spec as { nodeName: string }).nodeName, 'n1');
  assert.equal(stored.metadata.annotations?.note, 'x');
  assert.deepEqual((stored.status as { conditions: unknown[] }).conditions, [
    { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: '2025-01-01T00:00:00Z' },
  ]);
  assert.equal(stored.metadata.resourceVersion, out.metadata.resourceVersion);

  await assert.rejects(bindPod(deps, 'default', 'a', { target: { name: 'n2' } }), (err: ApiError) => {
    assert.equal(err.code, 409);
    assert.equal(err.message, 'Operation cannot be fulfilled on pods/binding "a": pod a is already assigned to node "n1"');
    return true;
  });
});

test('bad targets are Invalid; missing pods NotFound', async () => {
  const pods = reg.catalog.lookup('', 'v1', 'pods')!;
  const deps = { storage: reg.storage, pods, clock: reg.clock };
  await assert.rejects(bindPod(deps, 'default', 'zz', { target: { kind: 'Pod' } }), (err: ApiError) => {
    assert.equal(err.code, 422);
    assert.equal(err.message, 'Binding "zz" is invalid: [target.kind: Unsupported value: "Pod": supported values: "Node", "<empty>", target.name: Required value]');
    return true;
  });
  await assert.rejects(bindPod(deps, 'default', 'zz', { target: { name: 'n1' } }), /pods "zz" not found/);
});
