import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/types.js';
import { EvictionManager, type EvictionManagerDeps } from './eviction-manager.js';
import type { PodUsage } from './ranking.js';
import type { NodeReadings } from './signals.js';
import { parseEvictionHard } from './thresholds.js';

const Mi = 2 ** 20;
const silent = { info() {}, warn() {}, error() {}, debug() {} } as unknown as EvictionManagerDeps['log'];

function pod(name: string, resources: Record<string, unknown> = {}, priority?: number): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', uid: `uid-${name}` }, spec: { priority, containers: [{ name: 'c', image: 'i', resources }] } };
}

function usage(p: KubeObject, memory: number, ephemeral?: number): PodUsage {
  return { pod: p, containers: new Map([['c', { memory, ephemeral }]]) };
}

/** A manager fed a synthetic signal: the readings and the pods' usage are whatever the test sets. */
function harness(thresholds: string, readings: NodeReadings, pods: PodUsage[]) {
  let now = 1_000_000;
  const evicted: { name: string; message: string }[] = [];
  const events: string[] = [];
  const m = new EvictionManager({
    thresholds: parseEvictionHard(thresholds),
    transitionPeriodMs: 30_000,
    readings: async () => readings,
    podUsage: async () => pods,
    evict: async (p, message) => void evicted.push({ name: p.metadata.name!, message }),
    event: (ref, type, reason, message) => void events.push(`${ref.kind}/${ref.name} ${type} ${reason}: ${message}`),
    nodeName: 'n1',
    now: () => now,
    log: silent,
  });
  return { m, evicted, events, readings, advance: (ms: number) => (now += ms) };
}

describe('EvictionManager', () => {
  it('reports no pressure and evicts nothing above the thresholds', async () => {
    const h = harness('memory.available<100Mi', { memory: { capacityBytes: 1024 * Mi, workingSetBytes: 512 * Mi } }, [usage(pod('a'), 10 * Mi)]);
    const r = await h.m.synchronize();
    assert.equal(r.evicted, undefined);
    assert.deepEqual(h.m.conditions(), { MemoryPressure: false, DiskPressure: false, PIDPressure: false });
  });

  it('under memory pressure evicts the pod over its request first (BestEffort before Burstable within request), with the kubelet message', async () => {
    const be = pod('besteffort');
    const bu = pod('burstable', { requests: { memory: '64Mi' } });
    const h = harness('memory.available<100Mi', { memory: { capacityBytes: 1024 * Mi, workingSetBytes: 1000 * Mi } }, [usage(bu, 40 * Mi), usage(be, 1 * Mi)]);
    const r = await h.m.synchronize();
    assert.equal(r.evicted?.metadata.name, 'besteffort');
    assert.deepEqual(h.evicted, [
      { name: 'besteffort', message: 'The node was low on resource: memory. Threshold quantity: 100Mi, available: 24Mi. Container c was using 1Mi, request is 0, has larger consumption of memory. ' },
    ]);
    assert.ok(h.events.includes('Node/n1 Warning EvictionThresholdMet: Attempting to reclaim memory'));
    assert.ok(h.events.some((e) => e.startsWith('Pod/besteffort Warning Evicted: The node was low on resource: memory.')));
    assert.equal(h.m.conditions().MemoryPressure, true);
  });

  it('orders by priority, then by usage above request', async () => {
    const low = pod('low', { requests: { memory: '10Mi' } }, -10);
    const big = pod('big', { requests: { memory: '10Mi' } });
    const small = pod('small', { requests: { memory: '10Mi' } });
    const h = harness('memory.available<100Mi', { memory: { capacityBytes: 1024 * Mi, workingSetBytes: 1000 * Mi } }, [usage(big, 300 * Mi), usage(small, 20 * Mi), usage(low, 15 * Mi)]);
    assert.equal((await h.m.synchronize()).evicted?.metadata.name, 'low');
    const h2 = harness('memory.available<100Mi', { memory: { capacityBytes: 1024 * Mi, workingSetBytes: 1000 * Mi } }, [usage(small, 20 * Mi), usage(big, 300 * Mi)]);
    assert.equal((await h2.m.synchronize()).evicted?.metadata.name, 'big');
  });

  it('never evicts system-critical pods', async () => {
    const h = harness('memory.available<100Mi', { memory: { capacityBytes: 1024 * Mi, workingSetBytes: 1000 * Mi } }, [usage(pod('dns', {}, 2_000_001_000), 50 * Mi)]);
    assert.equal((await h.m.synchronize()).evicted, undefined);
  });

  it('keeps a pressure condition for the transition period after the signal recovers', async () => {
    const readings: NodeReadings = { memory: { capacityBytes: 1024 * Mi, workingSetBytes: 1000 * Mi } };
    const h = harness('memory.available<100Mi', readings, []);
    await h.m.synchronize();
    readings.memory!.workingSetBytes = 100 * Mi;
    h.advance(10_000);
    await h.m.synchronize();
    assert.equal(h.m.conditions().MemoryPressure, true);
    h.advance(25_000);
    assert.equal(h.m.conditions().MemoryPressure, false);
  });

  it('maps disk and pid signals to DiskPressure and PIDPressure; percentages of capacity', async () => {
    const h = harness('nodefs.available<10%,pid.available<100', {
      nodefs: { capacityBytes: 1000, availableBytes: 50, inodes: 100, inodesFree: 90 },
      pids: { maxpid: 1000, curproc: 950 },
    }, []);
    const r = await h.m.synchronize();
    assert.deepEqual(r.met.map((m) => `${m.threshold.signal}:${m.quantity}`), ['nodefs.available:100', 'pid.available:100']);
    assert.deepEqual(h.m.conditions(), { MemoryPressure: false, DiskPressure: true, PIDPressure: true });
  });

  it('evicts a container over its ephemeral-storage limit without node pressure', async () => {
    const writer = pod('writer', { limits: { 'ephemeral-storage': '1Mi' } });
    const h = harness('memory.available<1Mi', { memory: { capacityBytes: 1024 * Mi, workingSetBytes: 1 * Mi } }, [usage(writer, Mi, 5 * Mi)]);
    const r = await h.m.synchronize();
    assert.equal(r.evicted?.metadata.name, 'writer');
    assert.equal(h.evicted[0]!.message, 'Pod ephemeral local storage usage exceeds the total limit of containers 1Mi. ');
  });
});

