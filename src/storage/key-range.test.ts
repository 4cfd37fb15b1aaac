import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareKeys, lowerBound, prefixEnd, prefixEndBytes } from './key-range.js';

test('prefixEnd is the first string after every string with the prefix', () => {
  assert.equal(prefixEnd('/registry/pods/'), '/registry/pods0');
  assert.equal(prefixEnd('a'), 'b');
  assert.equal(prefixEnd(''), undefined);
  assert.equal(prefixEnd('a\u{10FFFF}'), 'b');
  assert.equal(prefixEnd('\u{10FFFF}'), undefined);
  assert.equal(prefixEnd('x\uD7FF'), 'x\uE000', 'skips the surrogate block');
  assert.equal(prefixEnd('x\uFFFF'), 'x\u{10000}');
  for (const p of ['/a/', 'é', 'x\uFFFF', '😀']) {
    const end = prefixEnd(p)!;
    for (const k of [p, `${p}\u0000`, `${p}zzz`, `${p}\u{10FFFE}`, `${p}\uFFFF`]) assert.ok(compareKeys(k, end) < 0, `${k} < end`);
    assert.ok(compareKeys(end, p) > 0);
  }
});

test('prefixEndBytes follows etcd clientv3.GetPrefixRangeEnd', () => {
  assert.deepEqual(prefixEndBytes('/a/'), Buffer.from('/a0'));
  assert.deepEqual(prefixEndBytes(''), Buffer.from([0]));
  assert.deepEqual(prefixEndBytes('\u{10FFFF}'), Buffer.from([0xf4, 0x8f, 0xbf, 0xc0]));
});

test('compareKeys orders by UTF-8 bytes, not UTF-16 units', () => {
  assert.ok('\u{10000}' < '\uFFFF', 'JavaScript disagrees');
  assert.ok(compareKeys('\u{10000}', '\uFFFF') > 0);
});

test('lowerBound picks the later of the prefix and startAfter', () => {
  assert.deepEqual(lowerBound('/a/', undefined), { key: '/a/', inclusive: true });
  assert.deepEqual(lowerBound('/a/', '/'), { key: '/a/', inclusive: true });
  assert.deepEqual(lowerBound('/a/', '/a/x'), { key: '/a/x', inclusive: false });
});
