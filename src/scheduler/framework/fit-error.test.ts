import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitErrorMessage } from './fit-error.js';
import { Status } from './status.js';

test('reasons are counted per node and sorted as strings, then the preemption message', () => {
  const taint = Status.unresolvable('node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }');
  const byNode = new Map([
    ['a', Status.unschedulable('Insufficient cpu')],
    ['b', taint],
    ['c', taint],
  ]);
  const msg = fitErrorMessage(3, {
    statuses: { byNode },
    rejectors: new Set(),
    postFilterMsg: 'preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.',
  });
  assert.equal(
    msg,
    '0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.',
  );
});

test('nodes without a verdict share the absent status; a PreFilter message replaces node reasons', () => {
  assert.equal(
    fitErrorMessage(4, { statuses: { byNode: new Map([['a', Status.unschedulable('Insufficient cpu', 'Insufficient memory')]]), absent: Status.unresolvable('Preemption is not helpful for scheduling') }, rejectors: new Set() }),
    '0/4 nodes are available: 1 Insufficient cpu, 1 Insufficient memory, 3 Preemption is not helpful for scheduling.',
  );
  assert.equal(fitErrorMessage(2, { statuses: { byNode: new Map() }, rejectors: new Set(), preFilterMsg: "node(s) didn't match Pod's node affinity/selector" }), "0/2 nodes are available: node(s) didn't match Pod's node affinity/selector.");
});
