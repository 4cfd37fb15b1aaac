import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldSet } from './field-set.js';
import { keyElement, printPath } from './path-element.js';

const set = (...paths: string[][]): FieldSet => {
  const s = new FieldSet();
  for (const p of paths) s.insert(p);
  return s;
};

test('fieldsV1 round trip: members with children get ".", elements sort fields, keys, values, indexes', () => {
  const s = set(['f:spec', 'f:replicas'], ['f:metadata', 'f:labels'], ['f:metadata', 'f:labels', 'f:app'], ['f:x', 'i:10'], ['f:x', 'i:2'], ['f:x', 'v:"a"'], ['f:x', 'k:{"name":"a"}']);
  const v1 = s.toFieldsV1();
  assert.deepEqual(Object.keys(v1), ['f:metadata', 'f:spec', 'f:x']);
  assert.deepEqual(v1['f:metadata'], { 'f:labels': { '.': {}, 'f:app': {} } });
  assert.deepEqual(Object.keys(v1['f:x'] as object), ['k:{"name":"a"}', 'v:"a"', 'i:2', 'i:10']);
  assert.ok(FieldSet.fromFieldsV1(v1).equals(s));
  assert.ok(FieldSet.fromFieldsV1({}).empty);
  assert.ok(FieldSet.fromFieldsV1({ 'f:a': 'junk' }).empty, 'malformed entries read as nothing');
});

test('union, difference and intersection work per path', () => {
  const a = set(['f:a'], ['f:b', 'f:c'], ['f:b', 'f:d']);
  const b = set(['f:b', 'f:c'], ['f:e']);
  assert.deepEqual(a.union(b).paths(), [['f:a'], ['f:b', 'f:c'], ['f:b', 'f:d'], ['f:e']]);
  assert.deepEqual(a.difference(b).paths(), [['f:a'], ['f:b', 'f:d']]);
  assert.deepEqual(a.intersection(b).paths(), [['f:b', 'f:c']]);
  assert.ok(a.difference(a).empty);
  // Operations never change their inputs.
  assert.deepEqual(a.paths(), [['f:a'], ['f:b', 'f:c'], ['f:b', 'f:d']]);
});

test('paths print as Kubernetes prints them in conflicts', () => {
  assert.equal(printPath(['f:spec', 'f:template', 'f:spec', 'f:containers', keyElement({ name: 'web' }), 'f:image']), '.spec.template.spec.containers[name="web"].image');
  assert.equal(printPath(['f:spec', 'f:ports', keyElement({ protocol: 'TCP', port: 80 })]), '.spec.ports[port=80,protocol="TCP"]');
  assert.equal(printPath(['f:metadata', 'f:finalizers', 'v:"a/b"']), '.metadata.finalizers[="a/b"]');
  assert.equal(printPath(['f:x', 'i:3']), '.x[3]');
});
