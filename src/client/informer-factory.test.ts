import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestCatalog, type TestCatalog } from '../controllers/test-catalog.js';
import { sharedInformers } from './informer-factory.js';

let t: TestCatalog;
before(async () => (t = await openTestCatalog()));
after(() => t.close());

const cms = { group: '', version: 'v1', plural: 'configmaps' };

test('users of a resource share one synced informer; the last release stops it', async () => {
  await t.catalog.lookup('', 'v1', 'configmaps')!.create('default', { metadata: { name: 'one' } });
  const f = sharedInformers(t.catalog);
  assert.equal(f, sharedInformers(t.catalog));
  const [x, y] = await Promise.all([f.acquire(cms), f.acquire(cms)]);
  assert.equal(x.informer, y.informer);
  assert.ok(x.informer.hasSynced());
  assert.deepEqual(x.informer.byIndex('namespace', 'default').map((o) => o.metadata.name), ['one']);
  x.release();
  x.release();
  const z = await f.acquire(cms);
  assert.equal(z.informer, y.informer, 'still shared while one user remains');
  y.release();
  z.release();
  const fresh = await f.acquire(cms);
  assert.notEqual(fresh.informer, y.informer);
  fresh.release();
});
