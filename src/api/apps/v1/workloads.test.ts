import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../types.js';
import { at, created, lines, updated } from '../../common/testing.js';
import { controllerRevisions } from './controllerrevision.js';
import { daemonSets, templateGenerationAnnotation } from './daemonset.js';
import { replicaSets } from './replicaset.js';
import { statefulSets } from './statefulset.js';

const template = {
  metadata: { labels: { app: 'db' } },
  spec: { restartPolicy: 'Always', containers: [{ name: 'pg', image: 'postgres:16' }] },
};

function workload(kind: string, spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind,
    metadata: { name: 'db', namespace: 'default' },
    spec: { selector: { matchLabels: { app: 'db' } }, template: structuredClone(template), ...spec },
  };
}

test('replicasets default one replica and select on status.replicas', () => {
  const { obj, errs } = created(replicaSets, workload('ReplicaSet'));
  assert.deepEqual(errs, []);
  assert.equal((obj.spec as any).replicas, 1);
  assert.deepEqual(obj.status, { replicas: 0 });
  obj.status = { replicas: 2, readyReplicas: 1 };
  assert.equal(replicaSets.fieldSelectors!['status.replicas']!(obj), '2');
  assert.deepEqual(replicaSets.cells!(obj, at(30)), ['db', 1, 2, 1, '30s', 'pg', 'postgres:16', 'app=db']);
});

test('replicaset empty selector message matches upstream (it says deployment)', () => {
  const { errs } = created(replicaSets, workload('ReplicaSet', { selector: { matchLabels: {} } }));
  assert.deepEqual(lines(errs), [
    'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment',
  ]);
});

test('statefulset defaults', () => {
  const { obj, errs } = created(
    statefulSets,
    workload('StatefulSet', {
      serviceName: 'db',
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    }),
  );
  assert.deepEqual(errs, []);
  const spec = obj.spec as any;
  assert.equal(spec.replicas, 1);
  assert.equal(spec.podManagementPolicy, 'OrderedReady');
  assert.deepEqual(spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
  assert.deepEqual(spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Retain', whenScaled: 'Retain' });
  assert.equal(spec.revisionHistoryLimit, 10);
  assert.deepEqual(spec.volumeClaimTemplates[0], {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'data' },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeMode: 'Filesystem' },
    status: { phase: 'Pending' },
  });
  assert.deepEqual(obj.status, { replicas: 0, availableReplicas: 0 });
});

test('statefulset names are DNS labels and spec changes are limited', () => {
  assert.deepEqual(statefulSets.validateName!('db.primary').length > 0, true);
  const { obj: old } = created(statefulSets, workload('StatefulSet', { serviceName: 'db' }));
  const scaled = structuredClone(old);
  (scaled.spec as any).replicas = 3;
  assert.deepEqual(updated(statefulSets, scaled, old), []);
  const renamed = structuredClone(old);
  (renamed.spec as any).serviceName = 'other';
  assert.deepEqual(lines(updated(statefulSets, renamed, old)), [
    "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
  ]);
});

test('statefulset validation wording', () => {
  const { errs } = created(
    statefulSets,
    workload('StatefulSet', {
      podManagementPolicy: 'Random',
      updateStrategy: { type: 'OnDelete', rollingUpdate: { partition: 1 } },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Keep', whenScaled: 'Retain' },
      selector: { matchLabels: { app: 'other' } },
    }),
  );
  assert.deepEqual(lines(errs), [
    'spec.podManagementPolicy: Invalid value: "Random": must be \'OrderedReady\' or \'Parallel\'',
    'spec.updateStrategy.rollingUpdate: Invalid value: {"partition":1}: only allowed for updateStrategy \'RollingUpdate\'',
    'spec.persistentVolumeClaimRetentionPolicy.whenDeleted: Unsupported value: "Keep": supported values: "Retain", "Delete"',
    'spec.template.metadata.labels: Invalid value: map[string]string{"app":"db"}: `selector` does not match template `labels`',
  ]);
});

test('statefulset table row', () => {
  const { obj } = created(statefulSets, workload('StatefulSet', { replicas: 3 }));
  obj.status = { replicas: 3, readyReplicas: 2 };
  assert.deepEqual(statefulSets.cells!(obj, at(200)), ['db', '2/3', '3m20s', 'pg', 'postgres:16']);
});

test('daemonset defaults, template generation and table row', () => {
  const { obj, errs } = created(daemonSets, workload('DaemonSet'));
  assert.deepEqual(errs, []);
  assert.deepEqual((obj.spec as any).updateStrategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
  assert.equal((obj.spec as any).revisionHistoryLimit, 10);
  assert.equal(obj.metadata.annotations![templateGenerationAnnotation], '1');

  const relabelled = structuredClone(obj);
  relabelled.metadata.labels = { team: 'a' };
  daemonSets.prepareForUpdate!(relabelled, obj);
  assert.equal(relabelled.metadata.annotations![templateGenerationAnnotation], '1');

  const retemplated = structuredClone(obj);
  (retemplated.spec as any).template.spec.containers[0].image = 'postgres:17';
  retemplated.metadata.annotations![templateGenerationAnnotation] = '9';
  daemonSets.prepareForUpdate!(retemplated, obj);
  assert.equal(retemplated.metadata.annotations![templateGenerationAnnotation], '2');

  (obj.spec as any).template.spec.nodeSelector = { 'kubernetes.io/os': 'linux' };
  obj.status = { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2 };
  assert.deepEqual(daemonSets.cells!(obj, at(90000)), ['db', 3, 3, 2, 3, 2, 'kubernetes.io/os=linux', '25h', 'pg', 'postgres:16', 'app=db']);
});

test('daemonset rolling update needs exactly one of maxSurge and maxUnavailable', () => {
  const both = created(daemonSets, workload('DaemonSet', { updateStrategy: { rollingUpdate: { maxSurge: 1 } } }));
  assert.deepEqual(lines(both.errs), [
    'spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:0, IntVal:1, StrVal:""}: may not be set when maxUnavailable is non-zero',
  ]);
  const none = created(daemonSets, workload('DaemonSet', { updateStrategy: { rollingUpdate: { maxUnavailable: 0 } } }));
  assert.deepEqual(lines(none.errs), ['spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0']);
});

test('controllerrevisions show their controller and keep data immutable', () => {
  const rev: KubeObject = {
    metadata: {
      name: 'web-7d9f8c',
      namespace: 'default',
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u1', controller: true }],
    },
    data: { spec: { template: {} } },
    revision: 2,
  };
  const { obj, errs } = created(controllerRevisions, rev);
  assert.deepEqual(errs, []);
  assert.deepEqual(controllerRevisions.cells!(obj, at(5)), ['web-7d9f8c', 'statefulset.apps/web', 2, '5s']);
  const changed = structuredClone(obj);
  changed.data = { spec: {} };
  assert.deepEqual(lines(updated(controllerRevisions, changed, obj)), ['data: Invalid value: {"spec":{}}: field is immutable']);
  const missing = created(controllerRevisions, { metadata: { name: 'x', namespace: 'default' }, revision: -1 });
  assert.deepEqual(lines(missing.errs), ['data: Required value: data is mandatory', 'revision: Invalid value: -1: must be greater than or equal to 0']);
});
