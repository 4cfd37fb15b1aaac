import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/types.js';
import { silentLogger } from '../../util/log.js';
import { eventually, markPodReady, openTestCatalog, type TestCatalog } from '../test-catalog.js';
import { EndpointSliceController } from './endpointslice-controller.js';
import type { SliceEndpoint } from './slice-endpoints.js';

let t: TestCatalog;
let esc: EndpointSliceController;

before(async () => {
  t = await openTestCatalog();
  esc = new EndpointSliceController(t.catalog, t.clock, silentLogger());
  await esc.start();
});
after(async () => {
  esc.stop();
  await t.close();
});

const pods = () => t.catalog.lookup('', 'v1', 'pods')!;
const services = () => t.catalog.lookup('', 'v1', 'services')!;
const slices = () => t.catalog.lookup('discovery.k8s.io', 'v1', 'endpointslices')!;

async function pod(name: string, labels: Record<string, string>, ip: string, ready: boolean, port = 8080): Promise<KubeObject> {
  const p = await pods().create('default', { metadata: { name, labels }, spec: { containers: [{ name: 'c', image: 'nginx', ports: [{ name: 'http', containerPort: port }] }] } });
  if (ready) await markPodReady(t.catalog, 'default', name, t.clock.now(), ip);
  else await pods().update('default', name, (x) => ({ ...x, status: { ...(x.status as object), phase: 'Running', podIP: ip, podIPs: [{ ip }] } }), { subresource: 'status' });
  return p;
}

async function slicesOf(svc: string, want: (s: KubeObject[]) => boolean): Promise<KubeObject[]> {
  return eventually(async () => {
    const all = (await slices().list('default')).items.filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === svc);
    return want(all) ? all : undefined;
  }, 10_000, `slices of ${svc}`);
}

const eps = (s: KubeObject) => (s.endpoints ?? []) as SliceEndpoint[];

test('a slice lists selected pods with conditions, owned by the service and labelled for it', async () => {
  const a = await pod('s-a', { app: 's' }, '10.42.2.1', true);
  await pod('s-b', { app: 's' }, '10.42.2.2', false);
  const svc = await services().create('default', { metadata: { name: 's', labels: { tier: 'web' } }, spec: { selector: { app: 's' }, ports: [{ name: 'web', port: 80, targetPort: 'http' }] } });
  const [slice] = await slicesOf('s', (l) => l.length === 1 && eps(l[0]!).length === 2);
  assert.match(slice!.metadata.name!, /^s-[a-z0-9]{5}$/);
  assert.deepEqual(slice!.metadata.labels, { tier: 'web', 'kubernetes.io/service-name': 's', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' });
  assert.deepEqual(slice!.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Service', name: 's', uid: svc.metadata.uid, controller: true, blockOwnerDeletion: true }]);
  assert.equal(slice!.addressType, 'IPv4');
  assert.deepEqual(slice!.ports, [{ name: 'web', protocol: 'TCP', port: 8080 }]);
  assert.deepEqual(eps(slice!)[0], {
    addresses: ['10.42.2.1'],
    conditions: { ready: true, serving: true, terminating: false },
    targetRef: { kind: 'Pod', namespace: 'default', name: 's-a', uid: a.metadata.uid },
  });
  assert.deepEqual(eps(slice!)[1]!.conditions, { ready: false, serving: false, terminating: false });
  // Readiness flips are followed.
  await markPodReady(t.catalog, 'default', 's-b', t.clock.now(), '10.42.2.2');
  await slicesOf('s', (l) => eps(l[0]!).every((e) => e.conditions.ready));
});

test('more than 100 endpoints are spread over several slices; scaling down removes emptied ones', async () => {
  for (let i = 0; i < 130; i++) await pod(`big-${i}`, { app: 'big' }, `10.42.3.${i + 1}`, true);
  await services().create('default', { metadata: { name: 'big' }, spec: { selector: { app: 'big' }, ports: [{ port: 80 }] } });
  const all = await slicesOf('big', (l) => l.reduce((n, s) => n + eps(s).length, 0) === 130);
  assert.equal(all.length, 2);
  assert.ok(all.every((s) => eps(s).length <= 100));
  for (let i = 0; i < 100; i++) await pods().delete('default', `big-${i}`);
  const left = await slicesOf('big', (l) => l.reduce((n, s) => n + eps(s).length, 0) === 30 && l.length === 1);
  assert.equal(eps(left[0]!).length, 30);
});

test('pods whose named port resolves differently land in different slices; no pods leaves one empty slice', async () => {
  await pod('mix-a', { app: 'mix' }, '10.42.4.1', true, 8080);
  await pod('mix-b', { app: 'mix' }, '10.42.4.2', true, 9090);
  await services().create('default', { metadata: { name: 'mix' }, spec: { selector: { app: 'mix' }, ports: [{ port: 80, targetPort: 'http' }] } });
  const two = await slicesOf('mix', (l) => l.length === 2 && l.every((s) => eps(s).length === 1));
  assert.deepEqual(two.map((s) => (s.ports as { port: number }[])[0]!.port).sort(), [8080, 9090]);
  await pods().delete('default', 'mix-a');
  await pods().delete('default', 'mix-b');
  const [placeholder] = await slicesOf('mix', (l) => l.length === 1 && eps(l[0]!).length === 0);
  assert.equal(placeholder!.ports, null);
});

test('slices of other managers are left alone', async () => {
  await services().create('default', { metadata: { name: 'custom' }, spec: { selector: { app: 'custom' }, ports: [{ port: 80 }] } });
  await slices().create('default', {
    metadata: { name: 'custom-manual', labels: { 'kubernetes.io/service-name': 'custom', 'endpointslice.kubernetes.io/managed-by': 'someone-else' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: ['192.168.0.1'] }],
    ports: [{ port: 80 }],
  });
  await slicesOf('custom', (l) => l.length === 2);
  esc.queue.add('default/custom');
  await eventually(() => esc.queue.length === 0);
  const manual = await slices().get('default', 'custom-manual');
  assert.deepEqual((manual.endpoints as { addresses: string[] }[])[0]!.addresses, ['192.168.0.1']);
});
