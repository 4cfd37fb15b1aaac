import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { persistentVolumeClaims } from './persistentvolumeclaim.js';
import { persistentVolumes } from './persistentvolume.js';
import { causes, make, now } from './test-util.js';

describe('persistentvolumes', () => {
  const pv = make(persistentVolumes, {
    metadata: { name: 'pv-1' },
    spec: { capacity: { storage: '10Gi' }, accessModes: ['ReadWriteOnce', 'ReadOnlyMany'], hostPath: { path: '/data' }, storageClassName: 'local-path' },
  });

  it('defaults the reclaim policy, volume mode and phase', () => {
    assert.equal((pv.spec as any).persistentVolumeReclaimPolicy, 'Retain');
    assert.equal((pv.spec as any).volumeMode, 'Filesystem');
    assert.deepEqual(pv.status, { phase: 'Pending' });
    assert.deepEqual(persistentVolumes.validate!(pv), []);
  });

  it('prints the PV columns', () => {
    const bound = structuredClone(pv);
    (bound.spec as any).claimRef = { namespace: 'default', name: 'data' };
    bound.status = { phase: 'Bound' };
    assert.deepEqual(persistentVolumes.cells!(bound, now), [
      'pv-1', '10Gi', 'RWO,ROX', 'Retain', 'Bound', 'default/data', 'local-path', '<unset>', '', '5m', 'Filesystem',
    ]);
  });

  it('validates modes, capacity and source', () => {
    const bad = make(persistentVolumes, { metadata: { name: 'b' }, spec: { capacity: { storage: '1Gi' } } });
    assert.deepEqual(causes(persistentVolumes.validate!(bad)), ['spec.accessModes: Required value', 'spec: Required value: must specify a volume type']);
  });
});

describe('persistentvolumeclaims', () => {
  const pvc = make(persistentVolumeClaims, {
    metadata: { name: 'data', namespace: 'default' },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: 'local-path' },
  });

  it('defaults and validates', () => {
    assert.equal((pvc.spec as any).volumeMode, 'Filesystem');
    assert.deepEqual(pvc.status, { phase: 'Pending' });
    assert.deepEqual(persistentVolumeClaims.validate!(pvc), []);
    const bad = make(persistentVolumeClaims, { spec: {} });
    assert.deepEqual(causes(persistentVolumeClaims.validate!(bad)), [
      'spec.accessModes: Required value: at least 1 access mode is required',
      'spec.resources[storage]: Required value',
    ]);
  });

  it('prints capacity and modes only once bound', () => {
    assert.deepEqual(persistentVolumeClaims.cells!(pvc, now), ['data', 'Pending', '', '', '', 'local-path', '<unset>', '5m', 'Filesystem']);
    const bound = structuredClone(pvc);
    (bound.spec as any).volumeName = 'pv-1';
    bound.status = { phase: 'Bound', capacity: { storage: '10Gi' }, accessModes: ['ReadWriteOnce'] };
    assert.deepEqual(persistentVolumeClaims.cells!(bound, now).slice(1, 5), ['Bound', 'pv-1', '10Gi', 'RWO']);
  });

  it('allows binding and growth of bound claims only', () => {
    const bound = structuredClone(pvc);
    (bound.spec as any).volumeName = 'pv-1';
    assert.deepEqual(persistentVolumeClaims.validateUpdate!(bound, pvc), []);
    const grown = structuredClone(bound);
    (grown.spec as any).resources.requests.storage = '2Gi';
    assert.deepEqual(persistentVolumeClaims.validateUpdate!(grown, bound), []);
    const changed = structuredClone(pvc);
    (changed.spec as any).accessModes = ['ReadWriteMany'];
    assert.deepEqual(causes(persistentVolumeClaims.validateUpdate!(changed, pvc)), [
      'spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims',
    ]);
  });
});
