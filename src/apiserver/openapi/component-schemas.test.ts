import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinComponentSchemas } from './component-schemas.js';
import { SchemaRegistry } from './schema-registry.js';

const schemas = builtinComponentSchemas();
const props = (name: string) => schemas[name]!.properties!;
/** Where a property points: described references are wrapped in a one-element allOf. */
const refOf = (p: { $ref?: string; allOf?: { $ref?: string }[] } | undefined) => p?.$ref ?? p?.allOf?.[0]?.$ref;
/** A property without its kubectl-explain text. */
const shape = <T extends { description?: string }>(p: T | undefined) => {
  const { description: _d, ...rest } = p ?? ({} as T);
  return rest;
};

test('top-level kinds carry their group-version-kind, apiVersion and kind', () => {
  assert.deepEqual(schemas['io.k8s.api.apps.v1.Deployment']!['x-kubernetes-group-version-kind'], [{ group: 'apps', version: 'v1', kind: 'Deployment' }]);
  assert.deepEqual(schemas['io.k8s.api.core.v1.Pod']!['x-kubernetes-group-version-kind'], [{ group: '', version: 'v1', kind: 'Pod' }]);
  assert.deepEqual(schemas['io.k8s.api.apps.v1.DeploymentList']!['x-kubernetes-group-version-kind'], [{ group: 'apps', version: 'v1', kind: 'DeploymentList' }]);
  assert.deepEqual(schemas['io.k8s.api.networking.v1.Ingress']!['x-kubernetes-group-version-kind'], [{ group: 'networking.k8s.io', version: 'v1', kind: 'Ingress' }]);
  assert.equal(props('io.k8s.api.apps.v1.Deployment').apiVersion!.type, 'string');
  assert.match(props('io.k8s.api.apps.v1.Deployment').apiVersion!.description!, /versioned schema/);
  assert.equal(refOf(props('io.k8s.api.apps.v1.Deployment').metadata), '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
  assert.match(schemas['io.k8s.api.apps.v1.Deployment']!.description!, /rolls out/);
  // Nested types have no TypeMeta and no kind.
  assert.equal(props('io.k8s.api.apps.v1.DeploymentSpec').kind, undefined);
  assert.equal(schemas['io.k8s.api.apps.v1.DeploymentSpec']!['x-kubernetes-group-version-kind'], undefined);
});

test('PodSpec.containers merges by name; container ports by containerPort with protocol as a map key', () => {
  assert.deepEqual(shape(props('io.k8s.api.core.v1.PodSpec').containers), {
    type: 'array',
    items: { $ref: '#/components/schemas/io.k8s.api.core.v1.Container' },
    'x-kubernetes-patch-strategy': 'merge',
    'x-kubernetes-patch-merge-key': 'name',
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': ['name'],
  });
  const ports = props('io.k8s.api.core.v1.Container').ports!;
  assert.equal(ports['x-kubernetes-patch-merge-key'], 'containerPort');
  assert.deepEqual(ports['x-kubernetes-list-map-keys'], ['containerPort', 'protocol']);
  assert.equal(props('io.k8s.api.core.v1.PodSpec').volumes!['x-kubernetes-patch-strategy'], 'merge,retainKeys');
  assert.equal(props('io.k8s.api.core.v1.Container').args!['x-kubernetes-patch-strategy'], undefined);
  assert.deepEqual(shape(props('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta').finalizers), {
    type: 'array',
    items: { type: 'string' },
    'x-kubernetes-patch-strategy': 'merge',
    'x-kubernetes-list-type': 'set',
  });
  assert.equal(props('io.k8s.api.apps.v1.DeploymentSpec').strategy!['x-kubernetes-patch-strategy'], 'retainKeys');
});

test('embedded structs are flattened into their parent, keeping the parent’s merge keys', () => {
  const eph = props('io.k8s.api.core.v1.EphemeralContainer');
  assert.ok(eph.image && eph.targetContainerName);
  assert.equal(eph.env!['x-kubernetes-patch-merge-key'], 'name');
  const volume = props('io.k8s.api.core.v1.Volume');
  assert.equal(refOf(volume.configMap), '#/components/schemas/io.k8s.api.core.v1.ConfigMapVolumeSource');
  assert.equal(volume[''], undefined);
  assert.equal(props('io.k8s.api.core.v1.ConfigMapVolumeSource').name!.type, 'string');
});

test('required fields follow the Go tags with the +optional exceptions', () => {
  assert.deepEqual(schemas['io.k8s.api.core.v1.Container']!.required, ['name']);
  assert.deepEqual(schemas['io.k8s.api.core.v1.PodSpec']!.required, ['containers']);
  assert.deepEqual(schemas['io.k8s.api.apps.v1.DeploymentSpec']!.required, ['selector', 'template']);
  assert.deepEqual(schemas['io.k8s.api.apps.v1.StatefulSetSpec']!.required, ['selector', 'template']);
  assert.deepEqual(schemas['io.k8s.api.core.v1.VolumeMount']!.required, ['name', 'mountPath']);
  assert.deepEqual(schemas['io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference']!.required, ['apiVersion', 'kind', 'name', 'uid']);
  assert.equal(schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']!.required, undefined);
});

test('special types: IntOrString, Quantity, Time, RawExtension', () => {
  assert.deepEqual(schemas['io.k8s.apimachinery.pkg.util.intstr.IntOrString'], {
    format: 'int-or-string',
    oneOf: [{ type: 'integer' }, { type: 'string' }],
    'x-kubernetes-int-or-string': true,
    description: 'Either an integer or a string, such as 8080, "http" or "25%".',
  });
  assert.equal(schemas['io.k8s.apimachinery.pkg.api.resource.Quantity']!.type, undefined);
  assert.equal(schemas['io.k8s.apimachinery.pkg.apis.meta.v1.Time']!.format, 'date-time');
  assert.equal(schemas['io.k8s.apimachinery.pkg.runtime.RawExtension']!['x-kubernetes-preserve-unknown-fields'], true);
  assert.equal(refOf(props('io.k8s.api.apps.v1.RollingUpdateDeployment').maxSurge), '#/components/schemas/io.k8s.apimachinery.pkg.util.intstr.IntOrString');
  assert.deepEqual(shape(props('io.k8s.api.core.v1.ResourceRequirements').limits), {
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity' },
  });
  assert.deepEqual(shape(props('io.k8s.api.core.v1.Secret').data), { type: 'object', additionalProperties: { type: 'string', format: 'byte' } });
  assert.deepEqual(props('io.k8s.api.authentication.v1.UserInfo').extra, { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } });
});

test('names and properties are sorted, and building twice gives the same bytes', () => {
  const names = Object.keys(schemas);
  assert.deepEqual(names, [...names].sort());
  const podProps = Object.keys(props('io.k8s.api.core.v1.PodSpec'));
  assert.deepEqual(podProps, [...podProps].sort());
  assert.equal(JSON.stringify(builtinComponentSchemas()), JSON.stringify(schemas));
});

test('the registry resolves kinds, follows refs and accepts extra schemas', () => {
  const reg = new SchemaRegistry();
  assert.equal(reg.nameFor({ group: 'apps', version: 'v1', kind: 'Deployment' }), 'io.k8s.api.apps.v1.Deployment');
  assert.equal(reg.nameFor({ group: 'apps', version: 'v1', kind: 'Pod' }), undefined);
  assert.equal(reg.nameFor({ group: 'apps', version: 'v1', kind: 'Status' }), 'io.k8s.apimachinery.pkg.apis.meta.v1.Status');
  const before = reg.generation;
  reg.add({ 'com.example.v1.Widget': { type: 'object', properties: { spec: { type: 'object' } }, 'x-kubernetes-group-version-kind': [{ group: 'example.com', version: 'v1', kind: 'Widget' }] } });
  assert.ok(reg.generation > before);
  assert.equal(reg.nameFor({ group: 'example.com', version: 'v1', kind: 'Widget' }), 'com.example.v1.Widget');
  reg.remove('com.example.v1.Widget');
  assert.equal(reg.nameFor({ group: 'example.com', version: 'v1', kind: 'Widget' }), undefined);
  const closure = Object.keys(reg.closure(['io.k8s.api.core.v1.ConfigMap']));
  assert.deepEqual(closure, [
    'io.k8s.api.core.v1.ConfigMap',
    'io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1',
    'io.k8s.apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry',
    'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
    'io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference',
    'io.k8s.apimachinery.pkg.apis.meta.v1.Time',
  ]);
});
