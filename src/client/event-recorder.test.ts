import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../api/types.js';
import { openTestCatalog, type TestCatalog } from '../controllers/test-catalog.js';
import { combinedPrefix } from './event-correlator.js';
import { EventRecorder } from './event-recorder.js';

let t: TestCatalog;
before(async () => (t = await openTestCatalog()));
after(() => t.close());

const events = async (name: string) => {
  const all = (await t.catalog.lookup('', 'v1', 'events')!.list('default')).items;
  return all.filter((e) => (e.involvedObject as { name: string }).name === name);
};

function deployment(name: string): KubeObject {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: '7' } };
}

test('an event is written as Kubernetes components write it', async () => {
  const r = new EventRecorder(t.catalog, { component: 'deployment-controller' }, t.clock);
  r.event(deployment('web'), 'Normal', 'ScalingReplicaSet', 'Scaled up replica set web-abc to 3');
  await r.flush();
  const [e] = await events('web');
  assert.ok(e);
  assert.match(e.metadata.name!, /^web\.[0-9a-f]+$/);
  assert.deepEqual(e.involvedObject, { kind: 'Deployment', namespace: 'default', name: 'web', uid: 'uid-web', apiVersion: 'apps/v1', resourceVersion: '7' });
  assert.deepEqual(e.source, { component: 'deployment-controller' });
  assert.equal(e.reportingComponent, 'deployment-controller');
  assert.equal(e.count, 1);
  assert.equal(e.type, 'Normal');
  assert.equal(e.firstTimestamp, '2025-01-01T00:00:00Z');
  assert.equal(e.lastTimestamp, e.firstTimestamp);
});

test('a repeat within ten minutes bumps count and lastTimestamp; later ones start afresh', async () => {
  const r = new EventRecorder(t.catalog, { component: 'kubelet', host: 'node-1' }, t.clock);
  const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p1', namespace: 'default', uid: 'u1' } };
  r.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container');
  t.clock.advance(30_000);
  r.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container');
  t.clock.advance(30_000);
  r.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container');
  await r.flush();
  let list = await events('p1');
  assert.equal(list.length, 1);
  assert.equal(list[0]!.count, 3);
  assert.deepEqual(list[0]!.source, { component: 'kubelet', host: 'node-1' });
  assert.equal(Date.parse(String(list[0]!.lastTimestamp)) - Date.parse(String(list[0]!.firstTimestamp)), 60_000);
  t.clock.advance(11 * 60_000);
  r.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container');
  await r.flush();
  list = await events('p1');
  assert.equal(list.length, 2);
});

test('a deleted event is recreated on the next repeat', async () => {
  const r = new EventRecorder(t.catalog, { component: 'x' }, t.clock);
  const obj = deployment('gone');
  r.event(obj, 'Normal', 'R', 'm');
  await r.flush();
  const [first] = await events('gone');
  await t.catalog.lookup('', 'v1', 'events')!.delete('default', first!.metadata.name!);
  r.event(obj, 'Normal', 'R', 'm');
  await r.flush();
  assert.equal((await events('gone')).length, 1);
});

test('many similar events with different messages are combined into one', async () => {
  const r = new EventRecorder(t.catalog, { component: 'replicaset-controller' }, t.clock);
  const rs: KubeObject = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'rs1', namespace: 'default', uid: 'rs1' } };
  for (let i = 0; i < 14; i++) r.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: rs1-${i}`);
  await r.flush();
  const list = await events('rs1');
  const combined = list.filter((e) => String(e.message).startsWith(combinedPrefix));
  assert.equal(list.length - combined.length, 9);
  assert.equal(combined.length, 1);
  assert.equal(combined[0]!.count, 5);
  assert.equal(combined[0]!.message, `${combinedPrefix}Created pod: rs1-13`);
});

test('a flood about one object is rate limited', async () => {
  const r = new EventRecorder(t.catalog, { component: 'spammy' }, t.clock);
  const obj = deployment('flood');
  for (let i = 0; i < 40; i++) r.event(obj, 'Normal', `Reason${i}`, 'x');
  await r.flush();
  assert.equal((await events('flood')).length, 25);
});

test('repeats dropped by the rate limit still count: the next written bump carries the true count', async () => {
  const r = new EventRecorder(t.catalog, { component: 'kubelet' }, t.clock);
  const obj = deployment('looping');
  for (let i = 0; i < 25; i++) r.event(obj, 'Normal', `Reason${i}`, 'x');
  for (let i = 0; i < 3; i++) r.event(obj, 'Normal', 'Reason0', 'x');
  await r.flush();
  const first = (await events('looping')).find((e) => e.reason === 'Reason0');
  assert.equal(first?.count, 1, 'the bucket was empty: the repeats were not written');
  t.clock.advance(5 * 60_000);
  r.event(obj, 'Normal', 'Reason0', 'x');
  await r.flush();
  const list = (await events('looping')).filter((e) => e.reason === 'Reason0');
  assert.equal(list.length, 1);
  assert.equal(list[0]!.count, 5);
});

test('events about cluster-scoped objects go to the default namespace', async () => {
  const r = new EventRecorder(t.catalog, { component: 'node-controller' }, t.clock);
  r.event({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n9', uid: 'n9' } }, 'Normal', 'RegisteredNode', 'Node n9 event: Registered Node n9 in Controller');
  await r.flush();
  const [e] = await events('n9');
  assert.equal(e?.metadata.namespace, 'default');
  assert.equal((e?.involvedObject as { namespace?: string }).namespace, undefined);
});
