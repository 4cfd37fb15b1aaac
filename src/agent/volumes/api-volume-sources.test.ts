// ApiVolumeSources against a real `k8ts server`: per-object watches, change events, retain,
// and TokenRequests bound to a pod.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startK8ts, type TestServer } from '../../../test/support/k8ts-server.js';
import { RestClient, restConfigFromKubeconfig } from '../../client/rest-client.js';
import type { KubeObject } from '../../api/types.js';
import { ApiVolumeSources } from './api-volume-sources.js';

let server: TestServer;
let client: RestClient;

before(async () => {
  server = await startK8ts();
  client = new RestClient(restConfigFromKubeconfig(server.kubeconfig));
});
after(() => server?.cleanup());

async function until(what: string, fn: () => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!fn()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('ConfigMaps and Secrets are watched by name; changes are heard; retain ends watches', async () => {
  const sources = new ApiVolumeSources(client);
  const heard: string[] = [];
  sources.setChangeHandler((k) => heard.push(k));
  try {
    assert.equal(await sources.configMap('default', 'app'), undefined);
    await client.create('/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app' }, data: { a: '1' } });
    await client.create('/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'other' }, data: { a: '1' } });
    await until('add heard', () => heard.includes('configmaps/default/app'));
    assert.equal(((await sources.configMap('default', 'app')) as unknown as { data: Record<string, string> }).data.a, '1');
    await client.patch('/api/v1/namespaces/default/configmaps/app', { data: { a: '2' } });
    await until('update heard', () => heard.filter((k) => k === 'configmaps/default/app').length >= 2);
    assert.equal(((await sources.configMap('default', 'app')) as unknown as { data: Record<string, string> }).data.a, '2');
    // Only the named object is watched.
    assert.ok(!heard.includes('configmaps/default/other'));
    await client.create('/api/v1/namespaces/default/secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { k: Buffer.from('v').toString('base64') } });
    assert.ok(await sources.secret('default', 's'));
    assert.deepEqual(sources.watchedKeys().sort(), ['configmaps/default/app', 'secrets/default/s']);
    sources.retain(new Set(['secrets/default/s']));
    assert.deepEqual(sources.watchedKeys(), ['secrets/default/s']);
  } finally {
    sources.stop();
  }
});

test('a token from the TokenRequest API, bound to the pod', async () => {
  const sources = new ApiVolumeSources(client);
  for (let i = 0; i < 100; i++) {
    try {
      await client.get('/api/v1/namespaces/default/serviceaccounts/default');
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const pod = await client.create<KubeObject>('/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
  const { token, expiresAt } = await sources.serviceAccountToken(pod, 'vault', 600);
  const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
  assert.deepEqual(claims.aud, ['vault']);
  assert.equal(claims['kubernetes.io'].pod.uid, pod.metadata.uid);
  assert.ok(Math.abs(expiresAt - claims.exp * 1000) < 1000);
  assert.equal(await sources.persistentVolumeClaim('default', 'nope'), undefined);
  assert.equal(await sources.persistentVolume('nope'), undefined);
});
