import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rfc3339 } from '../../util/clock.js';
import { computePDBStatus, expectedCounts } from './pdb-status.js';

const ready = (name: string, extra: Record<string, unknown> = {}) => ({
  metadata: { name, ...extra },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
});
const notReady = (name: string) => ({ metadata: { name }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }] } });

test('integer minAvailable counts the selected pods', () => {
  const pdb = { metadata: { name: 'b', generation: 2 }, spec: { minAvailable: 2 } };
  const s = computePDBStatus(pdb, [ready('a'), ready('b'), ready('c'), notReady('d')], 0, 1_000_000, rfc3339);
  assert.equal(s.currentHealthy, 3);
  assert.equal(s.desiredHealthy, 2);
  assert.equal(s.expectedPods, 4);
  assert.equal(s.disruptionsAllowed, 1);
  assert.equal(s.observedGeneration, 2);
  assert.deepEqual((s.conditions as { reason: string }[]).map((c) => c.reason), ['SufficientPods']);
});

test('maxUnavailable and percentages scale against the controllers', () => {
  assert.deepEqual(expectedCounts({ maxUnavailable: 1 }, 3, 5), { expected: 5, desired: 4 });
  assert.deepEqual(expectedCounts({ maxUnavailable: '50%' }, 3, 5), { expected: 5, desired: 2 });
  assert.deepEqual(expectedCounts({ minAvailable: '50%' }, 3, 5), { expected: 5, desired: 3 });
  assert.deepEqual(expectedCounts({}, 3, 5), { expected: 3, desired: 0 });
});

test('disrupted pods do not count as healthy until they time out', () => {
  const now = Date.parse('2024-01-01T00:10:00Z');
  const pdb = {
    metadata: { name: 'b', generation: 1 },
    spec: { minAvailable: 1 },
    status: { disruptedPods: { a: '2024-01-01T00:09:30Z', b: '2024-01-01T00:00:00Z', gone: '2024-01-01T00:09:59Z' } },
  };
  const s = computePDBStatus(pdb, [ready('a'), ready('b')], 0, now, rfc3339);
  assert.deepEqual(s.disruptedPods, { a: '2024-01-01T00:09:30Z' });
  assert.equal(s.currentHealthy, 1);
  assert.equal(s.disruptionsAllowed, 0);
  assert.equal((s.conditions as { status: string; reason: string }[])[0]!.reason, 'InsufficientPods');
});
