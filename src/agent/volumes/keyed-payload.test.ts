import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keyedPayload } from './keyed-payload.js';

const cm = { metadata: { name: 'c' }, data: { a: 'one', b: 'two' }, binaryData: { bin: Buffer.from([0, 1]).toString('base64') } };
const secret = { metadata: { name: 's' }, data: { pw: Buffer.from('hunter2').toString('base64') } };

test('every key becomes a file with the default mode', () => {
  const p = keyedPayload('configmap', cm, {}, 0o644);
  assert.deepEqual([...p.keys()].sort(), ['a', 'b', 'bin']);
  assert.equal(p.get('a')!.data.toString(), 'one');
  assert.deepEqual([...p.get('bin')!.data], [0, 1]);
  assert.equal(p.get('a')!.mode, 0o644);
});

test('secret data is decoded', () => {
  assert.equal(keyedPayload('secret', secret, {}, 0o400).get('pw')!.data.toString(), 'hunter2');
});

test('items map keys to paths and modes', () => {
  const p = keyedPayload('configmap', cm, { items: [{ key: 'a', path: 'x/y.txt', mode: 0o600 }, { key: 'b', path: 'b' }] }, 0o644);
  assert.deepEqual([...p.keys()], ['x/y.txt', 'b']);
  assert.equal(p.get('x/y.txt')!.mode, 0o600);
  assert.equal(p.get('b')!.mode, 0o644);
});

test('a missing key fails unless optional, with the kubelet wording', () => {
  assert.throws(() => keyedPayload('configmap', cm, { items: [{ key: 'nope', path: 'n' }] }, 0o644), /configmap references non-existent config key: nope/);
  assert.throws(() => keyedPayload('secret', secret, { items: [{ key: 'nope', path: 'n' }] }, 0o644), /^Error: references non-existent secret key: nope$/);
  assert.equal(keyedPayload('secret', secret, { items: [{ key: 'nope', path: 'n' }], optional: true }, 0o644).size, 0);
});
