// The official JavaScript client lists, watches and deletes objects unchanged.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { startK8ts, type TestServer } from '../support/k8ts-server.js';

let server: TestServer;
let kc: k8s.KubeConfig;
before(async () => {
  server = await startK8ts();
  kc = new k8s.KubeConfig();
  kc.loadFromFile(server.kubeconfig);
});
after(async () => {
  await server?.cleanup();
});

test('typed clients create, list, patch and delete', async () => {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  await core.createNamespace({ body: { metadata: { name: 'cn' } } });
  await core.createNamespacedConfigMap({ namespace: 'cn', body: { metadata: { name: 'a', labels: { app: 'x' } }, data: { k: 'v' } } });
  await core.createNamespacedConfigMap({ namespace: 'cn', body: { metadata: { name: 'b' }, data: { k: 'w' } } });
  await apps.createNamespacedDeployment({
    namespace: 'cn',
    body: {
      metadata: { name: 'web' },
      spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } } },
    },
  });
  const list = await core.listNamespacedConfigMap({ namespace: 'cn', labelSelector: 'app=x' });
  assert.deepEqual(list.items.map((i) => i.metadata?.name), ['a']);
  const dep = await apps.readNamespacedDeployment({ name: 'web', namespace: 'cn' });
  assert.equal(dep.spec?.replicas, 1);
  assert.equal(dep.spec?.template.spec?.containers[0]?.imagePullPolicy, 'Always');
  const scaled = await apps.patchNamespacedDeploymentScale(
    { name: 'web', namespace: 'cn', body: { spec: { replicas: 4 } } },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
  );
  assert.equal(scaled.spec?.replicas, 4);
  await core.deleteNamespacedConfigMap({ name: 'b', namespace: 'cn' });
  const after = await core.listNamespacedConfigMap({ namespace: 'cn' });
  assert.deepEqual(after.items.map((i) => i.metadata?.name).filter((n) => n !== 'kube-root-ca.crt'), ['a']);
});

test('watch delivers ADDED, MODIFIED and DELETED', async () => {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: 'cw' } } });
  const seen: string[] = [];
  const watch = new k8s.Watch(kc);
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const req = await watch.watch(
    '/api/v1/namespaces/cw/configmaps',
    {},
    (type: string, obj: k8s.V1ConfigMap) => {
      if (obj.metadata?.name === 'kube-root-ca.crt') return; // published into every namespace
      seen.push(`${type} ${obj.metadata?.name} ${obj.data?.k ?? ''}`.trim());
      if (type === 'DELETED') done();
    },
    () => {},
  );
  await new Promise((r) => setTimeout(r, 200));
  await core.createNamespacedConfigMap({ namespace: 'cw', body: { metadata: { name: 'w' }, data: { k: '1' } } });
  await core.replaceNamespacedConfigMap({ name: 'w', namespace: 'cw', body: { metadata: { name: 'w' }, data: { k: '2' } } });
  await core.deleteNamespacedConfigMap({ name: 'w', namespace: 'cw' });
  await finished;
  req.abort();
  assert.deepEqual(seen, ['ADDED w 1', 'MODIFIED w 2', 'DELETED w 2']);
});

test('an informer lists then follows changes', async () => {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: 'ci' } } });
  await core.createNamespacedConfigMap({ namespace: 'ci', body: { metadata: { name: 'pre' } } });
  const informer = k8s.makeInformer(kc, '/api/v1/namespaces/ci/configmaps', () => core.listNamespacedConfigMap({ namespace: 'ci' }));
  const names = new Set<string>();
  informer.on('add', (o: k8s.V1ConfigMap) => names.add(o.metadata!.name!));
  informer.on('delete', (o: k8s.V1ConfigMap) => names.delete(o.metadata!.name!));
  await informer.start();
  await core.createNamespacedConfigMap({ namespace: 'ci', body: { metadata: { name: 'post' } } });
  await core.deleteNamespacedConfigMap({ name: 'pre', namespace: 'ci' });
  const deadline = Date.now() + 10_000;
  while (!(names.has('post') && !names.has('pre')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await informer.stop();
  names.delete('kube-root-ca.crt'); // published into every namespace
  assert.deepEqual([...names], ['post']);
});
