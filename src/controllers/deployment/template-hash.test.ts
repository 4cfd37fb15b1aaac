import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeTemplateHash, equalIgnoreHash, safeEncodeString } from './template-hash.js';

test('safe encoding maps bytes onto consonants and digits only', () => {
  assert.equal(safeEncodeString('0123456789'), safeEncodeString('0123456789'));
  assert.match(safeEncodeString('4294967295'), /^[bcdfghjklmnpqrstvwxz2456789]{10}$/);
});

test('the hash ignores key order, changes with the template and with collisionCount', () => {
  const a = { metadata: { labels: { app: 'x', tier: 'y' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
  const b = { spec: { containers: [{ image: 'nginx', name: 'c' }] }, metadata: { labels: { tier: 'y', app: 'x' } } };
  assert.equal(computeTemplateHash(a), computeTemplateHash(b));
  assert.notEqual(computeTemplateHash(a), computeTemplateHash({ ...a, spec: { containers: [{ name: 'c', image: 'nginx:2' }] } }));
  assert.notEqual(computeTemplateHash(a), computeTemplateHash(a, 1));
  assert.notEqual(computeTemplateHash(a, 1), computeTemplateHash(a, 2));
});

test('templates equal apart from pod-template-hash are equal', () => {
  const t = { metadata: { labels: { app: 'x' } }, spec: { containers: [] } };
  assert.ok(equalIgnoreHash(t, { metadata: { labels: { app: 'x', 'pod-template-hash': 'abc' } }, spec: { containers: [] } }));
  assert.ok(!equalIgnoreHash(t, { metadata: { labels: { app: 'y' } }, spec: { containers: [] } }));
});
