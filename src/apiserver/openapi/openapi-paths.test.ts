import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { builtinResources } from '../../api/resources.js';
import { openSqliteStore } from '../../storage/sqlite-store.js';
import { systemClock } from '../../util/clock.js';
import { ResourceCatalog } from '../registry/catalog.js';
import type { ResourceDefinition } from '../registry/resource.js';
import type { OpenApiV3Document } from './document-v3.js';
import { OpenApiService } from './openapi-service.js';
import { SchemaRegistry } from './schema-registry.js';
import { startStubServer, type StubServer } from './test-support.js';

const store = openSqliteStore(':memory:');
const catalog = new ResourceCatalog(builtinResources, store, systemClock);
let server: StubServer;

before(async () => {
  server = await startStubServer(catalog);
});
after(async () => {
  await server.close();
  await store.close();
});

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${server.url}${path}`, { headers, redirect: 'manual' });

async function index(): Promise<Record<string, { serverRelativeURL: string }>> {
  const res = await get('/openapi/v3');
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/json');
  assert.match(res.headers.get('etag') ?? '', /^"[0-9A-F]{128}"$/);
  return ((await res.json()) as { paths: Record<string, { serverRelativeURL: string }> }).paths;
}

test('/openapi/v3 lists every served group-version with a hashed URL, sorted', async () => {
  const paths = await index();
  const served = catalog.groups.flatMap((g) => g.versions.map((v) => (g.name ? `apis/${g.name}/${v}` : `api/${v}`)));
  assert.deepEqual(Object.keys(paths), served.sort());
  assert.ok(Object.keys(paths).includes('apis/apps/v1'));
  assert.match(paths['apis/apps/v1']!.serverRelativeURL, /^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]{128}$/);
});

test('a hashed document is immutable-cacheable, its ETag the SHA-512 of the body', async () => {
  const url = (await index())['apis/apps/v1']!.serverRelativeURL;
  const res = await get(url, { Accept: 'application/json' });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/json');
  assert.equal(res.headers.get('cache-control'), 'public, immutable');
  assert.ok(res.headers.get('expires'));
  const body = Buffer.from(await res.arrayBuffer());
  const hash = createHash('sha512').update(body).digest('hex').toUpperCase();
  assert.equal(res.headers.get('etag'), `"${hash}"`);
  assert.equal(url.split('hash=')[1], hash);

  const again = await get(url, { 'If-None-Match': `"${hash}"` });
  assert.equal(again.status, 304);
  const stale = await get('/openapi/v3/apis/apps/v1?hash=0123');
  assert.equal(stale.status, 301);
  assert.equal(stale.headers.get('location'), url);
  const unhashed = await get('/openapi/v3/apis/apps/v1');
  assert.equal(unhashed.status, 200);
  assert.equal(unhashed.headers.get('cache-control'), null);
});

test('unknown group-versions are 404s, protobuf-only clients get 406, writes 405', async () => {
  const missing = await get('/openapi/v3/apis/nope/v1');
  assert.equal(missing.status, 404);
  assert.equal(((await missing.json()) as { message: string }).message, 'the server could not find the requested resource');
  const pb = await get('/openapi/v3/apis/apps/v1', { Accept: 'application/com.github.proto-openapi.spec.v3.v1.0+protobuf' });
  assert.equal(pb.status, 406);
  const post = await fetch(`${server.url}/openapi/v3`, { method: 'POST', body: '{}' });
  assert.equal(post.status, 405);
});

test('every create, replace and patch declares fieldValidation and names its kind', async () => {
  const doc = (await (await get('/openapi/v3/apis/apps/v1')).json()) as OpenApiV3Document;
  const item = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}']!;
  assert.deepEqual(item.patch!['x-kubernetes-group-version-kind'], { group: 'apps', version: 'v1', kind: 'Deployment' });
  assert.equal(item.patch!['x-kubernetes-action'], 'patch');
  assert.equal(item.patch!.operationId, 'patchAppsV1NamespacedDeployment');
  assert.deepEqual(Object.keys(item.patch!.requestBody!.content), ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json']);
  let writes = 0;
  for (const [path, p] of Object.entries(doc.paths)) {
    for (const op of [p.post, p.put, p.patch]) {
      if (!op) continue;
      writes++;
      assert.ok(op.parameters?.some((q) => q.name === 'fieldValidation' && q.in === 'query'), `${path} ${op.operationId}`);
    }
  }
  assert.ok(writes > 20);
  const scale = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale']!;
  assert.deepEqual(scale.patch!['x-kubernetes-group-version-kind'], { group: 'autoscaling', version: 'v1', kind: 'Scale' });
  assert.deepEqual(doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/status']!.put!['x-kubernetes-group-version-kind'], { group: 'apps', version: 'v1', kind: 'Deployment' });
  assert.equal(doc.paths['/apis/apps/v1/deployments']!.get!.operationId, 'listAppsV1DeploymentForAllNamespaces');

  // Components: the kinds, everything they reach, and nothing from other groups' kinds.
  const schemas = doc.components.schemas;
  assert.ok(schemas['io.k8s.api.apps.v1.Deployment'] && schemas['io.k8s.api.core.v1.PodSpec'] && schemas['io.k8s.api.autoscaling.v1.Scale']);
  assert.ok(schemas['io.k8s.apimachinery.pkg.util.intstr.IntOrString'] && schemas['io.k8s.apimachinery.pkg.apis.meta.v1.Patch']);
  assert.equal(schemas['io.k8s.api.core.v1.Service'], undefined);
  assert.deepEqual(Object.keys(schemas), Object.keys(schemas).sort());
});

test('cluster-scoped and core resources', async () => {
  const doc = (await (await get('/openapi/v3/api/v1')).json()) as OpenApiV3Document;
  const ns = doc.paths['/api/v1/namespaces/{name}']!;
  assert.equal(ns.get!.operationId, 'readCoreV1Namespace');
  assert.deepEqual(ns.parameters!.map((p) => p.name), ['name', 'pretty']);
  assert.equal(doc.paths['/api/v1/namespaces/{namespace}/pods']!.post!.operationId, 'createCoreV1NamespacedPod');
  assert.equal(doc.paths['/api/v1/namespaces/{namespace}/pods']!.delete!.operationId, 'deleteCoreV1CollectionNamespacedPod');
});

test('/openapi/v2: the protobuf stub for kubectl, a Swagger 2.0 document as JSON', async () => {
  const pb = await get('/openapi/v2', { Accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' });
  assert.equal(pb.status, 200);
  assert.equal(pb.headers.get('content-type'), 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
  assert.deepEqual([...Buffer.from(await pb.arrayBuffer())], [0x0a, 0x03, 0x32, 0x2e, 0x30]);
  const legacy = await get('/swagger-2.0.0.pb-v1');
  assert.deepEqual([...Buffer.from(await legacy.arrayBuffer())], [0x0a, 0x03, 0x32, 0x2e, 0x30]);

  const res = await get('/openapi/v2', { Accept: 'application/json' });
  assert.equal(res.headers.get('content-type'), 'application/json');
  const text = await res.text();
  assert.ok(!text.includes('#/components/schemas/'));
  const doc = JSON.parse(text) as { swagger: string; paths: Record<string, any>; definitions: Record<string, any> };
  assert.equal(doc.swagger, '2.0');
  assert.deepEqual(doc.definitions['io.k8s.apimachinery.pkg.util.intstr.IntOrString'].type, 'string');
  assert.equal(doc.definitions['io.k8s.apimachinery.pkg.util.intstr.IntOrString'].format, 'int-or-string');
  assert.equal(doc.definitions['io.k8s.api.core.v1.PodSpec'].properties.containers.items.$ref, '#/definitions/io.k8s.api.core.v1.Container');
  const patch = doc.paths['/api/v1/namespaces/{namespace}/pods/{name}'].patch;
  assert.equal(patch.parameters[0].in, 'body');
  assert.ok(patch.parameters.some((p: { name: string; type?: string }) => p.name === 'fieldValidation' && p.type === 'string'));
  assert.deepEqual(patch['x-kubernetes-group-version-kind'], { group: '', version: 'v1', kind: 'Pod' });
});

test('kinds without a schema get a placeholder; registering one changes the document', () => {
  const widget: ResourceDefinition = { group: 'example.com', version: 'v1', kind: 'Widget', plural: 'widgets', singular: 'widget', namespaced: true };
  const registry = new SchemaRegistry();
  const service = new OpenApiService({ all: () => [{ def: widget }] }, registry);
  const first = service.groupVersion('apis/example.com/v1')!;
  const doc = JSON.parse(first.body.toString()) as OpenApiV3Document;
  const placeholder = doc.components.schemas['com.example.v1.Widget']!;
  assert.equal(placeholder['x-kubernetes-preserve-unknown-fields'], true);
  assert.ok(doc.components.schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']);
  assert.ok(doc.paths['/apis/example.com/v1/namespaces/{namespace}/widgets/{name}']!.patch!.parameters!.some((p) => p.name === 'fieldValidation'));

  registry.add({ 'com.example.v1.Widget': { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } }, 'x-kubernetes-group-version-kind': [{ group: 'example.com', version: 'v1', kind: 'Widget' }] } });
  const second = service.groupVersion('apis/example.com/v1')!;
  assert.notEqual(second.hash, first.hash);
  assert.match(service.discovery().body.toString(), new RegExp(second.hash));
});
