import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/types.js';
import { milliCpuToQuota, milliCpuToShares, podCgroupResources, podTotals } from './pod-resources.js';
import { oomScoreAdjFor } from './container-resources.js';

const pod = (spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', uid: 'u' }, spec });
const c = (resources: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ name: 'c', image: 'i', resources, ...extra });

describe('pod resources (kubelet ResourceConfigForPod)', () => {
  it('converts millicores to shares and quota with the kubelet bounds', () => {
    assert.equal(milliCpuToShares(0), 2);
    assert.equal(milliCpuToShares(1), 2);
    assert.equal(milliCpuToShares(100), 102);
    assert.equal(milliCpuToShares(1000), 1024);
    assert.equal(milliCpuToShares(1_000_000), 262144);
    assert.equal(milliCpuToQuota(0), 0);
    assert.equal(milliCpuToQuota(5), 1000);
    assert.equal(milliCpuToQuota(200), 20000);
  });

  it('Guaranteed: summed shares, quota and memory limit', () => {
    const p = pod({ containers: [c({ limits: { cpu: '250m', memory: '64Mi' } }), c({ limits: { cpu: '250m', memory: '64Mi' } })] });
    assert.deepEqual(podCgroupResources(p, 'Guaranteed', 1024), { pidsLimit: 1024, cpuShares: 512, cpuQuota: 50000, cpuPeriod: 100000, memoryLimitBytes: 128 * 2 ** 20 });
  });

  it('Burstable: a limit only when every container declares it; BestEffort: minimum shares', () => {
    const some = pod({ containers: [c({ requests: { cpu: '100m' }, limits: { cpu: '500m' } }), c({ requests: { memory: '16Mi' } })] });
    assert.deepEqual(podCgroupResources(some, 'Burstable', -1), { cpuShares: 102 });
    const all = pod({ containers: [c({ requests: { cpu: '100m' }, limits: { cpu: '500m' } })] });
    assert.deepEqual(podCgroupResources(all, 'Burstable', 0), { cpuShares: 102, cpuQuota: 50000, cpuPeriod: 100000 });
    assert.deepEqual(podCgroupResources(pod({ containers: [c({})] }), 'BestEffort', -1), { cpuShares: 2 });
  });

  it('adds init containers, sidecars and overhead as PodRequests does', () => {
    const spec = {
      initContainers: [c({ requests: { cpu: '1' } }), c({ requests: { cpu: '100m' } }, { restartPolicy: 'Always' }), c({ requests: { cpu: '200m' } })],
      containers: [c({ requests: { cpu: '300m' } })],
      overhead: { cpu: '50m' },
    };
    const totals = podTotals(spec, (x) => ({ cpu: Number(String(x.resources?.requests?.cpu ?? '0').replace('m', '')) * (String(x.resources?.requests?.cpu).endsWith('m') ? 1 : 1000), memory: 0 }));
    // max(300 + 100 sidecar, 1000 init alone, 100 + 200) + 50 overhead
    assert.equal(totals.cpu, 1050);
  });

  it('OOM score by QoS: Guaranteed -997, BestEffort 1000, Burstable by request within [3, 999]', () => {
    assert.equal(oomScoreAdjFor('Guaranteed', 0, 1), -997);
    assert.equal(oomScoreAdjFor('BestEffort', 0, 1), 1000);
    assert.equal(oomScoreAdjFor('Burstable', 2 ** 30, 8 * 2 ** 30), 875);
    assert.equal(oomScoreAdjFor('Burstable', 0, 8 * 2 ** 30), 999);
    assert.equal(oomScoreAdjFor('Burstable', 8 * 2 ** 30, 8 * 2 ** 30), 3);
  });
});
