import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/types.js';
import type { Summary } from '../../agent/stats/summary.js';
import { cpuQuantity, memoryQuantity } from '../../api/usage-quantity.js';
import { MetricsConverter, goDuration } from './metrics-objects.js';

const node: KubeObject = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', labels: { zone: 'a' } } };
const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', uid: 'u1', labels: { app: 'web' } } };

function summary(nodeNanos: number, podNanos: number, memory = 5 * 2 ** 20): Summary {
  const time = '2026-01-01T00:00:10Z';
  return {
    node: { nodeName: 'n1', startTime: '2026-01-01T00:00:00Z', cpu: { time, usageCoreNanoSeconds: nodeNanos }, memory: { time, workingSetBytes: 2 ** 30 } },
    pods: [
      {
        podRef: { name: 'web', namespace: 'default', uid: 'u1' },
        startTime: '2026-01-01T00:00:05Z',
        containers: [{ name: 'c', startTime: '2026-01-01T00:00:05Z', cpu: { time, usageCoreNanoSeconds: podNanos }, memory: { time, workingSetBytes: memory } }],
        cpu: { time, usageCoreNanoSeconds: podNanos },
        memory: { time, workingSetBytes: memory },
      },
    ],
  };
}

describe('metrics objects', () => {
  it('formats quantities and windows as Kubernetes prints them', () => {
    assert.equal(cpuQuantity(150_000_000), '150m');
    assert.equal(cpuQuantity(2_155_839), '2155839n');
    assert.equal(cpuQuantity(2_000_000_000), '2');
    assert.equal(cpuQuantity(0), '0');
    assert.equal(memoryQuantity(5_275_648), '5152Ki');
    assert.equal(memoryQuantity(1000), '1000');
    assert.equal(goDuration(15_000), '15s');
    assert.equal(goDuration(10_124), '10.124s');
    assert.equal(goDuration(65_000), '1m5s');
  });

  it('rates CPU from the start on the first scrape, then between scrapes; labels from the API objects', () => {
    const conv = new MetricsConverter();
    const start = Date.parse('2026-01-01T00:00:05Z');
    // 1 s of CPU in the 5 s since the container started: 200m.
    const first = conv.convert([{ node, summary: summary(4e9, 1e9), at: start + 5000 }], new Map([['u1', pod]]));
    const pm = first.pods[0] as Record<string, any>;
    assert.equal(pm.kind, 'PodMetrics');
    assert.equal(pm.apiVersion, 'metrics.k8s.io/v1beta1');
    assert.deepEqual(pm.metadata.labels, { app: 'web' });
    assert.equal(pm.window, '5s');
    assert.deepEqual(pm.containers, [{ name: 'c', usage: { cpu: '200m', memory: '5Mi' } }]);
    const nm = first.nodes[0] as Record<string, any>;
    assert.equal(nm.kind, 'NodeMetrics');
    assert.deepEqual(nm.metadata.labels, { zone: 'a' });
    assert.equal(nm.usage.memory, '1Gi');
    // 6 s later, 3 s more CPU: 500m over a 6 s window.
    const second = conv.convert([{ node, summary: summary(5e9, 4e9), at: start + 11_000 }], new Map([['u1', pod]]));
    assert.equal((second.pods[0] as Record<string, any>).window, '6s');
    assert.equal((second.pods[0] as Record<string, any>).containers[0].usage.cpu, '500m');
  });

  it('leaves out pods the API no longer has and containers without a usable window', () => {
    const conv = new MetricsConverter();
    const start = Date.parse('2026-01-01T00:00:05Z');
    assert.equal(conv.convert([{ node, summary: summary(4e9, 1e9), at: start + 5000 }], new Map()).pods.length, 0);
    // Started half a second ago: too short a window to report.
    assert.equal(conv.convert([{ node, summary: summary(4e9, 1e8), at: start + 500 }], new Map([['u1', pod]])).pods.length, 0);
  });
});
