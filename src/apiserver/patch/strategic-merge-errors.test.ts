import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goFormat, goTypeName, noMergeKeyError } from './strategic-merge-errors.js';

test('values print the way Go prints a decoded interface{}', () => {
  assert.equal(goFormat({ name: 'web', ports: [{ containerPort: 80 }], b: true, n: null }), 'map[b:true n:<nil> name:web ports:[map[containerPort:80]]]');
  assert.equal(goFormat([1.5, 1234567.5, 0.00001, 3]), '[1.5 1.2345675e+06 1e-05 3]');
  assert.equal(goFormat('delete', 's'), 'delete');
  assert.equal(goFormat(true, 's'), '%!s(bool=true)');
  assert.equal(goFormat(2.5, 's'), '%!s(float64=2.5)');
  assert.equal(goTypeName([]), '[]interface {}');
  assert.equal(goTypeName(3), 'int64');
  assert.equal(goTypeName(null), '%!s(<nil>)');
});

test('errors without a Kubernetes reason become a reason-less 500', () => {
  const status = noMergeKeyError({ image: 'httpd' }, 'name').toStatus();
  assert.equal(status.code, 500);
  assert.equal(status.reason, '');
  assert.equal(status.message, 'map: map[image:httpd] does not contain declared merge key: name');
});
