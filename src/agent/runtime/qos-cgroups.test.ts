import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/types.js';
import { qosCgroupSettings } from './qos-cgroups.js';

const pod = (qos: string, cpu?: string, phase = 'Running'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p' },
  spec: { containers: [{ name: 'c', resources: cpu ? { requests: { cpu } } : {} }] },
  status: { qosClass: qos, phase },
});

describe('QoS cgroups', () => {
  it('gives kubepods the allocatable, burstable the summed requests, besteffort the minimum', () => {
    const s = qosCgroupSettings([pod('Burstable', '100m'), pod('Burstable', '250m'), pod('Burstable', '1', 'Succeeded'), pod('Guaranteed', '1'), pod('BestEffort')], { cpuMilli: 1900, memoryBytes: 2 ** 30 }, '/k8ts-x/');
    assert.deepEqual(s, [
      { path: '/k8ts-x/kubepods', resources: { cpuShares: 1945, memoryLimitBytes: 2 ** 30 } },
      { path: '/k8ts-x/kubepods/burstable', resources: { cpuShares: 358 } },
      { path: '/k8ts-x/kubepods/besteffort', resources: { cpuShares: 2 } },
    ]);
  });
});
