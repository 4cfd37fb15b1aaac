import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/types.js';
import { silentLogger } from '../../util/log.js';
import { eventually, markPodReady, openTestCatalog, type TestCatalog } from '../test-catalog.js';
import { EndpointsController } from './endpoints-controller.js';

let t: TestCatalog;
let ec: EndpointsController;

before(async () => {
  t = await openTestCatalog();
  ec = new EndpointsController(t.catalog, silentLogger());
  await ec.start();
});
after(async () => {
  ec.stop();
  await t.close();
});

const pods = () => t.catalog.lookup('', 'v1', 'pods')!;
const services = () => t.catalog.lookup('', 'v1', 'services')!;
const endpoints = () => t.catalog.lookup('', 'v1', 'endpoints')!;

async function pod(name: string, labels: Record<string, string>, ip: string, ready: boolean, extra: Record<string, unknown> = {}): Promise<KubeObject> {
  const created = await pods().create('default', {
    metadata: { name, labels },
    spec: { containers: [{ name: 'c', image: 'nginx', ports: [{ name: 'http', containerPort: 8080 }] }], ...extra },
  });
  if (ready) await markPodReady(t.catalog, 'default', name, t.clock.now(), ip);
  else {
    await pods().update('default', name, (p) => ({ ...p, status: { ...(p.status as object), phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: 'False' }] } }), { subresource: 'status' });
  }
  return created;
}

async function subsetsOf(name: string, want: (s: unknown[]) => boolean): Promise<Record<string, unknown>[]> {
  return eventually(async () => {
    const ep = await endpoints().get('default', name).catch(() => undefined);
    const s = (ep?.subsets ?? []) as Record<string, unknown>[];
    return ep && want(s) ? s : undefined;
  }, 10_000, `endpoints ${name}`);
}

test('ready pods are addresses, unready ones notReadyAddresses; named target ports resolve per pod', async () => {
  const a = await pod('ep-a', { app: 'ep' }, '10.42.0.11', true);
  await pod('ep-b', { app: 'ep' }, '10.42.0.12', false);
  await pod('other', { app: 'no' }, '10.42.0.13', true);
  await services().create('default', { metadata: { name: 'ep', labels: { team: 'x' } }, spec: { selector: { app: 'ep' }, ports: [{ name: 'web', port: 80, targetPort: 'http' }] } });
  const subsets = await subsetsOf('ep', (s) => s.length === 1 && !!(s[0] as { notReadyAddresses?: unknown }).notReadyAddresses);
  assert.deepEqual(subsets, [
    {
      addresses: [{ ip: '10.42.0.11', targetRef: { kind: 'Pod', namespace: 'default', name: 'ep-a', uid: a.metadata.uid } }],
      notReadyAddresses: [{ ip: '10.42.0.12', targetRef: { kind: 'Pod', namespace: 'default', name: 'ep-b', uid: (await pods().get('default', 'ep-b')).metadata.uid } }],
      ports: [{ name: 'web', port: 8080, protocol: 'TCP' }],
    },
  ]);
  const ep = await endpoints().get('default', 'ep');
  assert.deepEqual(ep.metadata.labels, { team: 'x' });
  assert.ok(ep.metadata.annotations!['endpoints.kubernetes.io/last-change-trigger-time']);

  // Readiness changes move the address.
  await markPodReady(t.catalog, 'default', 'ep-b', t.clock.now(), '10.42.0.12');
  const both = await subsetsOf('ep', (s) => ((s[0] as { addresses?: unknown[] }).addresses ?? []).length === 2);
  assert.equal((both[0] as { notReadyAddresses?: unknown }).notReadyAddresses, undefined);
  // A deleted pod leaves.
  await pods().delete('default', 'ep-a');
  const one = await subsetsOf('ep', (s) => ((s[0] as { addresses?: unknown[] }).addresses ?? []).length === 1);
  assert.equal(((one[0] as { addresses: { ip: string }[] }).addresses)[0]!.ip, '10.42.0.12');
});

test('publishNotReadyAddresses lists unready pods as addresses; headless services get the headless label', async () => {
  await pod('pnr-a', { app: 'pnr' }, '10.42.1.1', false);
  await services().create('default', { metadata: { name: 'pnr' }, spec: { clusterIP: 'None', publishNotReadyAddresses: true, selector: { app: 'pnr' }, ports: [{ port: 9000 }] } });
  const s = await subsetsOf('pnr', (x) => x.length === 1);
  assert.equal(((s[0] as { addresses: { ip: string }[] }).addresses)[0]!.ip, '10.42.1.1');
  assert.deepEqual((s[0] as { ports: unknown }).ports, [{ port: 9000, protocol: 'TCP' }]);
  const ep = await endpoints().get('default', 'pnr');
  assert.deepEqual(ep.metadata.labels, { 'service.kubernetes.io/headless': '' });
});

test('a service without pods has Endpoints without subsets; deleting the service deletes them', async () => {
  await services().create('default', { metadata: { name: 'empty' }, spec: { selector: { app: 'nobody' }, ports: [{ port: 80 }] } });
  const ep = await eventually(() => endpoints().get('default', 'empty').catch(() => undefined));
  assert.equal(ep.subsets, undefined);
  await services().delete('default', 'empty');
  await eventually(async () => (await endpoints().get('default', 'empty').catch(() => 'gone')) === 'gone');
});

test('services without a selector are left alone', async () => {
  await services().create('default', { metadata: { name: 'manual' }, spec: { ports: [{ port: 80 }] } });
  await endpoints().create('default', { metadata: { name: 'manual' }, subsets: [{ addresses: [{ ip: '192.168.1.1' }], ports: [{ port: 80 }] }] });
  ec.queue.add('default/manual');
  await eventually(() => ec.queue.length === 0);
  const ep = await endpoints().get('default', 'manual');
  assert.equal(((ep.subsets as { addresses: { ip: string }[] }[])[0]!.addresses)[0]!.ip, '192.168.1.1');
});
