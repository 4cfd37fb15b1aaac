import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PullBackoff } from './pull-backoff.js';

test('10 s doubling to 300 s, reset after a long quiet period', () => {
  let now = 0;
  const b = new PullBackoff({ now: () => now });
  assert.equal(b.inBackoff('k'), false);
  b.next('k');
  assert.equal(b.delay('k'), 10_000);
  assert.equal(b.inBackoff('k'), true);
  now += 9_999;
  assert.equal(b.inBackoff('k'), true);
  now += 1;
  assert.equal(b.inBackoff('k'), false);
  const delays = [];
  for (let i = 0; i < 7; i++) {
    b.next('k');
    delays.push(b.delay('k'));
  }
  assert.deepEqual(delays, [20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000]);
  now += 600_001;
  b.next('k');
  assert.equal(b.delay('k'), 10_000);
  now += 600_001;
  b.gc();
  assert.equal(b.delay('k'), 0);
});
