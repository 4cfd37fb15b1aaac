// @kubernetes/client-node's patch helpers (merge, strategic, JSON patch, server-side apply)
// against k8ts, and field validation of raw bodies (duplicate fields) and apply options.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { startK8ts, type TestServer } from '../support/k8ts-server.js';

let server: TestServer;
let kc: k8s.KubeConfig;
const ns = 'cnp';
before(async () => {
  server = await startK8ts();
  kc = new k8s.KubeConfig();
  kc.loadFromFile(server.kubeconfig);
  await kc.makeApiClient(k8s.CoreV1Api).createNamespace({ body: { metadata: { name: ns } } });
});
after(async () => {
  await server?.cleanup();
});

const base = (name: string): k8s.V1Deployment => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: ns },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: 'p' } },
    template: { metadata: { labels: { app: 'p' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.26' }, { name: 'log', image: 'busybox:1.36' }] } },
  },
});

test('merge, strategic, JSON patch and apply produce the same object', async () => {
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const objects = kc.makeApiClient(k8s.KubernetesObjectApi);
  for (const n of ['merge', 'smp', 'json']) await apps.createNamespacedDeployment({ namespace: ns, body: base(n) });
  const header = (t: k8s.PatchStrategy) => k8s.setHeaderOptions('Content-Type', t);

  const containers = [{ name: 'web', image: 'nginx:1.27' }, { name: 'log', image: 'busybox:1.36' }];
  await apps.patchNamespacedDeployment({ name: 'merge', namespace: ns, body: { spec: { replicas: 3, template: { spec: { containers } } } } }, header(k8s.PatchStrategy.MergePatch));
  await apps.patchNamespacedDeployment(
    { name: 'smp', namespace: ns, body: { spec: { replicas: 3, template: { spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } } } },
    header(k8s.PatchStrategy.StrategicMergePatch),
  );
  await apps.patchNamespacedDeployment(
    {
      name: 'json',
      namespace: ns,
      body: [
        { op: 'replace', path: '/spec/replicas', value: 3 },
        { op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'nginx:1.27' },
      ],
    },
    header(k8s.PatchStrategy.JsonPatch),
  );
  // Server-side apply: creates the object, then a second apply changes it.
  const applied = base('apply');
  await objects.patch(applied, undefined, undefined, 'client-node', true, k8s.PatchStrategy.ServerSideApply);
  applied.spec!.replicas = 3;
  applied.spec!.template.spec!.containers[0]!.image = 'nginx:1.27';
  await objects.patch(applied, undefined, undefined, 'client-node', true, k8s.PatchStrategy.ServerSideApply);

  const specs = await Promise.all(['merge', 'smp', 'json', 'apply'].map(async (name) => (await apps.readNamespacedDeployment({ name, namespace: ns })).spec));
  for (const spec of specs.slice(1)) assert.deepEqual(spec, specs[0]);
  assert.equal(specs[0]!.replicas, 3);
  assert.deepEqual(specs[0]!.template.spec!.containers.map((c) => c.image), ['nginx:1.27', 'busybox:1.36']);

  const owned = await apps.readNamespacedDeployment({ name: 'apply', namespace: ns });
  const entry = owned.metadata!.managedFields!.find((m) => m.manager === 'client-node')!;
  assert.equal(entry.operation, 'Apply');
  assert.ok(entry.time instanceof Date);
});

test('apply options: fieldManager is required, force only goes with apply, versions must match', async () => {
  const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'opt' }, data: { a: '1' } });
  const apply = { 'content-type': 'application/apply-patch+yaml' };
  const noManager = await server.request('PATCH', `/api/v1/namespaces/${ns}/configmaps/opt`, { body, headers: apply });
  assert.equal(noManager.status, 422);
  assert.equal(JSON.parse(noManager.body).message, 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
  const created = await server.request('PATCH', `/api/v1/namespaces/${ns}/configmaps/opt?fieldManager=raw`, { body, headers: apply });
  assert.equal(created.status, 201);
  const yaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: opt\ndata:\n  a: "2"\n';
  const updated = await server.request('PATCH', `/api/v1/namespaces/${ns}/configmaps/opt?fieldManager=raw`, { body: yaml, headers: apply });
  assert.equal(updated.status, 200);
  assert.equal(JSON.parse(updated.body).data.a, '2');
  const wrong = await server.request('PATCH', `/api/v1/namespaces/${ns}/configmaps/opt?fieldManager=raw`, { body: body.replace('"v1"', '"v2"'), headers: apply });
  assert.equal(wrong.status, 400);
  assert.match(JSON.parse(wrong.body).message, /Incorrect version specified in apply patch\. Specified patch version: v2, expected: v1/);
  const force = await server.request('PATCH', `/api/v1/namespaces/${ns}/configmaps/opt?force=true`, {
    body: '{"data":{"b":"1"}}',
    headers: { 'content-type': 'application/merge-patch+json' },
  });
  assert.equal(force.status, 422);
  assert.match(JSON.parse(force.body).message, /force: Forbidden: may not be specified for non-apply patch/);
});

