// Bad input gets Kubernetes' answer and loses nothing: the server keeps serving and what was
// stored before is still there afterwards.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startK8ts, type TestServer } from '../support/k8ts-server.js';
import { Kubectl } from '../support/kubectl.js';

let server: TestServer;
let k: Kubectl;
before(async () => {
  server = await startK8ts();
  k = new Kubectl('1.33', server.kubeconfig);
  await k.ok(['create', 'configmap', 'keep', '--from-literal=a=b']);
});
after(async () => {
  await server?.cleanup();
});

test('an unknown kind', async () => {
  const r = await k.run(['create', '-f', '-'], { input: 'apiVersion: v1\nkind: Gizmo\nmetadata:\n  name: g\n' });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /no matches for kind "Gizmo" in version "v1"/);
  const get = await k.run(['get', 'gizmos']);
  assert.match(get.stderr, /the server doesn't have a resource type "gizmos"/);
});

test('an invalid name is a 422 with the field cause', async () => {
  const r = await k.run(['create', 'configmap', 'Bad_Name']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /ConfigMap "Bad_Name" is invalid: metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of/);
  const raw = await server.request('POST', '/api/v1/namespaces/default/configmaps', {
    body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Bad_Name' } }),
    headers: { 'Content-Type': 'application/json' },
  });
  assert.equal(raw.status, 422);
  const status = JSON.parse(raw.body);
  assert.equal(status.kind, 'Status');
  assert.equal(status.reason, 'Invalid');
  assert.equal(status.details.causes[0].field, 'metadata.name');
  assert.equal(status.details.causes[0].reason, 'FieldValueInvalid');
});

test('a missing required field', async () => {
  const r = await k.run(['create', '-f', '-', '--validate=false'], {
    input: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  selector:\n    matchLabels: {a: b}\n  template:\n    metadata:\n      labels: {a: b}\n    spec:\n      containers: []\n',
  });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /The Deployment "d" is invalid: spec\.template\.spec\.containers: Required value/);
  const pod = await k.run(['run', 'noimage', '--image=', '--restart=Never']);
  assert.notEqual(pod.code, 0);
});

test('malformed YAML and JSON', async () => {
  const yaml = await k.run(['create', '-f', '-'], { input: 'apiVersion: v1\nkind: ConfigMap\nmetadata: [unclosed\n' });
  assert.notEqual(yaml.code, 0);
  assert.match(yaml.stderr, /error (converting YAML to JSON|parsing)/);
  const raw = await server.request('POST', '/api/v1/namespaces/default/configmaps', { body: '{"apiVersion":"v1",', headers: { 'Content-Type': 'application/json' } });
  assert.equal(raw.status, 400);
  assert.equal(JSON.parse(raw.body).reason, 'BadRequest');
  const wrongKind = await server.request('POST', '/api/v1/namespaces/default/configmaps', {
    body: JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' } }),
    headers: { 'Content-Type': 'application/json' },
  });
  assert.equal(wrongKind.status, 400);
  assert.match(JSON.parse(wrongKind.body).message, /the API version in the data \(apps\/v1\) does not match the expected API version \(v1\)/);
});

test('a stale resourceVersion is a 409 Conflict', async () => {
  const cm = JSON.parse(await k.ok(['get', 'cm', 'keep', '-o', 'json']));
  await k.ok(['label', 'cm', 'keep', 'v=2']);
  cm.data.a = 'stale';
  const r = await k.run(['replace', '-f', '-'], { input: JSON.stringify(cm) });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Operation cannot be fulfilled on configmaps "keep": the object has been modified; please apply your changes to the latest version and try again/);
  const now = JSON.parse(await k.ok(['get', 'cm', 'keep', '-o', 'json']));
  assert.equal(now.data.a, 'b');
});

test('a 10 MB body is refused with 413 and the server keeps serving', async () => {
  const big = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'huge' }, data: { blob: 'x'.repeat(10 * 1024 * 1024) } });
  const r = await server.request('POST', '/api/v1/namespaces/default/configmaps', { body: big, headers: { 'Content-Type': 'application/json' } });
  assert.equal(r.status, 413);
  const status = JSON.parse(r.body);
  assert.equal(status.reason, 'RequestEntityTooLarge');
  assert.match(status.message, /Request entity too large: limit is 3145728/);
  const viaKubectl = await k.run(['create', '-f', '-'], { input: big });
  assert.notEqual(viaKubectl.code, 0);
  const after = JSON.parse(await k.ok(['get', 'cm', 'keep', '-o', 'json']));
  assert.equal(after.data.a, 'b');
  assert.equal(server.process.exitCode, null, 'server still running');
});

test('unknown paths, methods and selectors', async () => {
  const nf = await server.request('GET', '/apis/nope.example.com/v1/things');
  assert.equal(nf.status, 404);
  assert.equal(JSON.parse(nf.body).message, 'the server could not find the requested resource');
  const sel = await server.request('GET', '/api/v1/configmaps?labelSelector=' + encodeURIComponent('a in (b'));
  assert.equal(sel.status, 400);
  const cont = await server.request('GET', '/api/v1/configmaps?limit=1&continue=garbage');
  assert.equal(cont.status, 400);
  const missing = await k.run(['get', 'cm', 'nope']);
  assert.match(missing.stderr, /Error from server \(NotFound\): configmaps "nope" not found/);
});
