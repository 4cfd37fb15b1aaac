import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/types.js';
import { silentLogger } from '../../util/log.js';
import { eventually, markPodReady, openTestCatalog, type TestCatalog } from '../test-catalog.js';
import { ReplicaSetController } from './replica-set-controller.js';
import { replicaSetKind, replicationControllerKind } from './replicated-kind.js';

let t: TestCatalog;
let rsc: ReplicaSetController;
let rcc: ReplicaSetController;

before(async () => {
  t = await openTestCatalog(['rc']);
  rsc = new ReplicaSetController(t.catalog, replicaSetKind, t.clock, silentLogger());
  rcc = new ReplicaSetController(t.catalog, replicationControllerKind, t.clock, silentLogger());
  await rsc.start();
  await rcc.start();
});
after(async () => {
  rsc.stop();
  rcc.stop();
  await t.close();
});

const pods = () => t.catalog.lookup('', 'v1', 'pods')!;
const rss = () => t.catalog.lookup('apps', 'v1', 'replicasets')!;

function replicaSet(name: string, replicas: number, app = name): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app } },
      template: { metadata: { labels: { app } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
    },
  };
}

async function podsOf(uid: string, ns = 'default'): Promise<KubeObject[]> {
  const all = (await pods().list(ns)).items;
  return all.filter((p) => p.metadata.ownerReferences?.some((r) => r.uid === uid && r.controller) && !p.metadata.deletionTimestamp);
}

async function podCount(uid: string, n: number, ns = 'default'): Promise<KubeObject[]> {
  return eventually(async () => {
    const list = await podsOf(uid, ns);
    return list.length === n ? list : undefined;
  }, 10_000, `${n} pods`);
}

test('creates the missing pods, named after the set, controlled by it; status counts them', async () => {
  const rs = await rss().create('default', replicaSet('web', 3));
  const list = await podCount(rs.metadata.uid!, 3);
  for (const p of list) {
    assert.match(p.metadata.name!, /^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.deepEqual(p.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    assert.deepEqual(p.metadata.labels, { app: 'web' });
  }
  const status = await eventually(async () => {
    const cur = await rss().get('default', 'web');
    return (cur.status as { replicas: number }).replicas === 3 ? cur.status : undefined;
  });
  assert.deepEqual(status, { replicas: 3, fullyLabeledReplicas: 3, observedGeneration: 1 });
  // Expectations: no extra pods appear once the set is satisfied.
  rsc.queue.add('default/web');
  await eventually(() => rsc.queue.length === 0);
  assert.equal((await podsOf(rs.metadata.uid!)).length, 3);
  const events = (await t.catalog.lookup('', 'v1', 'events')!.list('default')).items.filter((e) => e.reason === 'SuccessfulCreate');
  assert.ok(events.some((e) => String(e.message).startsWith('Created pod: web-')));
});

test('ready pods are counted; scale-down removes not-ready pods first', async () => {
  const rs = await rss().create('default', replicaSet('down', 3));
  const list = await podCount(rs.metadata.uid!, 3);
  await markPodReady(t.catalog, 'default', list[1]!.metadata.name!, t.clock.now());
  await eventually(async () => ((await rss().get('default', 'down')).status as { readyReplicas?: number }).readyReplicas === 1);
  const st = (await rss().get('default', 'down')).status as Record<string, number>;
  assert.equal(st.availableReplicas, 1);
  await rss().update('default', 'down', (cur) => ({ ...cur, spec: { ...(cur.spec as object), replicas: 1 } }));
  const [left] = await podCount(rs.metadata.uid!, 1);
  assert.equal(left!.metadata.name, list[1]!.metadata.name);
});

test('a deleted pod is replaced', async () => {
  const rs = await rss().create('default', replicaSet('heal', 2));
  const [victim] = await podCount(rs.metadata.uid!, 2);
  await pods().delete('default', victim!.metadata.name!);
  const now = await podCount(rs.metadata.uid!, 2);
  assert.ok(!now.some((p) => p.metadata.name === victim!.metadata.name));
});

test('a matching orphan is adopted; a pod whose labels stop matching is released and replaced', async () => {
  const orphan = await pods().create('default', { metadata: { name: 'stray', labels: { app: 'adopt' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
  const rs = await rss().create('default', replicaSet('adopt', 2));
  const list = await podCount(rs.metadata.uid!, 2);
  assert.ok(list.some((p) => p.metadata.uid === orphan.metadata.uid), 'the orphan was adopted');
  await pods().update('default', 'stray', (p) => ({ ...p, metadata: { ...p.metadata, labels: { app: 'other' } } }));
  await eventually(async () => {
    const list = await podsOf(rs.metadata.uid!);
    return list.length === 2 && !list.some((p) => p.metadata.name === 'stray');
  }, 10_000, 'a replacement for the released pod');
  const released = await pods().get('default', 'stray');
  assert.equal(released.metadata.ownerReferences, undefined);
});

test('pods controlled by someone else are left alone', async () => {
  await pods().create('default', {
    metadata: { name: 'owned-elsewhere', labels: { app: 'mine' }, ownerReferences: [{ apiVersion: 'v1', kind: 'ReplicationController', name: 'x', uid: 'other-uid', controller: true }] },
    spec: { containers: [{ name: 'c', image: 'busybox' }] },
  });
  const rs = await rss().create('default', replicaSet('mine', 1));
  const list = await podCount(rs.metadata.uid!, 1);
  assert.notEqual(list[0]!.metadata.name, 'owned-elsewhere');
  assert.equal((await pods().get('default', 'owned-elsewhere')).metadata.ownerReferences![0]!.uid, 'other-uid');
});

test('pod creation failures set the ReplicaFailure condition', async () => {
  // A set whose name is too long to make pod names from (the API refuses such pods).
  const name = 'x'.repeat(250);
  await rss().create('default', replicaSet(name, 1, 'toolong'));
  const cond = await eventually(async () => ((await rss().get('default', name)).status as { conditions?: { type: string; reason: string; message: string }[] }).conditions?.[0]);
  assert.equal(cond.type, 'ReplicaFailure');
  assert.equal(cond.reason, 'FailedCreate');
  assert.match(cond.message, /must be no more than 253 characters/);
});

test('ReplicationControllers run on the same code with a map selector', async () => {
  const rcs = t.catalog.lookup('', 'v1', 'replicationcontrollers')!;
  const rc = await rcs.create('rc', {
    metadata: { name: 'legacy' },
    spec: { replicas: 2, selector: { app: 'legacy' }, template: { metadata: { labels: { app: 'legacy' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
  });
  const list = await podCount(rc.metadata.uid!, 2, 'rc');
  assert.equal(list[0]!.metadata.ownerReferences![0]!.kind, 'ReplicationController');
  assert.equal(list[0]!.metadata.ownerReferences![0]!.apiVersion, 'v1');
  await eventually(async () => ((await rcs.get('rc', 'legacy')).status as { replicas: number }).replicas === 2);
});
