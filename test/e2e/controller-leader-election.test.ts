// Two k8ts servers on one etcd: only the holder of the kube-controller-manager Lease runs the
// workload controllers; when it stops, the other takes the Lease and carries on.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEtcd, type EtcdProcess } from '../support/etcd.js';
import { startK8ts, type TestServer } from '../support/k8ts-server.js';
import { Kubectl } from '../support/kubectl.js';
import { waitFor } from '../support/wait-for.js';

let etcd: EtcdProcess;
let a: TestServer;
let b: TestServer;

before(async () => {
  etcd = await startEtcd();
  a = await startK8ts({ datastoreEndpoint: etcd.endpoint });
  b = await startK8ts({ datastoreEndpoint: etcd.endpoint });
});
after(async () => {
  await a?.cleanup();
  await b?.cleanup();
  await etcd?.stop();
});

const until = <T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 30_000) => waitFor(what, check, timeoutMs, 50);

const leads = (s: TestServer) => s.logs().includes('"msg":"became leader"');

test('one server leads the controllers; the other takes over when it stops', async () => {
  const leader = await until('a leader', async () => (leads(a) ? a : leads(b) ? b : undefined));
  const follower = leader === a ? b : a;
  assert.equal(leads(follower), false);
  const kl = new Kubectl('1.33', leader.kubeconfig);
  const kf = new Kubectl('1.33', follower.kubeconfig);
  const lease = JSON.parse(await kf.ok(['get', 'lease', 'kube-controller-manager', '-n', 'kube-system', '-o', 'json']));
  assert.match(lease.spec.holderIdentity, /^.+_[0-9a-f-]{36}$/);
  assert.equal(lease.spec.leaseDurationSeconds, 15);

  // Written through the follower, reconciled by the leader's controllers, exactly once.
  await kf.ok(['create', 'deployment', 'le', '--image=busybox:1.36', '--replicas=3']);
  await until('3 pods', async () => JSON.parse(await kl.ok(['get', 'pods', '-l', 'app=le', '-o', 'json'])).items.length === 3);
  assert.equal(JSON.parse(await kf.ok(['get', 'rs', '-l', 'app=le', '-o', 'json'])).items.length, 1);

  await leader.stop();
  await until('the follower to lead', async () => leads(follower), 20_000);
  const taken = JSON.parse(await kf.ok(['get', 'lease', 'kube-controller-manager', '-n', 'kube-system', '-o', 'json']));
  assert.notEqual(taken.spec.holderIdentity, lease.spec.holderIdentity);
  assert.equal(taken.spec.leaseTransitions, (lease.spec.leaseTransitions ?? 0) + 1);
  await kf.ok(['scale', 'deployment', 'le', '--replicas=5']);
  await until('5 pods', async () => JSON.parse(await kf.ok(['get', 'pods', '-l', 'app=le', '-o', 'json'])).items.length === 5);
});
