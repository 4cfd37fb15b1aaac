import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Backoff, goDuration } from './backoff.js';

describe('Backoff', () => {
  it('lets the first failure retry at once, then doubles from 10 s to 5 min', () => {
    let now = 0;
    const b = new Backoff(10_000, 300_000, { now: () => now });
    assert.equal(b.isInBackOffSince('k', 0), false);
    b.next('k', 0);
    assert.equal(b.get('k'), 10_000);
    now = 5_000;
    assert.equal(b.isInBackOffSince('k', 0), true);
    now = 10_001;
    assert.equal(b.isInBackOffSince('k', 0), false);
    const delays = [];
    for (let i = 0; i < 8; i++) {
      b.next('k', now);
      delays.push(b.get('k'));
    }
    assert.deepEqual(delays, [20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000, 300_000]);
  });

  it('starts over after ten minutes without a failure', () => {
    let now = 0;
    const b = new Backoff(10_000, 300_000, { now: () => now });
    b.next('k', 0);
    b.next('k', 1000);
    assert.equal(b.get('k'), 20_000);
    now = 1000 + 600_001;
    assert.equal(b.isInBackOffSince('k', now), false);
    b.next('k', now);
    assert.equal(b.get('k'), 10_000);
  });
});

describe('goDuration', () => {
  it('prints like Go', () => {
    assert.equal(goDuration(10_000), '10s');
    assert.equal(goDuration(80_000), '1m20s');
    assert.equal(goDuration(300_000), '5m0s');
    assert.equal(goDuration(1234), '1.234s');
    assert.equal(goDuration(250), '250ms');
  });
});
