import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { replicationControllers as rcs } from './replicationcontroller.js';
import { causes, make, now } from './test-util.js';

const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } };

describe('replicationcontrollers', () => {
  it('defaults selector, labels, replicas and the pod template', () => {
    const rc = make(rcs, { metadata: { name: 'web', namespace: 'default' }, spec: { template: structuredClone(template) } });
    assert.deepEqual((rc.spec as any).selector, { app: 'web' });
    assert.deepEqual(rc.metadata.labels, { app: 'web' });
    assert.equal((rc.spec as any).replicas, 1);
    assert.equal((rc.spec as any).template.spec.restartPolicy, 'Always');
    assert.equal((rc.spec as any).template.spec.containers[0].imagePullPolicy, 'IfNotPresent');
    assert.deepEqual(rc.status, { replicas: 0 });
    assert.deepEqual(rcs.validate!(rc), []);
    assert.equal(rcs.tracksGeneration, true);
  });

  it('validates selector, replicas and template', () => {
    const rc = make(rcs, { spec: { replicas: -1, selector: { app: 'api' }, template: structuredClone(template) } });
    assert.deepEqual(causes(rcs.validate!(rc)), [
      'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: selector does not match template labels',
    ]);
    const noTemplate = make(rcs, { spec: { selector: { app: 'x' } } });
    assert.deepEqual(causes(rcs.validate!(noTemplate)), ['spec.template: Required value']);
    const job = make(rcs, { spec: { template: { ...structuredClone(template), spec: { restartPolicy: 'OnFailure', containers: [{ name: 'a', image: 'x' }] } } } });
    assert.deepEqual(causes(rcs.validate!(job)), ['spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"']);
  });

  it('scales through spec.replicas', () => {
    const rc = make(rcs, { spec: { replicas: 2, template: structuredClone(template) } });
    assert.equal(rcs.scale!.specReplicas(rc), 2);
    rcs.scale!.setSpecReplicas(rc, 5);
    assert.equal((rc.spec as any).replicas, 5);
    assert.equal(rcs.scale!.selector(rc), 'app=web');
    assert.equal(rcs.scale!.statusReplicas(rc), 0);
  });

  it('prints DESIRED CURRENT READY and the wide columns', () => {
    const rc = make(rcs, { metadata: { name: 'web', namespace: 'default' }, spec: { replicas: 3, template: structuredClone(template) } }, 30);
    rc.status = { replicas: 3, readyReplicas: 2 };
    assert.deepEqual(rcs.cells!(rc, now), ['web', 3, 3, 2, '30m', 'web', 'nginx:1.27', 'app=web']);
    assert.equal(rcs.fieldSelectors!['status.replicas']!(rc), '3');
  });
});
