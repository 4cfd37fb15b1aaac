import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergePatch } from './merge-patch.js';
import { jsonPatch } from './json-patch.js';
import { ApiError } from '../errors.js';

test('merge patch follows RFC 7396', () => {
  assert.deepEqual(mergePatch({ a: 'b', c: { d: 'e', f: 'g' } }, { a: 'z', c: { f: null } }), { a: 'z', c: { d: 'e' } });
  assert.deepEqual(mergePatch({ a: [1, 2] }, { a: [3] }), { a: [3] });
  assert.deepEqual(mergePatch({ a: 1 }, { b: { c: null } }), { a: 1, b: {} });
});

test('json patch applies ops and reports failures as 422', () => {
  const doc = { metadata: { labels: { a: '1' } }, spec: { replicas: 1 } };
  assert.deepEqual(
    jsonPatch(doc, [
      { op: 'replace', path: '/spec/replicas', value: 3 },
      { op: 'add', path: '/metadata/labels/b', value: '2' },
      { op: 'remove', path: '/metadata/labels/a' },
    ]),
    { metadata: { labels: { b: '2' } }, spec: { replicas: 3 } },
  );
  assert.deepEqual(doc.spec.replicas, 1, 'input untouched');
  assert.throws(() => jsonPatch(doc, [{ op: 'test', path: '/spec/replicas', value: 9 }]), (e: unknown) => e instanceof ApiError && e.code === 422);
  assert.throws(() => jsonPatch(doc, [{ op: 'remove', path: '/nope/x' }]), (e: unknown) => e instanceof ApiError && e.code === 422);
  assert.throws(() => jsonPatch(doc, { op: 'add' }), (e: unknown) => e instanceof ApiError && e.code === 400);
});
