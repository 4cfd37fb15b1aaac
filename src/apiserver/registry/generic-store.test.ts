import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinResources } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import { openSqliteStore } from '../../storage/sqlite-store.js';
import type { Store } from '../../storage/store.js';
import { ApiError } from '../errors.js';
import { parseLabelSelector } from '../selectors/labels.js';
import { ResourceCatalog } from './catalog.js';
import type { GenericStore, WatchEventType } from './generic-store.js';

let dir: string;
let storage: Store;
let catalog: ResourceCatalog;
let now = Date.parse('2025-01-01T00:00:00Z');
const clock = { now: () => now };
let cms: GenericStore;
let deploys: GenericStore;
let namespaces: GenericStore;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'k8ts-generic-store-'));
  storage = openSqliteStore(join(dir, 'state.db'));
  catalog = new ResourceCatalog(builtinResources, storage, clock);
  cms = catalog.lookup('', 'v1', 'configmaps')!;
  deploys = catalog.lookup('apps', 'v1', 'deployments')!;
  namespaces = catalog.lookup('', 'v1', 'namespaces')!;
  await namespaces.create(undefined, { metadata: { name: 'default' } });
});

after(async () => {
  await storage.close();
  rmSync(dir, { recursive: true, force: true });
});

const isApiError = (code: number) => (e: unknown) => e instanceof ApiError && e.code === code;

function deployment(name: string, replicas = 1): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } },
    },
  };
}

test('create fills identity and system fields; generateName picks a free name', async () => {
  const cm = await cms.create('default', { metadata: { name: 'a' }, data: { k: 'v' } });
  assert.equal(cm.kind, 'ConfigMap');
  assert.equal(cm.apiVersion, 'v1');
  assert.match(cm.metadata.uid!, /^[0-9a-f-]{36}$/);
  assert.equal(cm.metadata.creationTimestamp, '2025-01-01T00:00:00Z');
  assert.match(cm.metadata.resourceVersion!, /^\d+$/);
  assert.equal(cm.metadata.namespace, 'default');
  assert.equal(cm.metadata.generation, undefined);
  const gen = await cms.create('default', { metadata: { generateName: 'job-' } });
  assert.match(gen.metadata.name!, /^job-[a-z0-9]{5}$/);
  await assert.rejects(cms.create('default', { metadata: { name: 'a' } }), isApiError(409));
  await assert.rejects(cms.create('nowhere', { metadata: { name: 'x' } }), (e: unknown) => e instanceof ApiError && e.code === 404 && e.message === 'namespaces "nowhere" not found');
});

test('dry run validates without storing', async () => {
  const out = await cms.create('default', { metadata: { name: 'dry' } }, { dryRun: true });
  assert.equal(out.metadata.name, 'dry');
  await assert.rejects(cms.get('default', 'dry'), isApiError(404));
});

test('updates check resourceVersion, keep unchanged objects as they are and bump generation on spec changes', async () => {
  const d = await deploys.create('default', deployment('web'));
  assert.equal(d.metadata.generation, 1);
  const same = await deploys.update('default', 'web', (cur) => cur);
  assert.equal(same.metadata.resourceVersion, d.metadata.resourceVersion, 'no-op update writes nothing');
  const labelled = await deploys.update('default', 'web', (cur) => ({ ...cur, metadata: { ...cur.metadata, labels: { x: 'y' } } }));
  assert.equal(labelled.metadata.generation, 1, 'metadata changes do not bump generation');
  const scaled = await deploys.update('default', 'web', (cur) => ({ ...cur, spec: { ...(cur.spec as object), replicas: 3 } }));
  assert.equal(scaled.metadata.generation, 2);
  await assert.rejects(
    deploys.update('default', 'web', () => ({ ...d, spec: { ...(d.spec as object), replicas: 9 } })),
    (e: unknown) => e instanceof ApiError && e.code === 409 && /the object has been modified/.test(e.message),
  );
});

