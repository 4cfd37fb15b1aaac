import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestCatalog, type TestCatalog } from '../controllers/test-catalog.js';
import { LeaderElector } from './leader-election.js';
import { catalogLeaseLock } from './lease-lock.js';

let t: TestCatalog;
before(async () => (t = await openTestCatalog(['kube-system'])));
after(() => t.close());

function candidate(name: string, lease: string, log: string[]): LeaderElector {
  return new LeaderElector({
    lock: catalogLeaseLock(t.catalog, 'kube-system', lease),
    identity: name,
    clock: t.clock,
    onStartedLeading: () => void log.push(`${name} leads`),
    onStoppedLeading: () => void log.push(`${name} stops`),
  });
}

const lease = async (name: string) => (await t.catalog.lookup('coordination.k8s.io', 'v1', 'leases')!.get('kube-system', name)).spec as Record<string, unknown>;

test('one candidate leads; another takes over only once the lease expires unrenewed', async () => {
  const log: string[] = [];
  const a = candidate('a', 'l1', log);
  const b = candidate('b', 'l1', log);
  await a.tick();
  await b.tick();
  assert.deepEqual(log, ['a leads']);
  assert.equal(b.leader(), 'a');
  let spec = await lease('l1');
  assert.equal(spec.holderIdentity, 'a');
  assert.equal(spec.leaseDurationSeconds, 15);
  assert.match(String(spec.renewTime), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  // a renews: b keeps waiting.
  t.clock.advance(10_000);
  await a.tick();
  t.clock.advance(10_000);
  await b.tick();
  assert.equal(b.isLeader(), false);
  // a goes quiet: 15 s after b last saw the lease change, b takes it.
  t.clock.advance(16_000);
  await b.tick();
  assert.equal(b.isLeader(), true);
  spec = await lease('l1');
  assert.equal(spec.holderIdentity, 'b');
  assert.equal(spec.leaseTransitions, 1);
  // a comes back, cannot renew, and steps down after its renew deadline.
  await a.tick();
  assert.deepEqual(log, ['a leads', 'b leads', 'a stops']);
});

test('a leader that stops releases the lease for the next candidate at once', async () => {
  const log: string[] = [];
  const a = candidate('a', 'l2', log);
  const b = candidate('b', 'l2', log);
  await a.tick();
  await b.tick();
  await a.stop();
  assert.equal((await lease('l2')).holderIdentity, '');
  await b.tick();
  assert.deepEqual(log, ['a leads', 'a stops', 'b leads']);
});

test('two candidates racing for a free lease: exactly one wins', async () => {
  const log: string[] = [];
  const cs = ['x', 'y', 'z'].map((n) => candidate(n, 'l3', log));
  await Promise.all(cs.map((c) => c.tick()));
  assert.equal(cs.filter((c) => c.isLeader()).length, 1);
});
