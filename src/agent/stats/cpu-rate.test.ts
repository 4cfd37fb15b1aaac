import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CpuRateTracker } from './cpu-rate.js';

describe('CpuRateTracker', () => {
  it('rates a first reading from the cgroup start, later ones from a kept sample', () => {
    const t = new CpuRateTracker();
    // 0.2 core for 2 s since start.
    assert.deepEqual(t.rate('c', { at: 12_000, nanos: 400_000_000 }, 10_000), { nanoCores: 200_000_000, windowMs: 2000 });
    // 6 s later at 0.5 core: measured from the kept sample at 12 s.
    assert.deepEqual(t.rate('c', { at: 18_000, nanos: 3_400_000_000 }, 10_000), { nanoCores: 500_000_000, windowMs: 6000 });
  });

  it('starts over when the counter goes backwards (a new cgroup), and honours a minimum window', () => {
    const t = new CpuRateTracker(1000);
    t.rate('c', { at: 10_000, nanos: 5_000_000_000 }, 0);
    assert.deepEqual(t.rate('c', { at: 16_000, nanos: 100_000_000 }, 15_000), { nanoCores: 100_000_000, windowMs: 1000 });
    assert.equal(t.rate('d', { at: 15_500, nanos: 1 }, 15_000), undefined);
  });

  it('forgets keys not retained', () => {
    const t = new CpuRateTracker();
    t.rate('gone', { at: 1000, nanos: 10 }, 0);
    t.retain(new Set());
    assert.deepEqual(t.rate('gone', { at: 9000, nanos: 1_000_000_000 }, 8000), { nanoCores: 1_000_000_000, windowMs: 1000 });
  });
});
