import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/types.js';
import { maxSurge, maxUnavailable, newRSNewReplicas, proportion, resolveFenceposts } from './rollout-math.js';

function d(replicas: number, maxSurge: number | string, maxUnavailable: number | string, status: Record<string, unknown> = {}): KubeObject {
  return { metadata: { name: 'd' }, spec: { replicas, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge, maxUnavailable } } }, status };
}
const rs = (replicas: number, annotations: Record<string, string> = {}): KubeObject => ({ metadata: { name: `rs${replicas}`, annotations }, spec: { replicas } });

test('fenceposts: surge rounds up, unavailable rounds down, never both zero', () => {
  assert.deepEqual(resolveFenceposts(d(10, '25%', '25%'), 10), { surge: 3, unavailable: 2 });
  assert.deepEqual(resolveFenceposts(d(1, '25%', '25%'), 1), { surge: 1, unavailable: 0 });
  assert.deepEqual(resolveFenceposts(d(3, 0, '10%'), 3), { surge: 0, unavailable: 1 });
  assert.equal(maxUnavailable(d(2, 0, 5)), 2);
  assert.equal(maxSurge({ metadata: {}, spec: { replicas: 5, strategy: { type: 'Recreate' } } }), 0);
});

test('the new ReplicaSet grows within the surge budget', () => {
  const dep = d(10, 3, 2);
  assert.equal(newRSNewReplicas(dep, [rs(10), rs(0)], rs(0)), 3);
  assert.equal(newRSNewReplicas(dep, [rs(8), rs(5)], rs(5)), 5);
  assert.equal(newRSNewReplicas(dep, [rs(2), rs(9)], rs(9)), 10);
});

test("proportions follow each set's share of the size it was made for", () => {
  const dep = d(15, 3, 2, { replicas: 13 });
  const annotations = { 'deployment.kubernetes.io/max-replicas': '13' };
  // 18 allowed, 13 asked for: 5 more, shared 8:5.
  assert.equal(proportion(rs(8, annotations), dep, 5, 0), 3);
  assert.equal(proportion(rs(5, annotations), dep, 5, 3), 2);
  assert.equal(proportion(rs(0), dep, 5, 0), 0);
});
