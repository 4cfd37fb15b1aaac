import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonDuplicateFields, yamlWithDuplicateFields } from './duplicate-fields.js';

test('JSON: repeated keys are reported with their dotted path and list positions', () => {
  assert.deepEqual(jsonDuplicateFields('{"a":1,"b":{"c":[1,{"d":2,"d":3}],"c":null},"e":"x\\"y"}'), [
    'duplicate field "b.c[1].d"',
    'duplicate field "b.c"',
  ]);
  assert.deepEqual(jsonDuplicateFields(' { "spec" : { "replicas" : 1 , "replicas" : 2 } } '), ['duplicate field "spec.replicas"']);
  assert.deepEqual(jsonDuplicateFields('{"a":[],"b":{},"c":-1.5e3,"d":true}'), []);
});

test('YAML: the last value wins and the repeat is reported', () => {
  const { value, duplicates } = yamlWithDuplicateFields('spec:\n  replicas: 1\n  replicas: 2\nitems:\n- a: 1\n  a: 1\n');
  assert.deepEqual(value, { spec: { replicas: 2 }, items: [{ a: 1 }] });
  assert.deepEqual(duplicates, ['duplicate field "spec.replicas"', 'duplicate field "items[0].a"']);
  assert.throws(() => yamlWithDuplicateFields('a: [1'));
});
