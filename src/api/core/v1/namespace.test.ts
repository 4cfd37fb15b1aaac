import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { namespaces } from './namespace.js';
import { causes, make, now } from './test-util.js';

describe('namespaces', () => {
  it('is cluster-scoped with DNS-1123 label names', () => {
    assert.equal(namespaces.namespaced, false);
    assert.deepEqual(namespaces.validateName!('team-a'), []);
    assert.ok(namespaces.validateName!('team.a').length > 0);
  });

  it('gets the kubernetes finalizer, Active phase and name label', () => {
    const ns = make(namespaces, { metadata: { name: 'team-a', labels: { 'kubernetes.io/metadata.name': 'spoofed', env: 'dev' } } });
    assert.deepEqual(ns.spec, { finalizers: ['kubernetes'] });
    assert.deepEqual(ns.status, { phase: 'Active' });
    assert.deepEqual(ns.metadata.labels, { 'kubernetes.io/metadata.name': 'team-a', env: 'dev' });
  });

  it('keeps finalizers across plain updates and lingers while they remain', () => {
    const old = make(namespaces, { metadata: { name: 'team-a' } });
    const next = make(namespaces, { metadata: { name: 'team-a' }, spec: { finalizers: [] } });
    namespaces.prepareForUpdate!(next, old);
    assert.deepEqual((next.spec as any).finalizers, ['kubernetes']);
    namespaces.prepareForDelete!(old);
    assert.equal((old.status as any).phase, 'Terminating');
    assert.equal(namespaces.finalizing!(old), true);
    (old.spec as any).finalizers = [];
    assert.equal(namespaces.finalizing!(old), false);
  });

  it('validates finalizer names', () => {
    const ns = make(namespaces, { metadata: { name: 'a' }, spec: { finalizers: ['custom'] } });
    assert.deepEqual(causes(namespaces.validate!(ns)), [
      'spec.finalizers[0]: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified',
    ]);
  });

  it('prints NAME STATUS AGE and selects on status.phase', () => {
    const ns = make(namespaces, { metadata: { name: 'kube-system' } }, 60 * 24 * 3);
    assert.deepEqual(namespaces.cells!(ns, now), ['kube-system', 'Active', '3d']);
    assert.equal(namespaces.fieldSelectors!['status.phase']!(ns), 'Active');
  });
});
