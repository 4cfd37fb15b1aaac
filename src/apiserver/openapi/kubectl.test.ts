// The real kubectl against the OpenAPI handlers: with them, every version from 1.27 to 1.33
// leaves validation to the server (fieldValidation=Strict), and `explain` reads the schemas.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinResources } from '../../api/resources.js';
import { openSqliteStore } from '../../storage/sqlite-store.js';
import { systemClock } from '../../util/clock.js';
import { ResourceCatalog } from '../registry/catalog.js';
import { Kubectl, type KubectlVersion } from '../../../test/support/kubectl.js';
import { startStubServer, type StubServer } from './test-support.js';

const MISSPELLED = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicaz: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx
        imagePullPolicyy: Always
`;

const store = openSqliteStore(':memory:');
let server: StubServer;
let files: string;
const kubectls: Kubectl[] = [];

function kubectl(version: KubectlVersion): Kubectl {
  const k = new Kubectl(version, server.kubeconfig);
  kubectls.push(k);
  return k;
}

before(async () => {
  server = await startStubServer(new ResourceCatalog(builtinResources, store, systemClock));
  files = mkdtempSync(join(tmpdir(), 'k8ts-openapi-kubectl-'));
  writeFileSync(join(files, 'web.yaml'), MISSPELLED);
});

after(async () => {
  await server?.close();
  await store.close();
  rmSync(files, { recursive: true, force: true });
  for (const k of kubectls) rmSync(k.cacheDir, { recursive: true, force: true });
});

const versions: KubectlVersion[] = ['1.27', '1.28', '1.29', '1.30', '1.31', '1.32', '1.33'];

describe('kubectl create -f sends fieldValidation=Strict and prints the server error', () => {
  for (const version of versions) {
    test(`kubectl ${version}`, async () => {
      const seen = server.requests.length;
      const r = await kubectl(version).run(['create', '-f', join(files, 'web.yaml')]);
      const posts = server.requests.slice(seen).filter((q) => q.method === 'POST');
      assert.equal(posts.length, 1, r.stderr);
      assert.equal(posts[0]!.path, '/apis/apps/v1/namespaces/default/deployments');
      assert.equal(posts[0]!.query.get('fieldValidation'), 'Strict');
      assert.equal(r.code, 1);
      assert.match(
        r.stderr,
        /Error from server \(BadRequest\): error when creating ".*web\.yaml": Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec\.replicaz", unknown field "spec\.template\.spec\.containers\[0\]\.imagePullPolicyy"/,
      );
      if (version === '1.27' || version === '1.28') {
        const v2 = server.requests.slice(seen).find((q) => q.path === '/openapi/v2');
        assert.ok(v2, 'kubectl 1.27/1.28 fetch /openapi/v2 first');
        assert.match(v2.accept, /application\/com\.github\.proto-openapi\.spec\.v2@v1\.0\+protobuf/);
      }
    });
  }
});

test('kubectl 1.33 --validate=warn gets the unknown fields back as warnings', async () => {
  const seen = server.requests.length;
  const r = await kubectl('1.33').run(['create', '-f', join(files, 'web.yaml'), '--validate=warn']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(server.requests.slice(seen).find((q) => q.method === 'POST')?.query.get('fieldValidation'), 'Warn');
  assert.match(r.stderr, /Warning: unknown field "spec\.replicaz"/);
  assert.match(r.stderr, /Warning: unknown field "spec\.template\.spec\.containers\[0\]\.imagePullPolicyy"/);
  assert.match(r.stdout, /deployment\.apps\/web created/);
});

for (const version of ['1.27', '1.33'] as const) {
  test(`kubectl ${version} explain reads the v3 schemas`, async () => {
    const replicas = await kubectl(version).ok(['explain', 'deployment.spec.replicas']);
    assert.match(replicas, /GROUP:\s+apps/);
    assert.match(replicas, /KIND:\s+Deployment/);
    assert.match(replicas, /VERSION:\s+v1/);
    assert.match(replicas, /FIELD:\s+replicas\s+<integer>/);

    const container = await kubectl(version).ok(['explain', 'pods.spec.containers']);
    assert.match(container, /FIELD:\s+containers\s+<\[\]Container>/);
    assert.match(container, /name\s+<string> -required-/);
    assert.match(container, /resources\s+<ResourceRequirements>/);

    const surge = await kubectl(version).ok(['explain', 'deployment.spec.strategy.rollingUpdate.maxSurge']);
    assert.match(surge, /FIELD:\s+maxSurge\s+<IntOrString>/);
  });
}
