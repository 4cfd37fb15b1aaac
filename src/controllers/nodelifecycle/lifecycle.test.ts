import { test } from 'node:test';
import assert from 'node:assert/strict';
import { desiredLifecycleTaints, reconcileTaints } from './lifecycle-taints.js';
import { observe, unknownConditions } from './node-health.js';

const nodeWith = (ready: string | undefined, extra: Record<string, unknown> = {}) => ({
  metadata: { name: 'n' },
  spec: extra,
  status: { conditions: ready ? [{ type: 'Ready', status: ready }] : [] },
});

test('desired taints follow Ready, pressure and cordoning', () => {
  assert.deepEqual(desiredLifecycleTaints(nodeWith('True')), []);
  assert.deepEqual(desiredLifecycleTaints(nodeWith('Unknown')).map((t) => `${t.key}:${t.effect}`), ['node.kubernetes.io/unreachable:NoSchedule', 'node.kubernetes.io/unreachable:NoExecute']);
  assert.deepEqual(desiredLifecycleTaints(nodeWith('False', { unschedulable: true })).map((t) => `${t.key}:${t.effect}`), [
    'node.kubernetes.io/not-ready:NoSchedule',
    'node.kubernetes.io/not-ready:NoExecute',
    'node.kubernetes.io/unschedulable:NoSchedule',
  ]);
});

test('reconciling keeps foreign taints and stamps NoExecute ones', () => {
  const cur = [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }];
  const out = reconcileTaints(cur, desiredLifecycleTaints(nodeWith('Unknown')), '2025-01-01T00:00:00Z')!;
  assert.deepEqual(out, [
    { key: 'dedicated', value: 'x', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: '2025-01-01T00:00:00Z' },
  ]);
  assert.equal(reconcileTaints(out, desiredLifecycleTaints(nodeWith('Unknown')), 'later'), undefined);
  assert.deepEqual(reconcileTaints(out, [], 'later'), [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' }]);
});

test('heartbeats are timed by the observer; silence turns conditions Unknown', () => {
  const node = { metadata: { name: 'n' }, status: { conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: 't1' }] } };
  const lease = (t: string) => ({ metadata: { name: 'n' }, spec: { renewTime: t } });
  let h = observe(undefined, node, lease('r1'), 1000);
  h = observe(h, node, lease('r1'), 5000);
  assert.equal(h.probeTimestamp, 1000);
  h = observe(h, node, lease('r2'), 7000);
  assert.equal(h.probeTimestamp, 7000);
  const conds = unknownConditions([{ type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: 't1', lastTransitionTime: 't0' }], 'now')!;
  assert.deepEqual(conds[0], { type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastHeartbeatTime: 't1', lastTransitionTime: 'now' });
  assert.deepEqual(conds.map((c) => c.type), ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure']);
  assert.equal(conds[1]!.reason, 'NodeStatusNeverUpdated');
  assert.equal(unknownConditions(conds, 'later'), undefined);
});

import { tolerationTimeMs } from './taint-eviction-controller.js';

test('toleration time: untolerated now, unbounded never, else the shortest', () => {
  const unreachable = [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }];
  assert.equal(tolerationTimeMs(unreachable, []), 0);
  assert.equal(tolerationTimeMs(unreachable, [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }]), 300_000);
  assert.equal(tolerationTimeMs(unreachable, [{ operator: 'Exists' }]), Infinity);
  assert.equal(tolerationTimeMs(unreachable, [{ operator: 'Exists', tolerationSeconds: 5 }, { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }]), 5000);
});