describe('EvictionManager local volumes', () => {
  it('checks emptyDir size limits before container limits', async () => {
    const p = pod('scratch', { limits: { 'ephemeral-storage': '1Mi' } });
    const evicted: string[] = [];
    const m = new EvictionManager({
      thresholds: [],
      transitionPeriodMs: 0,
      readings: async () => ({}),
      podUsage: async () => [usage(p, 1, 5 * Mi)],
      volumeViolation: async () => 'Usage of EmptyDir volume "tmp" exceeds the limit "1Mi". ',
      evict: async (_pod, message) => void evicted.push(message),
      event: () => undefined,
      nodeName: 'n1',
      log: silent,
    });
    await m.synchronize();
    assert.deepEqual(evicted, ['Usage of EmptyDir volume "tmp" exceeds the limit "1Mi". ']);
  });
});

describe('eviction admission', () => {
  const calm = { MemoryPressure: false, DiskPressure: false, PIDPressure: false };
  const withQos = (p: KubeObject, qosClass: string, tolerations?: unknown[]): KubeObject => ({ ...p, spec: { ...(p.spec as object), tolerations }, status: { qosClass } });

  it('refuses BestEffort pods under memory pressure unless they tolerate it; others pass', async () => {
    const { admitUnderPressure } = await import('./eviction-admission.js');
    const be = withQos(pod('be'), 'BestEffort');
    assert.deepEqual(admitUnderPressure(be, calm), { admit: true });
    assert.deepEqual(admitUnderPressure(be, { ...calm, MemoryPressure: true }), { admit: false, reason: 'Evicted', message: 'The node had condition: [MemoryPressure]. ' });
    assert.deepEqual(admitUnderPressure(withQos(pod('bu'), 'Burstable'), { ...calm, MemoryPressure: true }), { admit: true });
    const tolerant = withQos(pod('t'), 'BestEffort', [{ key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' }]);
    assert.deepEqual(admitUnderPressure(tolerant, { ...calm, MemoryPressure: true }), { admit: true });
    assert.deepEqual(admitUnderPressure(withQos(pod('g'), 'Guaranteed'), { ...calm, DiskPressure: true }), { admit: false, reason: 'Evicted', message: 'The node had condition: [DiskPressure]. ' });
  });
});
