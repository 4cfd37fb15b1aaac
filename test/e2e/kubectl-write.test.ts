// Imperative commands a user types: kubectl create …, label, annotate, scale and delete,
// with kubectl 1.27 (JSON bodies), 1.32 and 1.33 (protobuf bodies for `create`).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startK8ts, type TestServer } from '../support/k8ts-server.js';
import { Kubectl, type KubectlVersion } from '../support/kubectl.js';

const versions: KubectlVersion[] = ['1.27', '1.32', '1.33'];

let server: TestServer;
let files: string;
before(async () => {
  server = await startK8ts();
  files = mkdtempSync(join(tmpdir(), 'k8ts-e2e-files-'));
  writeFileSync(join(files, 'app.properties'), 'color=blue\nsize=10\n');
  writeFileSync(join(files, 'app.env'), '# comment\nMODE=fast\nLEVEL=3\n');
});
after(async () => {
  await server?.cleanup();
  rmSync(files, { recursive: true, force: true });
});

for (const version of versions) {
  describe(`kubectl ${version}`, () => {
    const ns = `w-${version.replace('.', '-')}`;
    let k: Kubectl;
    before(() => {
      k = new Kubectl(version, server.kubeconfig);
    });

    test('create namespace, configmaps, secret, deployment and service', async () => {
      assert.equal((await k.ok(['create', 'namespace', ns])).trim(), `namespace/${ns} created`);
      await k.ok(['create', 'configmap', 'lit', '-n', ns, '--from-literal=a=1', '--from-literal=b=two']);
      await k.ok(['create', 'configmap', 'file', '-n', ns, `--from-file=${join(files, 'app.properties')}`]);
      await k.ok(['create', 'configmap', 'env', '-n', ns, `--from-env-file=${join(files, 'app.env')}`]);
      await k.ok(['create', 'secret', 'generic', 'pw', '-n', ns, '--from-literal=password=hunter2']);
      await k.ok(['create', 'deployment', 'api', '-n', ns, '--image=busybox:1.36', '--replicas=2', '--port=8080']);
      await k.ok(['create', 'service', 'clusterip', 'api', '-n', ns, '--tcp=80:8080']);

      const lit = JSON.parse(await k.ok(['get', 'cm', 'lit', '-n', ns, '-o', 'json']));
      assert.deepEqual(lit.data, { a: '1', b: 'two' });
      const file = JSON.parse(await k.ok(['get', 'cm', 'file', '-n', ns, '-o', 'json']));
      assert.deepEqual(file.data, { 'app.properties': 'color=blue\nsize=10\n' });
      const env = JSON.parse(await k.ok(['get', 'cm', 'env', '-n', ns, '-o', 'json']));
      assert.deepEqual(env.data, { MODE: 'fast', LEVEL: '3' });
      const pw = JSON.parse(await k.ok(['get', 'secret', 'pw', '-n', ns, '-o', 'json']));
      assert.equal(pw.type, 'Opaque');
      assert.equal(Buffer.from(pw.data.password, 'base64').toString(), 'hunter2');
      const deploy = JSON.parse(await k.ok(['get', 'deploy', 'api', '-n', ns, '-o', 'json']));
      assert.equal(deploy.spec.replicas, 2);
      assert.equal(deploy.spec.template.spec.containers[0].image, 'busybox:1.36');
      assert.equal(deploy.spec.template.spec.containers[0].ports[0].containerPort, 8080);
      assert.equal(deploy.metadata.generation, 1);
      assert.equal(deploy.spec.strategy.rollingUpdate.maxSurge, '25%');
      const svc = JSON.parse(await k.ok(['get', 'svc', 'api', '-n', ns, '-o', 'json']));
      assert.match(svc.spec.clusterIP, /^10\.43\.\d+\.\d+$/);
      assert.equal(svc.spec.ports[0].targetPort, 8080);
      assert.deepEqual(svc.spec.selector, { app: 'api' });
    });

    test('label, annotate and scale', async () => {
      assert.match(await k.ok(['label', 'cm', 'lit', '-n', ns, 'team=blue']), /configmap\/lit labeled/);
      const taken = await k.run(['label', 'cm', 'lit', '-n', ns, 'team=red']);
      assert.notEqual(taken.code, 0);
      assert.match(taken.stderr, /already has a value \(blue\), and --overwrite is false/);
      await k.ok(['label', 'cm', 'lit', '-n', ns, 'team=red', '--overwrite']);
      await k.ok(['annotate', 'cm', 'lit', '-n', ns, 'owner=ops']);
      const lit = JSON.parse(await k.ok(['get', 'cm', 'lit', '-n', ns, '-o', 'json']));
      assert.equal(lit.metadata.labels.team, 'red');
      assert.equal(lit.metadata.annotations.owner, 'ops');
      await k.ok(['label', 'cm', 'lit', '-n', ns, 'team-']);
      const unlabeled = JSON.parse(await k.ok(['get', 'cm', 'lit', '-n', ns, '-o', 'json']));
      assert.equal(unlabeled.metadata.labels?.team, undefined);

      assert.match(await k.ok(['scale', 'deployment/api', '-n', ns, '--replicas=5']), /deployment\.apps\/api scaled/);
      const scaled = JSON.parse(await k.ok(['get', 'deploy', 'api', '-n', ns, '-o', 'json']));
      assert.equal(scaled.spec.replicas, 5);
      assert.equal(scaled.metadata.generation, 2);
      await k.ok(['scale', 'deployment/api', '-n', ns, '--replicas=3', '--current-replicas=5']);
      const wrong = await k.run(['scale', 'deployment/api', '-n', ns, '--replicas=1', '--current-replicas=7']);
      assert.notEqual(wrong.code, 0);
      assert.match(wrong.stderr, /Expected replicas to be 7, was 3/);
    });

    test('delete by name, by file, by label and --all', async () => {
      assert.match(await k.ok(['delete', 'cm', 'lit', '-n', ns]), /configmap "lit" deleted/);
      const gone = await k.run(['get', 'cm', 'lit', '-n', ns]);
      assert.equal(gone.code, 1);
      assert.match(gone.stderr, /Error from server \(NotFound\): configmaps "lit" not found/);

      const doc = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-file\n  namespace: ${ns}\ndata:\n  k: v\n`;
      await k.ok(['create', '-f', '-'], { input: doc });
      assert.match(await k.ok(['delete', '-f', '-'], { input: doc }), /configmap "from-file" deleted/);

      await k.ok(['create', 'configmap', 'l1', '-n', ns]);
      await k.ok(['create', 'configmap', 'l2', '-n', ns]);
      await k.ok(['label', 'cm', 'l1', 'l2', '-n', ns, 'batch=x']);
      const byLabel = await k.ok(['delete', 'cm', '-n', ns, '-l', 'batch=x']);
      assert.match(byLabel, /configmap "l1" deleted/);
      assert.match(byLabel, /configmap "l2" deleted/);

      await k.ok(['delete', 'cm', '-n', ns, '--all']);
      const left = await k.ok(['get', 'cm', '-n', ns, '-o', 'name']);
      assert.doesNotMatch(left, /configmap\/(file|env)\b/);
    });

    test('deleting a namespace removes what it holds', async () => {
      const out = await k.ok(['delete', 'namespace', ns, '--wait=true', '--timeout=60s']);
      assert.match(out, new RegExp(`namespace "${ns}" deleted`));
      const ns1 = await k.run(['get', 'ns', ns]);
      assert.match(ns1.stderr, new RegExp(`namespaces "${ns}" not found`));
      const leftovers = await k.ok(['get', 'deploy,svc,secret,cm', '-A', '-o', 'name', '--field-selector', `metadata.namespace=${ns}`]);
      assert.equal(leftovers.trim(), '');
      const create = await k.run(['create', 'configmap', 'late', '-n', ns]);
      assert.match(create.stderr, new RegExp(`namespaces "${ns}" not found`));
    });
  });
}
