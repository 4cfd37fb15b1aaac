import { test } from 'node:test';
import assert from 'node:assert/strict';
import { at, created, lines } from '../../common/testing.js';
import { leases } from './lease.js';

test('leases: validation and HOLDER column', () => {
  const { obj, errs } = created(leases, {
    metadata: { name: 'kube-scheduler', namespace: 'kube-system' },
    spec: { holderIdentity: 'node1_5d3c', leaseDurationSeconds: 15, acquireTime: '2024-05-01T10:00:00.000000Z' },
  });
  assert.deepEqual(errs, []);
  assert.deepEqual(leases.cells!(obj, at(61)), ['kube-scheduler', 'node1_5d3c', '61s']);
  assert.deepEqual(leases.cells!({ metadata: { name: 'idle', creationTimestamp: '2024-05-01T10:00:00Z' } }, at(1)), ['idle', '', '1s']);
  const bad = created(leases, {
    metadata: { name: 'x', namespace: 'default' },
    spec: { leaseDurationSeconds: 0, leaseTransitions: -1, preferredHolder: 'a' },
  });
  assert.deepEqual(lines(bad.errs), [
    'spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0',
    'spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0',
    'spec.preferredHolder: Forbidden: may only be specified if `strategy` is defined',
  ]);
});
