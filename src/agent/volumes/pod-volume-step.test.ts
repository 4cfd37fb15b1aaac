import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../../api/types.js';
import { systemClock } from '../../util/clock.js';
import { PodEvents } from '../pods/pod-events.js';
import { PodVolumeStep } from './pod-volume-step.js';
import { VolumeManager } from './volume-manager.js';
import type { VolumeSources } from './volume-types.js';

const silent = { info() {}, warn() {}, error() {}, debug() {}, child() { return silent; } } as never;

test('FailedMount per failing volume, retries backing off, ready once the source exists', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-step-'));
  const objects = new Map<string, KubeObject>();
  const sources = {
    configMap: async (ns: string, name: string) => objects.get(`${ns}/${name}`),
    secret: async () => undefined,
  } as unknown as VolumeSources;
  const recorded: { reason: string; message: string }[] = [];
  const events = new PodEvents({ event: (_ref: unknown, _type: string, reason: string, message: string) => recorded.push({ reason, message }) } as never);
  const step = new PodVolumeStep(new VolumeManager({ podsDir: dir, sources, allocatable: () => ({}), clock: systemClock, log: silent }), events);
  const pod: KubeObject = { metadata: { name: 'p', namespace: 'default', uid: 'u1' }, spec: { volumes: [{ name: 'a', configMap: { name: 'cm' } }, { name: 'b', secret: { secretName: 's' } }] } };
  try {
    const first = await step.run(pod, 0);
    assert.deepEqual(first, { ready: false, retryAt: 1000 });
    assert.deepEqual(recorded, [
      { reason: 'FailedMount', message: 'MountVolume.SetUp failed for volume "a" : configmap "cm" not found' },
      { reason: 'FailedMount', message: 'MountVolume.SetUp failed for volume "b" : secret "s" not found' },
    ]);
    assert.deepEqual(await step.run(pod, 0), { ready: false, retryAt: 2000 });
    for (let i = 0; i < 6; i++) await step.run(pod, 0);
    assert.deepEqual(await step.run(pod, 0), { ready: false, retryAt: 10_000 });
    objects.set('default/cm', { metadata: { name: 'cm' }, data: { k: 'v' } } as KubeObject);
    (pod.spec as { volumes: unknown[] }).volumes.pop();
    const ok = await step.run(pod, 0);
    assert.equal(ok.ready, true);
    await step.tearDown('u1');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
