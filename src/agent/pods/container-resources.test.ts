import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { lowestOomScoreAdj } from '../runtime/oom-score.js';
import { containerResources } from './container-resources.js';

describe('containerResources', () => {
  it('turns requests and limits into shares, quota, memory limit and OOM score', () => {
    assert.deepEqual(containerResources({ requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } }, 'Burstable', 8 * 2 ** 30), {
      cpuShares: 256,
      cpuQuota: 50_000,
      cpuPeriod: 100_000,
      memoryLimitBytes: 128 * 2 ** 20,
      oomScoreAdj: 993,
    });
    assert.deepEqual(containerResources(undefined, 'BestEffort', 1), { cpuShares: 2, oomScoreAdj: 1000 });
    // -997, unless this host does not let the agent go that low.
    assert.equal(containerResources({ requests: { cpu: '1' }, limits: { cpu: '1' } }, 'Guaranteed', 1).oomScoreAdj, Math.max(-997, lowestOomScoreAdj()));
  });
});
