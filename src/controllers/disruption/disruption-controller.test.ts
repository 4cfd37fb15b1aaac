import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../../util/log.js';
import { eventually, markPodReady, openTestCatalog, type TestCatalog } from '../test-catalog.js';
import { DisruptionController } from './disruption-controller.js';

let t: TestCatalog;
let dc: DisruptionController;
before(async () => {
  t = await openTestCatalog();
  dc = new DisruptionController(t.catalog, silentLogger(), t.clock);
  await dc.start();
});
after(async () => {
  dc.stop();
  await t.close();
});

test('a budget follows its pods: healthy count, allowed disruptions and the condition', async () => {
  const pods = t.catalog.lookup('', 'v1', 'pods')!;
  const pdbs = t.catalog.lookup('policy', 'v1', 'poddisruptionbudgets')!;
  for (const name of ['w-1', 'w-2', 'w-3']) {
    await pods.create('default', { metadata: { name, labels: { app: 'w' } }, spec: { containers: [{ name: 'c', image: 'i' }] } });
  }
  await pdbs.create('default', { metadata: { name: 'w' }, spec: { minAvailable: 2, selector: { matchLabels: { app: 'w' } } } });
  const status = () => pdbs.get('default', 'w').then((p) => p.status as Record<string, any>);
  await eventually(async () => (await status()).observedGeneration === 1 && (await status()).expectedPods === 3, 5000, 'first sync');
  assert.equal((await status()).disruptionsAllowed, 0);
  assert.equal((await status()).conditions[0].reason, 'InsufficientPods');

  for (const name of ['w-1', 'w-2', 'w-3']) await markPodReady(t.catalog, 'default', name, t.clock.now());
  await eventually(async () => (await status()).currentHealthy === 3, 5000, 'healthy pods counted');
  const s = await status();
  assert.equal(s.desiredHealthy, 2);
  assert.equal(s.disruptionsAllowed, 1);
  assert.equal(s.conditions[0].type, 'DisruptionAllowed');
  assert.equal(s.conditions[0].status, 'True');
  assert.equal(s.conditions[0].reason, 'SufficientPods');

  await pods.delete('default', 'w-3', { gracePeriodSeconds: 0 });
  await eventually(async () => (await status()).currentHealthy === 2, 5000, 'a deleted pod stops counting');
  assert.equal((await status()).disruptionsAllowed, 0);
});
