import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { bindPod } from '../apiserver/pods/binding.js';
import { openPodTestRegistry, testPod, type PodTestRegistry } from '../apiserver/pods/test-support.js';
import { eventually } from '../controllers/test-catalog.js';
import { silentLogger } from '../util/log.js';
import { catalogFleetApi } from './catalog-fleet-api.js';
import { SimulatedFleet } from './fleet.js';
import { defaultSimulatedNodeOptions } from './node-template.js';

let reg: PodTestRegistry;
let fleet: SimulatedFleet;
before(async () => {
  reg = await openPodTestRegistry();
  await reg.catalog.lookup('', 'v1', 'namespaces')!.create(undefined, { metadata: { name: 'kube-node-lease' } });
  fleet = new SimulatedFleet(catalogFleetApi(reg.catalog, reg.storage), 3, {
    ...defaultSimulatedNodeOptions,
    namePrefix: 'n-',
    capacity: { cpu: '4', memory: '8Gi', pods: '10' },
    labels: { 'topology.kubernetes.io/zone': 'z{index%2}' },
    taints: [{ key: 'dedicated', value: 'sim', effect: 'NoSchedule' }],
  }, silentLogger(), reg.clock);
  await fleet.start();
});
after(async () => {
  fleet.stop();
  await reg.close();
});

test('nodes register with capacity, labels, taints, conditions and a Lease', async () => {
  const nodes = reg.catalog.lookup('', 'v1', 'nodes')!;
  const n1 = await nodes.get(undefined, 'n-1');
  assert.equal(n1.metadata.labels?.['topology.kubernetes.io/zone'], 'z1');
  assert.equal(n1.metadata.labels?.['kubernetes.io/hostname'], 'n-1');
  assert.deepEqual((n1.spec as any).taints, [{ key: 'dedicated', value: 'sim', effect: 'NoSchedule' }]);
  assert.equal((n1.spec as any).podCIDR, '10.42.254.0/24');
  const status = n1.status as any;
  assert.deepEqual(status.allocatable, { cpu: '4', memory: '8Gi', pods: '10' });
  assert.deepEqual(status.conditions.map((c: any) => `${c.type}=${c.status}`), ['MemoryPressure=False', 'DiskPressure=False', 'PIDPressure=False', 'Ready=True']);
  const lease = await reg.catalog.lookup('coordination.k8s.io', 'v1', 'leases')!.get('kube-node-lease', 'n-1');
  assert.equal((lease.spec as any).holderIdentity, 'n-1');
  assert.equal(lease.metadata.ownerReferences?.[0]?.uid, n1.metadata.uid);
});

test('a bound pod runs with an IP of its node; a deleted one goes at once', async () => {
  const pods = reg.catalog.lookup('', 'v1', 'pods')!;
  await pods.create('default', testPod('p', { labels: { app: 'x' } }));
  await bindPod({ storage: reg.storage, pods, clock: reg.clock }, 'default', 'p', { target: { name: 'n-2' } });
  const running = await eventually(async () => {
    const p = await pods.get('default', 'p');
    return (p.status as any).phase === 'Running' ? p : undefined;
  }, 5000, 'pod Running');
  const status = running.status as any;
  assert.equal(status.podIP, '10.42.253.2');
  assert.equal(status.hostIP, '172.16.0.3');
  assert.equal(status.containerStatuses[0].ready, true);
  assert.ok(status.conditions.some((c: any) => c.type === 'Ready' && c.status === 'True'));

  const { gone } = await pods.delete('default', 'p', {});
  assert.equal(gone, false);
  await eventually(async () => !(await pods.get('default', 'p').catch(() => undefined)), 5000, 'pod deleted by its node');
});

test('a node marked not ready by someone else posts Ready again', async () => {
  const nodes = reg.catalog.lookup('', 'v1', 'nodes')!;
  await nodes.update(undefined, 'n-0', (n) => {
    const s = n.status as any;
    s.conditions = s.conditions.map((c: any) => (c.type === 'Ready' ? { ...c, status: 'Unknown', reason: 'NodeStatusUnknown' } : c));
    return n;
  }, { subresource: 'status' });
  await eventually(async () => {
    const n = await nodes.get(undefined, 'n-0');
    return (n.status as any).conditions.find((c: any) => c.type === 'Ready').status === 'True';
  }, 5000, 'Ready again');
});
