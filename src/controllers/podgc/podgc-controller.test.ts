import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../../util/log.js';
import { openTestCatalog, type TestCatalog } from '../test-catalog.js';
import { PodGCController } from './podgc-controller.js';

let t: TestCatalog;
let gc: PodGCController;

before(async () => {
  t = await openTestCatalog(['done', 'orphans']);
  gc = new PodGCController(t.catalog, t.clock, silentLogger(), { terminatedPodThreshold: 2, periodMs: 3_600_000 });
  await gc.start();
});
after(async () => {
  gc.stop();
  await t.close();
});

const pods = () => t.catalog.lookup('', 'v1', 'pods')!;
const spec = { containers: [{ name: 'c', image: 'busybox' }] };
const names = async (ns: string) => (await pods().list(ns)).items.map((p) => p.metadata.name).sort();

/** Waits until the shared cache shows the pods (the controller reads only its cache). */
async function settle(): Promise<void> {
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setTimeout(r, 20));
}

test('terminated pods beyond the threshold are deleted, oldest first', async () => {
  for (const [i, phase] of ['Succeeded', 'Failed', 'Succeeded', 'Running'].entries()) {
    await pods().create('done', { metadata: { name: `p${i}` }, spec });
    await pods().update('done', `p${i}`, (p) => ({ ...p, status: { ...(p.status as object), phase } }), { subresource: 'status' });
    t.clock.advance(1000);
  }
  await settle();
  await gc.reconcile();
  // Three terminated pods, two allowed: the oldest goes; running pods never count.
  assert.deepEqual(await names('done'), ['p1', 'p2', 'p3']);
});

test('pods of a node gone for the quarantine period are marked Failed and deleted', async () => {
  const nodes = t.catalog.lookup('', 'v1', 'nodes')!;
  await nodes.create(undefined, { metadata: { name: 'n-gone' } });
  await nodes.create(undefined, { metadata: { name: 'n-here' } });
  await pods().create('orphans', { metadata: { name: 'on-gone' }, spec: { ...spec, nodeName: 'n-gone' } });
  await pods().create('orphans', { metadata: { name: 'on-here' }, spec: { ...spec, nodeName: 'n-here' } });
  await nodes.delete(undefined, 'n-gone');
  await settle();
  await gc.reconcile();
  assert.deepEqual(await names('orphans'), ['on-gone', 'on-here'], 'kept during the quarantine');
  t.clock.advance(41_000);
  let failed: unknown;
  const w = await pods().watch('orphans', {
    resourceVersion: (await pods().list('orphans')).resourceVersion,
    onEvent: (type, p) => {
      if (type === 'MODIFIED' && p.metadata.name === 'on-gone') failed = p.status;
    },
    onError: () => undefined,
  });
  await gc.reconcile();
  await settle();
  w.stop();
  assert.deepEqual(await names('orphans'), ['on-here']);
  const st = failed as { phase: string; conditions: { type: string; reason: string; message: string }[] };
  assert.equal(st.phase, 'Failed');
  assert.deepEqual(st.conditions.map((c) => [c.type, c.reason, c.message]), [['DisruptionTarget', 'DeletionByPodGC', 'PodGC: node no longer exists']]);
});
