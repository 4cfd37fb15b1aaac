// A controller written in TypeScript outside the server, on k8ts's client machinery alone:
// RestClient, an informer over the REST list/watch, a work queue, Lease-based leader election
// and the event recorder. Checked with the real kubectl.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/api/types.js';
import { EventRecorder } from '../../src/client/event-recorder.js';
import { Informer, objectKey, splitKey } from '../../src/client/informer.js';
import { LeaderElector } from '../../src/client/leader-election.js';
import { restLeaseLock } from '../../src/client/lease-lock.js';
import { RestClient, restConfigFromKubeconfig, restListWatch } from '../../src/client/rest-client.js';
import { WorkQueue } from '../../src/controllers/workqueue.js';
import { startK8ts, type TestServer } from '../support/k8ts-server.js';
import { Kubectl } from '../support/kubectl.js';
import { waitFor } from '../support/wait-for.js';

let server: TestServer;
let k: Kubectl;
before(async () => {
  server = await startK8ts();
  k = new Kubectl('1.33', server.kubeconfig);
});
after(async () => server?.cleanup());

const until = <T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 20_000) => waitFor(what, check, timeoutMs, 50);

/** The example controller: every ConfigMap with a `greeting` gets a `<name>-reply` ConfigMap shouting it back. */
function greeter(client: RestClient) {
  const path = '/api/v1/namespaces/default/configmaps';
  const informer = new Informer(restListWatch(client, path));
  const queue = new WorkQueue();
  const recorder = new EventRecorder(client, { component: 'greeter' });
  const reconcile = async (key: string) => {
    const cm = informer.get(key);
    const greeting = (cm?.data as Record<string, string> | undefined)?.greeting;
    if (!cm || greeting === undefined) return;
    const name = `${splitKey(key).name}-reply`;
    const reply = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: cm.metadata.name!, uid: cm.metadata.uid! }] }, data: { reply: greeting.toUpperCase() } };
    const existing = informer.get(`default/${name}`);
    if (!existing) await client.create(path, reply);
    else if ((existing.data as Record<string, string>).reply !== reply.data.reply) await client.update(`${path}/${name}`, { ...reply, metadata: { ...reply.metadata, resourceVersion: existing.metadata.resourceVersion } });
    else return;
    recorder.event(cm, 'Normal', 'Replied', `Replied to ${cm.metadata.name}`);
  };
  const enqueue = (o: KubeObject) => queue.add(objectKey(o));
  informer.on({ add: enqueue, update: (_o, n) => enqueue(n) });
  return {
    start: async () => {
      await informer.start();
      void queue.run(2, reconcile);
    },
    stop: () => {
      queue.shutDown();
      informer.stop();
    },
    recorder,
  };
}

test('an out-of-process controller on the client machinery, elected over a Lease, recording aggregated events', async () => {
  const client = new RestClient(restConfigFromKubeconfig(server.kubeconfig));
  const controller = greeter(client);
  const elector = new LeaderElector({
    lock: restLeaseLock(client, 'default', 'greeter'),
    identity: 'greeter-1',
    retryPeriodMs: 200,
    onStartedLeading: () => controller.start(),
    onStoppedLeading: () => controller.stop(),
  });
  elector.run();
  try {
    await until('the lease', async () => elector.isLeader());
    assert.match(await k.ok(['get', 'lease', 'greeter']), /^NAME\s+HOLDER\s+AGE\ngreeter\s+greeter-1\s+/);

    await k.ok(['create', 'configmap', 'hello', '--from-literal=greeting=hi']);
    await until('the reply', async () => (await k.run(['get', 'cm', 'hello-reply', '-o', 'jsonpath={.data.reply}'])).stdout === 'HI');
    await k.ok(['patch', 'configmap', 'hello', '--type=merge', '-p', '{"data":{"greeting":"hey"}}']);
    await until('the new reply', async () => (await k.run(['get', 'cm', 'hello-reply', '-o', 'jsonpath={.data.reply}'])).stdout === 'HEY');
    await controller.recorder.flush();
    // Two identical events about one object: one Event with count 2.
    const events = JSON.parse(await k.ok(['get', 'events', '--field-selector', 'involvedObject.name=hello', '-o', 'json'])).items;
    assert.equal(events.length, 1);
    assert.equal(events[0].count, 2);
    assert.deepEqual(events[0].source, { component: 'greeter' });
    assert.equal(events[0].reason, 'Replied');
    const table = await k.ok(['get', 'events', '--field-selector', 'involvedObject.name=hello']);
    assert.match(table, /Normal\s+Replied\s+configmap\/hello\s+Replied to hello/);
  } finally {
    await elector.stop();
    client.close();
  }
  assert.match(await k.ok(['get', 'lease', 'greeter', '-o', 'jsonpath={.spec.holderIdentity}']), /^$/);
});