test('status and main updates each keep the other half', async () => {
  const d = await deploys.create('default', deployment('split'));
  const withStatus = await deploys.update('default', 'split', (cur) => ({ ...cur, spec: { ...(cur.spec as object), replicas: 7 }, status: { replicas: 1 } }), { subresource: 'status' });
  assert.deepEqual(withStatus.status, { replicas: 1 });
  assert.equal((withStatus.spec as { replicas: number }).replicas, 1, 'status writes cannot change spec');
  const main = await deploys.update('default', 'split', (cur) => ({ ...cur, status: { replicas: 99 } }));
  assert.deepEqual(main.status, { replicas: 1 }, 'main writes cannot change status');
  assert.equal(main.metadata.uid, d.metadata.uid);
});

test('validation failures are 422 with causes', async () => {
  await assert.rejects(deploys.create('default', deployment('Bad_Name')), (e: unknown) => {
    assert.ok(e instanceof ApiError);
    assert.equal(e.code, 422);
    assert.equal(e.details?.causes?.[0]?.field, 'metadata.name');
    assert.match(e.message, /^Deployment\.apps "Bad_Name" is invalid: metadata\.name: Invalid value: "Bad_Name"/);
    return true;
  });
});

test('finalizers hold deletion until removed', async () => {
  await cms.create('default', { metadata: { name: 'held', finalizers: ['example.com/hold'] } });
  now += 5000;
  const { obj, gone } = await cms.delete('default', 'held');
  assert.equal(gone, false);
  assert.equal(obj.metadata.deletionTimestamp, '2025-01-01T00:00:05Z');
  const still = await cms.get('default', 'held');
  assert.ok(still.metadata.deletionTimestamp);
  await cms.update('default', 'held', (cur) => ({ ...cur, metadata: { ...cur.metadata, finalizers: [] } }));
  await assert.rejects(cms.get('default', 'held'), isApiError(404));
});

test('delete preconditions', async () => {
  const cm = await cms.create('default', { metadata: { name: 'pre' } });
  await assert.rejects(cms.delete('default', 'pre', { preconditions: { uid: 'other' } }), isApiError(409));
  await assert.rejects(cms.delete('default', 'pre', { preconditions: { resourceVersion: '1' } }), isApiError(409));
  const { gone } = await cms.delete('default', 'pre', { preconditions: { uid: cm.metadata.uid } });
  assert.equal(gone, true);
});

test('list filters by selectors and pages with continue tokens', async () => {
  await namespaces.create(undefined, { metadata: { name: 'paging' } });
  for (let i = 0; i < 25; i++) {
    await cms.create('paging', { metadata: { name: `cm-${String(i).padStart(2, '0')}`, labels: { parity: i % 2 ? 'odd' : 'even' } } });
  }
  const odd = await cms.list('paging', { labels: parseLabelSelector('parity=odd') });
  assert.equal(odd.items.length, 12);
  const names: string[] = [];
  let cont: string | undefined;
  let pages = 0;
  do {
    const page = await cms.list('paging', { limit: 10, continue: cont, labels: parseLabelSelector('parity=even') });
    names.push(...page.items.map((i) => i.metadata.name!));
    cont = page.continue;
    pages++;
  } while (cont);
  assert.equal(pages, 2);
  assert.equal(names.length, 13);
  assert.deepEqual(names, [...names].sort());
  const first = await cms.list('paging', { limit: 5 });
  assert.equal(first.remainingItemCount, 20);
  await assert.rejects(cms.list('paging', { fields: [{ field: 'spec.nope', op: '=', value: 'x' }] }), isApiError(400));
});

