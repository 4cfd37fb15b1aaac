import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePodCgroup, podCgroupFiles, sharesToWeight } from './pod-cgroup.js';

describe('pod cgroup', () => {
  it('converts shares to weight as runc and the kubelet do', () => {
    assert.equal(sharesToWeight(2), 1);
    assert.equal(sharesToWeight(256), 10);
    assert.equal(sharesToWeight(1024), 39);
    assert.equal(sharesToWeight(262144), 10000);
  });

  it('lists v1 files: shares, period before quota, unlimited as -1 / max', () => {
    assert.deepEqual(podCgroupFiles('v1', { cpuShares: 102, pidsLimit: 1024 }).map((f) => `${f.controller}/${f.file}=${f.value}`), [
      'cpu/cpu.shares=102',
      'cpu/cpu.cfs_period_us=100000',
      'cpu/cpu.cfs_quota_us=-1',
      'memory/memory.limit_in_bytes=-1',
      'pids/pids.max=1024',
    ]);
  });

  it('lists v2 files: weight, cpu.max, memory.max, pids.max', () => {
    assert.deepEqual(podCgroupFiles('v2', { cpuShares: 256, cpuQuota: 25000, cpuPeriod: 100000, memoryLimitBytes: 67108864 }).map((f) => `${f.file}=${f.value}`), [
      'cpu.weight=10',
      'cpu.max=25000 100000',
      'memory.max=67108864',
      'pids.max=max',
    ]);
  });

  it('writes the files into every v1 hierarchy and into a v2 tree', () => {
    const root = mkdtempSync(join(tmpdir(), 'k8ts-podcg-'));
    try {
      const v1 = ['cpu', 'memory', 'pids'].map((c) => join(root, 'v1', c));
      for (const h of v1) mkdirSync(h, { recursive: true });
      ensurePodCgroup({ version: 'v1', hybrid: false, hierarchies: v1 }, '/k8ts-x/kubepods/burstable/pod1', { cpuShares: 102, memoryLimitBytes: 1 << 20 });
      assert.equal(readFileSync(join(root, 'v1/cpu/k8ts-x/kubepods/burstable/pod1/cpu.shares'), 'utf8'), '102');
      assert.equal(readFileSync(join(root, 'v1/memory/k8ts-x/kubepods/burstable/pod1/memory.limit_in_bytes'), 'utf8'), '1048576');
      const v2 = join(root, 'v2');
      mkdirSync(v2);
      ensurePodCgroup({ version: 'v2', hybrid: false, hierarchies: [v2] }, '/k8ts-x/kubepods/pod2', { cpuShares: 2, pidsLimit: 50 });
      assert.equal(readFileSync(join(v2, 'k8ts-x/kubepods/pod2/cpu.weight'), 'utf8'), '1');
      assert.equal(readFileSync(join(v2, 'k8ts-x/kubepods/pod2/pids.max'), 'utf8'), '50');
      // Controllers enabled for the children on the way down.
      assert.equal(readFileSync(join(v2, 'k8ts-x/kubepods/cgroup.subtree_control'), 'utf8'), '+pids');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
