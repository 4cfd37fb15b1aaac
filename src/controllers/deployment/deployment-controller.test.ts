import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/types.js';
import { silentLogger } from '../../util/log.js';
import { autoReadyPods, eventually, openTestCatalog, type TestCatalog } from '../test-catalog.js';
import { ReplicaSetController } from '../replicaset/replica-set-controller.js';
import { replicaSetKind } from '../replicaset/replicated-kind.js';
import { DeploymentController } from './deployment-controller.js';
import { computeTemplateHash } from './template-hash.js';
import type { DeploymentStatus } from './types.js';

let t: TestCatalog;
let rsc: ReplicaSetController;
let dc: DeploymentController;
let stopKubelet: () => void;

before(async () => {
  t = await openTestCatalog();
  rsc = new ReplicaSetController(t.catalog, replicaSetKind, t.clock, silentLogger());
  dc = new DeploymentController(t.catalog, t.clock, silentLogger());
  await rsc.start();
  await dc.start();
  // Pods become ready unless their image says otherwise.
  stopKubelet = autoReadyPods(t, (p) => !JSON.stringify(p.spec).includes('never-ready'));
});
after(async () => {
  stopKubelet();
  dc.stop();
  rsc.stop();
  await t.close();
});

const deploys = () => t.catalog.lookup('apps', 'v1', 'deployments')!;
const rss = () => t.catalog.lookup('apps', 'v1', 'replicasets')!;

function deployment(name: string, replicas: number, extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } },
      ...extra,
    },
  };
}

async function setsOf(d: KubeObject): Promise<KubeObject[]> {
  const all = (await rss().list('default')).items;
  return all.filter((rs) => rs.metadata.ownerReferences?.some((r) => r.uid === d.metadata.uid));
}

async function complete(name: string): Promise<KubeObject> {
  return eventually(async () => {
    const d = await deploys().get('default', name);
    const s = d.status as DeploymentStatus;
    const r = (d.spec as { replicas: number }).replicas;
    const progressing = s.conditions?.find((c) => c.type === 'Progressing');
    return s.observedGeneration === d.metadata.generation && s.updatedReplicas === r && s.replicas === r && s.availableReplicas === r && progressing?.reason === 'NewReplicaSetAvailable' ? d : undefined;
  }, 15_000, `deployment ${name} to complete`);
}

async function setImage(name: string, image: string): Promise<void> {
  await deploys().update('default', name, (d) => {
    (d.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]!.image = image;
    return d;
  });
}

