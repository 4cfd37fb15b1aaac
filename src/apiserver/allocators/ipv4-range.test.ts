import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ipv4Range } from './ipv4-range.js';

test('service range arithmetic', () => {
  const r = Ipv4Range.parse('10.43.0.0/16');
  assert.equal(r.nth(1), '10.43.0.1');
  assert.equal(r.nth(10), '10.43.0.10');
  assert.equal(r.nth(256), '10.43.1.0');
  assert.equal(r.size, 65536);
  assert.equal(r.contains('10.43.255.254'), true);
  assert.equal(r.contains('10.44.0.1'), false);
  assert.equal(r.contains('nope'), false);
  assert.equal(Ipv4Range.parse('192.168.1.77/24').cidr, '192.168.1.0/24');
  assert.throws(() => Ipv4Range.parse('10.0.0.0'));
});
