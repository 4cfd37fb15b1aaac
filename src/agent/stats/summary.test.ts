import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/types.js';
import type { ContainerInfo } from '../runtime/container-runtime.js';
import { labels } from '../pods/container-labels.js';
import { resourceMetricsText } from './resource-metrics.js';
import { SummaryProvider } from './summary.js';

const pod: KubeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'default', uid: 'u1' },
  status: { qosClass: 'Burstable', startTime: '2026-01-01T00:00:00Z' },
};
const started = Date.parse('2026-01-01T00:00:00Z');
const container: ContainerInfo = {
  id: 'abc',
  sandboxId: 'u1',
  name: 'c',
  labels: { [labels.podUid]: 'u1', [labels.containerName]: 'c' },
  createdAt: started,
  logPath: '/dev/null',
  state: { phase: 'running', pid: 1, startedAt: started },
};

describe('SummaryProvider', () => {
  it('reads each pod cgroup and its running containers under kubepods/<qos>/pod<uid>', async () => {
    const read: string[] = [];
    const stats = new SummaryProvider({
      nodeName: 'n1',
      layout: { version: 'v1', hybrid: false, hierarchies: [] },
      cgroupRoot: '/k8ts-x',
      dataDir: '/',
      pods: () => [pod],
      containers: async () => [container, { ...container, id: 'old', state: { phase: 'exited', exit: { exitCode: 0, finishedAt: started } } }],
      now: () => started + 4000,
      readCgroup: (p) => {
        read.push(p);
        return { cpuUsageNanos: 800_000_000, workingSetBytes: 4096, memoryUsageBytes: 8192 };
      },
    });
    const s = await stats.summary();
    assert.deepEqual(read, ['/k8ts-x/kubepods/burstable/podu1/abc', '/k8ts-x/kubepods/burstable/podu1']);
    assert.equal(s.node.nodeName, 'n1');
    const p = s.pods[0]!;
    assert.deepEqual(p.podRef, { name: 'web', namespace: 'default', uid: 'u1' });
    assert.equal(p.containers[0]!.name, 'c');
    // 0.8 s of CPU over the 4 s since start.
    assert.equal(p.containers[0]!.cpu.usageNanoCores, 200_000_000);
    assert.equal(p.containers[0]!.memory.workingSetBytes, 4096);

    const text = resourceMetricsText(s);
    assert.match(text, /^# HELP container_cpu_usage_seconds_total \[STABLE\] Cumulative cpu time consumed by the container in core-seconds$/m);
    assert.match(text, /^container_cpu_usage_seconds_total\{container="c",namespace="default",pod="web"\} 0\.8 \d+$/m);
    assert.match(text, /^pod_memory_working_set_bytes\{namespace="default",pod="web"\} 4096 \d+$/m);
    assert.match(text, /^resource_scrape_error 0$/m);
  });
});