test('a new deployment gets a ReplicaSet <name>-<hash> at revision 1 and reports completion as kubectl expects', async () => {
  const created = await deploys().create('default', deployment('web', 3));
  const d = await complete('web');
  const [rs] = await setsOf(created);
  assert.ok(rs);
  const hash = rs.metadata.labels!['pod-template-hash']!;
  assert.match(hash, /^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
  assert.equal(rs.metadata.name, `web-${hash}`);
  assert.equal(hash, computeTemplateHash((d.spec as { template: object }).template));
  assert.deepEqual((rs.spec as { selector: unknown }).selector, { matchLabels: { app: 'web', 'pod-template-hash': hash } });
  assert.equal(rs.metadata.annotations!['deployment.kubernetes.io/revision'], '1');
  assert.equal(rs.metadata.annotations!['deployment.kubernetes.io/desired-replicas'], '3');
  assert.equal(rs.metadata.annotations!['deployment.kubernetes.io/max-replicas'], '4');
  assert.equal(d.metadata.annotations!['deployment.kubernetes.io/revision'], '1');
  const s = d.status as DeploymentStatus;
  assert.deepEqual({ ...s, conditions: undefined }, { observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3, conditions: undefined });
  assert.deepEqual(s.conditions!.map((c) => [c.type, c.status, c.reason, c.message]), [
    ['Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.'],
    ['Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "web-${hash}" has successfully progressed.`],
  ]);
  const events = (await t.catalog.lookup('', 'v1', 'events')!.list('default')).items.filter((e) => (e.involvedObject as { name: string }).name === 'web');
  assert.ok(events.some((e) => e.reason === 'ScalingReplicaSet' && e.message === `Scaled up replica set web-${hash} from 0 to 3`));
});

test('a template change rolls to a new ReplicaSet at revision 2 and scales the old one to zero', async () => {
  const created = await deploys().create('default', deployment('roll', 4));
  await complete('roll');
  await setImage('roll', 'nginx:2');
  const d = await complete('roll');
  const sets = await setsOf(created);
  assert.equal(sets.length, 2);
  const byRev = Object.fromEntries(sets.map((rs) => [rs.metadata.annotations!['deployment.kubernetes.io/revision'], rs]));
  assert.equal((byRev['1']!.spec as { replicas: number }).replicas, 0);
  assert.equal((byRev['2']!.spec as { replicas: number }).replicas, 4);
  assert.equal(d.metadata.annotations!['deployment.kubernetes.io/revision'], '2');
});

test('going back to an old template reuses its ReplicaSet with the next revision and keeps history', async () => {
  const created = await deploys().create('default', deployment('undo', 2));
  await complete('undo');
  await setImage('undo', 'nginx:2');
  await complete('undo');
  await setImage('undo', 'nginx:1');
  const d = await complete('undo');
  const sets = await setsOf(created);
  assert.equal(sets.length, 2);
  const first = sets.find((rs) => JSON.stringify(rs.spec).includes('nginx:1'))!;
  assert.equal(first.metadata.annotations!['deployment.kubernetes.io/revision'], '3');
  assert.equal(first.metadata.annotations!['deployment.kubernetes.io/revision-history'], '1');
  assert.equal(d.metadata.annotations!['deployment.kubernetes.io/revision'], '3');
});

test('revisionHistoryLimit keeps that many old ReplicaSets', async () => {
  const created = await deploys().create('default', deployment('hist', 1, { revisionHistoryLimit: 1 }));
  for (const v of ['2', '3', '4']) {
    await setImage('hist', `nginx:${v}`);
    await complete('hist');
  }
  const sets = await eventually(async () => {
    const s = await setsOf(created);
    return s.length === 2 ? s : undefined;
  }, 10_000, 'old sets to be cleaned up');
  assert.deepEqual(sets.map((rs) => rs.metadata.annotations!['deployment.kubernetes.io/revision']).sort(), ['3', '4']);
});

test('a paused deployment does not roll; resuming makes one rollout of all changes', async () => {
  const created = await deploys().create('default', deployment('pause', 2));
  await complete('pause');
  await deploys().update('default', 'pause', (d) => ({ ...d, spec: { ...(d.spec as object), paused: true } }));
  const paused = await eventually(async () => {
    const d = await deploys().get('default', 'pause');
    return (d.status as DeploymentStatus).conditions?.find((c) => c.reason === 'DeploymentPaused') ? d : undefined;
  });
  assert.equal((paused.status as DeploymentStatus).conditions!.find((c) => c.type === 'Progressing')!.status, 'Unknown');
  await setImage('pause', 'nginx:2');
  await setImage('pause', 'nginx:3');
  await deploys().update('default', 'pause', (d) => {
    (d.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels.tier = 'x';
    return d;
  });
  dc.queue.add('default/pause');
  await eventually(() => dc.queue.length === 0);
  assert.equal((await setsOf(created)).length, 1);
  await deploys().update('default', 'pause', (d) => {
    delete (d.spec as { paused?: boolean }).paused;
    return d;
  });
  const d = await complete('pause');
  const sets = await setsOf(created);
  assert.equal(sets.length, 2);
  assert.equal(d.metadata.annotations!['deployment.kubernetes.io/revision'], '2');
});

test('Recreate removes every old pod before the new ReplicaSet is created', async () => {
  const created = await deploys().create('default', deployment('rec', 2, { strategy: { type: 'Recreate' } }));
  await complete('rec');
  await setImage('rec', 'nginx:2');
  await complete('rec');
  const sets = await setsOf(created);
  const [oldRS, newRS] = [...sets].sort((a, b) => a.metadata.annotations!['deployment.kubernetes.io/revision']!.localeCompare(b.metadata.annotations!['deployment.kubernetes.io/revision']!));
  assert.equal((oldRS!.spec as { replicas: number }).replicas, 0);
  // The new set was created after the old one reported no pods.
  const events = (await t.catalog.lookup('', 'v1', 'events')!.list('default')).items.filter((e) => (e.involvedObject as { name: string }).name === 'rec');
  const order = events.map((e) => String(e.message));
  const down = order.findIndex((m) => m === `Scaled down replica set ${oldRS!.metadata.name} from 2 to 0`);
  const up = order.findIndex((m) => m === `Scaled up replica set ${newRS!.metadata.name} from 0 to 2`);
  assert.ok(down >= 0 && up > down, order.join('\n'));
});

test('scaling during a stuck rollout is proportional across ReplicaSets', async () => {
  const created = await deploys().create('default', deployment('prop', 10, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } } }));
  await complete('prop');
  await setImage('prop', 'never-ready');
  // New pods never become ready: the rollout stops at 8 old + 5 new.
  await eventually(async () => {
    const sets = await setsOf(created);
    const sizes = sets.map((rs) => (rs.spec as { replicas: number }).replicas).sort((a, b) => a - b);
    return JSON.stringify(sizes) === '[5,8]';
  }, 10_000, 'the rollout to stall at 8 + 5');
  await deploys().update('default', 'prop', (d) => ({ ...d, spec: { ...(d.spec as object), replicas: 20 } }));
  // 13 -> 23 (20 + surge 3): 10 more, split 8:5 as the sets are sized.
  const sizes = await eventually(async () => {
    const sets = await setsOf(created);
    const s = sets.map((rs) => (rs.spec as { replicas: number }).replicas).sort((a, b) => a - b);
    return s[0]! + s[1]! === 23 ? s : undefined;
  }, 10_000, 'proportional scale-up');
  assert.deepEqual(sizes, [9, 14]);
});