test('watch replays from a resourceVersion and follows label transitions', async () => {
  await namespaces.create(undefined, { metadata: { name: 'watched' } });
  const start = await cms.list('watched');
  const events: string[] = [];
  const watcher = await cms.watch('watched', {
    resourceVersion: start.resourceVersion,
    labels: parseLabelSelector('show=yes'),
    onEvent: (type: WatchEventType, obj) => events.push(`${type} ${obj.metadata.name}`),
    onError: (err) => assert.fail(err),
  });
  await cms.create('watched', { metadata: { name: 'hidden' } });
  await cms.create('watched', { metadata: { name: 'shown', labels: { show: 'yes' } } });
  await cms.update('watched', 'hidden', (c) => ({ ...c, metadata: { ...c.metadata, labels: { show: 'yes' } } }));
  await cms.update('watched', 'shown', (c) => ({ ...c, metadata: { ...c.metadata, labels: { show: 'no' } } }));
  await cms.update('watched', 'hidden', (c) => ({ ...c, data: { a: 'b' } }));
  await cms.delete('watched', 'hidden');
  const deadline = Date.now() + 5000;
  while (events.length < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  watcher.stop();
  assert.deepEqual(events, ['ADDED shown', 'ADDED hidden', 'DELETED shown', 'MODIFIED hidden', 'DELETED hidden']);
});

test('namespaces being deleted refuse new content', async () => {
  await namespaces.create(undefined, { metadata: { name: 'doomed' } });
  const { gone, obj } = await namespaces.delete(undefined, 'doomed');
  assert.equal(gone, false, 'namespace lingers until emptied');
  assert.equal((obj.status as { phase: string }).phase, 'Terminating');
  await assert.rejects(cms.create('doomed', { metadata: { name: 'late' } }), (e: unknown) => e instanceof ApiError && e.code === 403 && /because it is being terminated/.test(e.message));
  await namespaces.update(undefined, 'doomed', (c) => ({ ...c, spec: { finalizers: [] } }), { subresource: 'finalize' });
  await assert.rejects(namespaces.get(undefined, 'doomed'), isApiError(404));
});

test('the system namespaces cannot be deleted', async () => {
  await assert.rejects(namespaces.delete(undefined, 'default'), (e: unknown) => {
    assert.ok(e instanceof ApiError);
    assert.equal(e.code, 403);
    assert.equal(e.message, 'namespaces "default" is forbidden: this namespace may not be deleted');
    return true;
  });
});

test('watching or reading below the compaction point is 410 Expired', async () => {
  await namespaces.create(undefined, { metadata: { name: 'compacted' } });
  const first = await cms.create('compacted', { metadata: { name: 'c1' } });
  await cms.update('compacted', 'c1', (c) => ({ ...c, data: { v: '2' } }));
  const rev = await storage.currentRevision();
  await storage.compact(rev);
  // A fresh server (empty watch cache) must go to the store, whose history is gone.
  const fresh = new ResourceCatalog(builtinResources, storage, clock).lookup('', 'v1', 'configmaps')!;
  await assert.rejects(
    fresh.watch('compacted', { resourceVersion: first.metadata.resourceVersion, onEvent: () => {}, onError: () => {} }),
    (e: unknown) => e instanceof ApiError && e.code === 410 && e.reason === 'Expired' && /^too old resource version: \d+ \(\d+\)$/.test(e.message),
  );
  await assert.rejects(
    cms.list('compacted', { resourceVersion: first.metadata.resourceVersion, resourceVersionMatch: 'Exact' }),
    (e: unknown) => e instanceof ApiError && e.code === 410,
  );
});

test('watchers share one decoded stream and still start from their own resourceVersion', async () => {
  await namespaces.create(undefined, { metadata: { name: 'shared' } });
  const a: string[] = [];
  const b: string[] = [];
  const start = await cms.list('shared');
  const wa = await cms.watch('shared', { resourceVersion: start.resourceVersion, onEvent: (t, o) => a.push(`${t} ${o.metadata.name}`), onError: assert.fail });
  const one = await cms.create('shared', { metadata: { name: 'one' } });
  await cms.create('shared', { metadata: { name: 'two' } });
  // b starts between the two creates: it must see only the second.
  const wb = await cms.watch('shared', { resourceVersion: one.metadata.resourceVersion, onEvent: (t, o) => b.push(`${t} ${o.metadata.name}`), onError: assert.fail });
  await cms.create('default', { metadata: { name: 'elsewhere' } });
  const deadline = Date.now() + 5000;
  while ((a.length < 2 || b.length < 1) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  wa.stop();
  wb.stop();
  assert.deepEqual(a, ['ADDED one', 'ADDED two']);
  assert.deepEqual(b, ['ADDED two']);
});
