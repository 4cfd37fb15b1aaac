import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defaultEvictionHard, parseEvictionHard, thresholdAmount } from './thresholds.js';
import { allocatableAmounts } from '../node/reserved.js';
import { localStorageViolation } from './local-storage.js';
import type { KubeObject } from '../../api/types.js';

describe('eviction thresholds', () => {
  it('parses the kubelet defaults', () => {
    const t = parseEvictionHard(defaultEvictionHard);
    assert.deepEqual(t.map((x) => `${x.signal}<${x.value.text}`), ['memory.available<100Mi', 'nodefs.available<10%', 'imagefs.available<15%', 'nodefs.inodesFree<5%']);
    assert.equal(thresholdAmount(t[0]!, 0), 100 * 2 ** 20);
    assert.equal(thresholdAmount(t[1]!, 1000), 100);
  });

  it('refuses unknown signals, other operators, duplicates and bad percentages', () => {
    assert.throws(() => parseEvictionHard('memory.free<1Gi'), /unsupported eviction signal memory.free/);
    assert.throws(() => parseEvictionHard('memory.available>1Gi'), /invalid eviction threshold syntax/);
    assert.throws(() => parseEvictionHard('memory.available<1Gi,memory.available<2Gi'), /duplicate/);
    assert.throws(() => parseEvictionHard('nodefs.available<150%'), /at most 100%/);
    assert.throws(() => parseEvictionHard('memory.available<lots'), /invalid eviction threshold quantity/);
  });

  it('takes reservations and hard thresholds out of allocatable', () => {
    const a = allocatableAmounts({ cpu: 2, memory: 8 * 2 ** 30, 'ephemeral-storage': 1000 }, { cpu: '100m', memory: '256Mi' }, { memory: '128Mi' }, parseEvictionHard('memory.available<100Mi,nodefs.available<10%'));
    assert.ok(Math.abs(a.cpu! - 1.9) < 1e-9);
    assert.equal(a.memory, 8 * 2 ** 30 - 484 * 2 ** 20);
    assert.equal(a['ephemeral-storage'], 900);
    assert.equal(allocatableAmounts({ memory: 10 }, {}, {}, parseEvictionHard('memory.available<1Ki')).memory, 0);
  });

  it('finds the container over its own ephemeral-storage limit', () => {
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'a', resources: { limits: { 'ephemeral-storage': '10Mi' } } }, { name: 'b', resources: { limits: { 'ephemeral-storage': '1Mi' } } }] },
    };
    const u = (a: number, b: number) => ({ pod, containers: new Map([['a', { ephemeral: a }], ['b', { ephemeral: b }]]) });
    assert.equal(localStorageViolation(u(1, 2 * 2 ** 20)), 'Container b exceeded its local ephemeral storage limit "1Mi". ');
    assert.equal(localStorageViolation(u(12 * 2 ** 20, 0)), 'Pod ephemeral local storage usage exceeds the total limit of containers 11Mi. ');
    assert.equal(localStorageViolation(u(1, 1)), undefined);
  });
});