test('a rollout without progress for progressDeadlineSeconds is marked ProgressDeadlineExceeded', async () => {
  await deploys().create('default', deployment('stuck', 1, { progressDeadlineSeconds: 30 }));
  await complete('stuck');
  await setImage('stuck', 'never-ready');
  await eventually(async () => {
    const d = await deploys().get('default', 'stuck');
    return (d.status as DeploymentStatus).conditions?.find((c) => c.type === 'Progressing' && c.reason === 'ReplicaSetUpdated');
  });
  t.clock.advance(31_000);
  dc.queue.add('default/stuck');
  const cond = await eventually(async () => {
    const d = await deploys().get('default', 'stuck');
    return (d.status as DeploymentStatus).conditions?.find((c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded');
  });
  assert.equal(cond.status, 'False');
  assert.match(cond.message!, /^ReplicaSet "stuck-[a-z0-9]+" has timed out progressing\.$/);
});

test('a hash collision bumps collisionCount and the next ReplicaSet gets another name', async () => {
  await deploys().create('default', deployment('coll', 1, { paused: true }));
  const d = await deploys().get('default', 'coll');
  const hash = computeTemplateHash((d.spec as { template: object }).template);
  // Someone else's set already has the name the new set would get.
  await rss().create('default', {
    metadata: { name: `coll-${hash}`, labels: { app: 'other' } },
    spec: { replicas: 0, selector: { matchLabels: { app: 'other' } }, template: { metadata: { labels: { app: 'other' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } },
  });
  await deploys().update('default', 'coll', (cur) => {
    delete (cur.spec as { paused?: boolean }).paused;
    return cur;
  });
  const done = await complete('coll');
  assert.equal((done.status as DeploymentStatus).collisionCount, 1);
  const sets = await setsOf(done);
  assert.equal(sets.length, 1);
  assert.equal(sets[0]!.metadata.name, `coll-${computeTemplateHash((d.spec as { template: object }).template, 1)}`);
});
