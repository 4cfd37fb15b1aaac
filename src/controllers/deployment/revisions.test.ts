import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/types.js';
import { revisionHistoryAnnotation, setNewReplicaSetAnnotations } from './revisions.js';

const deployment: KubeObject = {
  metadata: {
    name: 'web',
    annotations: {
      'deployment.kubernetes.io/revision': '4',
      'kubernetes.io/change-cause': 'kubectl set image',
      'kubectl.kubernetes.io/last-applied-configuration': '{}',
    },
  },
};

test("a new set gets the revision, the replicas annotations and the deployment's own annotations", () => {
  const rs: KubeObject = { metadata: { name: 'web-abc' } };
  assert.equal(setNewReplicaSetAnnotations(deployment, rs, 5, false, 3, 4), true);
  assert.deepEqual(rs.metadata.annotations, {
    'kubernetes.io/change-cause': 'kubectl set image',
    'deployment.kubernetes.io/revision': '5',
    'deployment.kubernetes.io/desired-replicas': '3',
    'deployment.kubernetes.io/max-replicas': '4',
  });
});

test('a set brought back keeps its old revisions in revision-history', () => {
  const rs: KubeObject = { metadata: { name: 'web-old', annotations: { 'deployment.kubernetes.io/revision': '2', [revisionHistoryAnnotation]: '1' } } };
  setNewReplicaSetAnnotations(deployment, rs, 5, true, 3, 4);
  assert.equal(rs.metadata.annotations!['deployment.kubernetes.io/revision'], '5');
  assert.equal(rs.metadata.annotations![revisionHistoryAnnotation], '1,2');
  // Nothing changes when it is already the newest.
  assert.equal(setNewReplicaSetAnnotations(deployment, rs, 5, true, 3, 4), false);
});
