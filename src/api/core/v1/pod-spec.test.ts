import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultPodTemplateSpec, validatePodSpec, validatePodTemplateSpec } from './pod-spec.js';
import { causes } from './test-util.js';

describe('pod-spec', () => {
  it('defaults a template without the pod-only admission defaults', () => {
    const t: Record<string, any> = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }], volumes: [{ name: 'cfg', configMap: { name: 'c' } }, { name: 'tmp' }] } };
    defaultPodTemplateSpec(t);
    assert.equal(t.spec.restartPolicy, 'Always');
    assert.equal(t.spec.tolerations, undefined);
    assert.equal(t.spec.serviceAccountName, undefined);
    assert.equal(t.spec.enableServiceLinks, undefined);
    assert.deepEqual(t.spec.volumes, [{ name: 'cfg', configMap: { name: 'c', defaultMode: 420 } }, { name: 'tmp', emptyDir: {} }]);
    assert.deepEqual(validatePodTemplateSpec(t, 'spec.template'), []);
  });

  it('reports template problems under the template path', () => {
    assert.deepEqual(causes(validatePodTemplateSpec({}, 'spec.template')), ['spec.template.spec.containers: Required value']);
    const t = { metadata: { labels: { 'bad key!': 'x' } }, spec: { restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', containers: [{ name: 'a', image: 'x' }] } };
    assert.equal(causes(validatePodTemplateSpec(t, 'spec.template'))[0]?.startsWith('spec.template.metadata.labels: Invalid value: "bad key!"'), true);
  });

  it('rejects host port clashes and bad tolerations', () => {
    const spec = {
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
      containers: [
        { name: 'a', image: 'x', ports: [{ containerPort: 80, hostPort: 8080, protocol: 'TCP' }] },
        { name: 'b', image: 'x', ports: [{ containerPort: 81, hostPort: 8080, protocol: 'TCP' }] },
      ],
      tolerations: [{ key: 'k', operator: 'Exists', value: 'v' }, { key: 'k2', effect: 'NoSchedule', tolerationSeconds: 5 }],
    };
    assert.deepEqual(causes(validatePodSpec(spec, 'spec')), [
      'spec.containers[1].ports[0].hostPort: Duplicate value: "TCP//8080"',
      "spec.tolerations[0].operator: Invalid value: \"v\": value must be empty when `operator` is 'Exists'",
      "spec.tolerations[1].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set",
    ]);
  });
});