test('duplicate fields: rejected under Strict, a warning under Warn', async () => {
  const body = '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"dup"},"data":{"a":"1","a":"2"}}';
  const json = { 'content-type': 'application/json' };
  const strict = await server.request('POST', `/api/v1/namespaces/${ns}/configmaps?fieldValidation=Strict`, { body, headers: json });
  assert.equal(strict.status, 400);
  assert.equal(JSON.parse(strict.body).message, 'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: duplicate field "data.a"');
  const warn = await server.request('POST', `/api/v1/namespaces/${ns}/configmaps?fieldValidation=Warn`, { body, headers: json });
  assert.equal(warn.status, 201);
  assert.equal(String(warn.headers.warning), '299 - "duplicate field \\"data.a\\""');
  assert.equal(JSON.parse(warn.body).data.a, '2');
  const yaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dupy\n  name: dupy\n';
  const strictYaml = await server.request('POST', `/api/v1/namespaces/${ns}/configmaps?fieldValidation=Strict`, { body: yaml, headers: { 'content-type': 'application/yaml' } });
  assert.equal(strictYaml.status, 400);
  assert.match(JSON.parse(strictYaml.body).message, /duplicate field "metadata.name"/);
  const patch = await server.request('PATCH', `/api/v1/namespaces/${ns}/configmaps/dup?fieldValidation=Strict`, {
    body: '{"data":{"b":"1","b":"2"}}',
    headers: { 'content-type': 'application/merge-patch+json' },
  });
  assert.equal(patch.status, 422);
  assert.match(JSON.parse(patch.body).message, /strict decoding error: duplicate field "data.b"/);
});

test('apply to the status subresource owns status only, recorded with subresource "status"', async () => {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  await core.createNamespacedService({ namespace: ns, body: { metadata: { name: 'st' }, spec: { ports: [{ port: 80 }] } } });
  const condition = { type: 'Checked', status: 'True', reason: 'Probe', message: 'ok', lastTransitionTime: '2026-01-01T00:00:00Z' };
  const body = JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'st' }, spec: { ports: [{ port: 81 }] }, status: { conditions: [condition] } });
  const headers = { 'content-type': 'application/apply-patch+yaml' };
  const r = await server.request('PATCH', `/api/v1/namespaces/${ns}/services/st/status?fieldManager=status-writer`, { body, headers });
  assert.equal(r.status, 200, r.body);
  const out = await core.readNamespacedService({ name: 'st', namespace: ns });
  assert.equal(out.spec!.ports![0]!.port, 80, 'spec is not changed through status');
  assert.equal(out.status!.conditions![0]!.reason, 'Probe');
  const entry = out.metadata!.managedFields!.find((m) => m.manager === 'status-writer')!;
  assert.equal(entry.subresource, 'status');
  assert.equal(entry.operation, 'Apply');
  assert.deepEqual(entry.fieldsV1, {
    'f:status': { 'f:conditions': { 'k:{"type":"Checked"}': { '.': {}, 'f:lastTransitionTime': {}, 'f:message': {}, 'f:reason': {}, 'f:status': {}, 'f:type': {} } } },
  });
  const missing = await server.request('PATCH', `/api/v1/namespaces/${ns}/services/nope/status?fieldManager=s`, { body: body.replace('"st"', '"nope"'), headers });
  assert.equal(missing.status, 404, 'no create-on-apply through a subresource');
});
