import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KIND_TYPES, PATCH_SCHEMAS, fieldSchemaAt, rootTypeFor } from './patch-strategies.js';

const gvk = (apiVersion: string, kind: string) => {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  return { group: group!, version: version!, kind };
};

test('every built-in kind has a schema whose metadata is ObjectMeta', () => {
  for (const [key, type] of Object.entries(KIND_TYPES)) {
    const schema = PATCH_SCHEMAS[type];
    assert.ok(schema, `${key} → ${type} has no schema`);
    assert.equal(schema.metadata?.type, 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', key);
  }
  assert.equal(rootTypeFor(gvk('v1', 'ConfigMap')), 'io.k8s.api.core.v1.ConfigMap');
  assert.equal(rootTypeFor(gvk('example.com/v1', 'Widget')), undefined);
});

test('merge strategies on lists of objects always carry a merge key', () => {
  for (const [type, fields] of Object.entries(PATCH_SCHEMAS)) {
    for (const [field, f] of Object.entries(fields)) {
      if (f.strategy === 'merge' || f.strategy === 'merge,retainKeys') {
        // Only lists of primitives (finalizers, podCIDRs) merge without a key, and they have no element type.
        assert.ok(f.mergeKey !== undefined || f.type === undefined, `${type}.${field}`);
      }
    }
  }
});

test('strategies along real paths match the Kubernetes struct tags', () => {
  const deploy = gvk('apps/v1', 'Deployment');
  const pod = ['spec', 'template', 'spec'];
  assert.deepEqual(fieldSchemaAt(deploy, [...pod, 'containers']), { type: 'io.k8s.api.core.v1.Container', strategy: 'merge', mergeKey: 'name' });
  assert.equal(fieldSchemaAt(deploy, [...pod, 'volumes'])?.strategy, 'merge,retainKeys');
  assert.equal(fieldSchemaAt(deploy, ['spec', 'strategy'])?.strategy, 'retainKeys');
  assert.equal(fieldSchemaAt(deploy, [...pod, 'tolerations']), undefined);
  assert.equal(fieldSchemaAt(deploy, [...pod, 'containers', 'args']), undefined);
  assert.equal(fieldSchemaAt(deploy, [...pod, 'containers', 'ports'])?.mergeKey, 'containerPort');
  assert.equal(fieldSchemaAt(deploy, [...pod, 'containers', 'volumeDevices'])?.mergeKey, 'devicePath');
  assert.equal(fieldSchemaAt(deploy, [...pod, 'topologySpreadConstraints'])?.mergeKey, 'topologyKey');
  assert.equal(fieldSchemaAt(gvk('batch/v1', 'CronJob'), ['spec', 'jobTemplate', 'spec', 'template', 'spec', 'initContainers', 'env'])?.mergeKey, 'name');
  assert.equal(fieldSchemaAt(gvk('v1', 'Pod'), ['spec', 'ephemeralContainers', 'volumeMounts'])?.mergeKey, 'mountPath');
  assert.equal(fieldSchemaAt(gvk('v1', 'Pod'), ['status', 'podIPs'])?.mergeKey, 'ip');
  assert.deepEqual(fieldSchemaAt(gvk('v1', 'Service'), ['spec', 'ports']), {
    type: 'io.k8s.api.core.v1.ServicePort',
    strategy: 'merge',
    mergeKey: 'port',
    listMapKeys: ['port', 'protocol'],
  });
  assert.equal(fieldSchemaAt(gvk('v1', 'Node'), ['status', 'addresses'])?.mergeKey, 'type');
  assert.deepEqual(fieldSchemaAt(gvk('v1', 'Node'), ['spec', 'podCIDRs']), { strategy: 'merge' });
  assert.deepEqual(fieldSchemaAt(gvk('v1', 'Secret'), ['metadata', 'finalizers']), { strategy: 'merge' });
  assert.equal(fieldSchemaAt(gvk('policy/v1', 'PodDisruptionBudget'), ['spec', 'selector'])?.strategy, 'replace');
  assert.equal(fieldSchemaAt(gvk('v1', 'Namespace'), ['spec', 'finalizers']), undefined);
});
