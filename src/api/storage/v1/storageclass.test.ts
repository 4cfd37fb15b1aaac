import { test } from 'node:test';
import assert from 'node:assert/strict';
import { at, created, lines, updated } from '../../common/testing.js';
import { storageClasses } from './storageclass.js';

test('defaults and the (default) marker', () => {
  const { obj, errs } = created(storageClasses, {
    metadata: { name: 'local-path', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
    provisioner: 'rancher.io/local-path',
  });
  assert.deepEqual(errs, []);
  assert.equal(obj.reclaimPolicy, 'Delete');
  assert.equal(obj.volumeBindingMode, 'Immediate');
  assert.deepEqual(storageClasses.cells!(obj, at(86400 * 3)), ['local-path (default)', 'rancher.io/local-path', 'Delete', 'Immediate', false, '3d']);
  obj.metadata.annotations = {};
  obj.volumeBindingMode = 'WaitForFirstConsumer';
  obj.allowVolumeExpansion = true;
  assert.deepEqual(storageClasses.cells!(obj, at(5)).slice(0, 5), ['local-path', 'rancher.io/local-path', 'Delete', 'WaitForFirstConsumer', true]);
});

test('provisioner, policy, mode and topologies are validated', () => {
  assert.deepEqual(lines(created(storageClasses, { metadata: { name: 'x' } }).errs), ['provisioner: Required value']);
  const { errs } = created(storageClasses, {
    metadata: { name: 'x' },
    provisioner: 'example.com/csi',
    reclaimPolicy: 'Recycle',
    volumeBindingMode: 'Later',
    allowedTopologies: [{ matchLabelExpressions: [{ key: 'topology.kubernetes.io/zone', values: [] }] }],
  });
  assert.deepEqual(lines(errs), [
    'reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain"',
    'volumeBindingMode: Unsupported value: "Later": supported values: "Immediate", "WaitForFirstConsumer"',
    'allowedTopologies[0].matchLabelExpressions[0].values: Required value: must specify as least one value',
  ]);
});

test('parameters and provisioner cannot change', () => {
  const { obj: old } = created(storageClasses, { metadata: { name: 'fast' }, provisioner: 'example.com/csi', parameters: { type: 'ssd' } });
  const next = structuredClone(old);
  next.parameters = { type: 'hdd' };
  next.provisioner = 'example.com/other';
  next.volumeBindingMode = 'WaitForFirstConsumer';
  assert.deepEqual(lines(updated(storageClasses, next, old)), [
    'parameters: Forbidden: updates to parameters are forbidden.',
    'provisioner: Forbidden: updates to provisioner are forbidden.',
    'volumeBindingMode: Invalid value: "WaitForFirstConsumer": field is immutable',
  ]);
  const relabel = structuredClone(old);
  relabel.metadata.labels = { tier: 'gold' };
  relabel.allowVolumeExpansion = true;
  assert.deepEqual(updated(storageClasses, relabel, old), []);
});
