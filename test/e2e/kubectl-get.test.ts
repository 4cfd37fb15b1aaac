// A new user's first session: create from a multi-document file, then read it back every way
// `kubectl get` can print, with kubectl 1.27, 1.32 and 1.33 against a real `k8ts server`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { startK8ts, type TestServer } from '../support/k8ts-server.js';
import { Kubectl, type KubectlVersion } from '../support/kubectl.js';

const versions: KubectlVersion[] = ['1.27', '1.32', '1.33'];

function manifest(ns: string): string {
  return `apiVersion: v1
kind: Namespace
metadata:
  name: ${ns}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${ns}
  labels: {app: web, tier: frontend}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports:
        - containerPort: 80
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: ${ns}
  labels: {app: web}
spec:
  selector: {app: web}
  ports:
  - port: 80
    targetPort: 80
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: ${ns}
  labels: {tier: config}
data:
  mode: production
  level: debug
---
apiVersion: v1
kind: Secret
metadata:
  name: creds
  namespace: ${ns}
type: Opaque
stringData:
  password: s3cret
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: ${ns}
spec:
  rules:
  - host: web.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: web
            port:
              number: 80
`;
}

let server: TestServer;
before(async () => {
  // The built-in ingress controller would fill the Ingress ADDRESS column these tables pin down.
  server = await startK8ts({ extraArgs: ['--disable', 'ingress'] });
});
after(async () => {
  await server?.cleanup();
});

for (const version of versions) {
  describe(`kubectl ${version}`, () => {
    const ns = `demo-${version.replace('.', '-')}`;
    let k: Kubectl;
    before(async () => {
      k = new Kubectl(version, server.kubeconfig);
    });

    test('creates every object of a multi-document file', async () => {
      const out = await k.ok(['create', '-f', '-'], { input: manifest(ns) });
      assert.match(out, new RegExp(`namespace/${ns} created`));
      assert.match(out, /deployment\.apps\/web created/);
      assert.match(out, /service\/web created/);
      assert.match(out, /configmap\/settings created/);
      assert.match(out, /secret\/creds created/);
      assert.match(out, /ingress\.networking\.k8s\.io\/web created/);
    });

    test('prints tables with Kubernetes columns, wide columns and labels', async () => {
      const deploy = await k.ok(['get', 'deploy', '-n', ns]);
      assert.match(deploy.split('\n')[0]!, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/);
      // No nodes run the pods here; UP-TO-DATE is 2 once the deployment controller made its ReplicaSet.
      assert.match(deploy, /^web\s+0\/2\s+[02]\s+0\s+\d+s$/m);
      const wide = await k.ok(['get', 'deployments', '-n', ns, '-o', 'wide']);
      assert.match(wide.split('\n')[0]!, /CONTAINERS\s+IMAGES\s+SELECTOR$/);
      assert.match(wide, /web\s+nginx:1\.27\s+app=web/);
      const svc = await k.ok(['get', 'svc', 'web', '-n', ns]);
      assert.match(svc.split('\n')[0]!, /^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE$/);
      assert.match(svc, /^web\s+ClusterIP\s+10\.43\.\d+\.\d+\s+<none>\s+80\/TCP\s+\d+s$/m);
      const cm = await k.ok(['get', 'cm', '-n', ns, '--show-labels']);
      assert.match(cm, /^settings\s+2\s+\d+s\s+tier=config$/m);
      const labelled = await k.ok(['get', 'cm,deploy,svc', '-n', ns, '-l', 'app=web', '-o', 'name']);
      assert.deepEqual(labelled.trim().split('\n').sort(), ['deployment.apps/web', 'service/web']);
      const secret = await k.ok(['get', 'secret', 'creds', '-n', ns]);
      assert.match(secret, /^creds\s+Opaque\s+1\s+\d+s$/m);
      const ing = await k.ok(['get', 'ing', '-n', ns]);
      assert.match(ing, /^web\s+<none>\s+web\.example\.com\s+80\s+\d+s$/m);
    });

    test('yaml, json, jsonpath and custom-columns output', async () => {
      const yaml = await k.ok(['get', 'cm', 'settings', '-n', ns, '-o', 'yaml']);
      assert.match(yaml, /^kind: ConfigMap$/m);
      assert.match(yaml, /^ {2}mode: production$/m);
      assert.match(yaml, /^ {2}resourceVersion: "\d+"$/m);
      assert.match(yaml, /^ {2}uid: [0-9a-f-]{36}$/m);
      const json = JSON.parse(await k.ok(['get', 'secret', 'creds', '-n', ns, '-o', 'json']));
      assert.equal(Buffer.from(json.data.password, 'base64').toString(), 's3cret');
      assert.equal(json.stringData, undefined);
      const jp = await k.ok(['get', 'deploy', 'web', '-n', ns, '-o', 'jsonpath={.spec.template.spec.containers[0].image} {.spec.strategy.type}']);
      assert.equal(jp, 'nginx:1.27 RollingUpdate');
      const cc = await k.ok(['get', 'svc', '-n', ns, '-o', 'custom-columns=NAME:.metadata.name,PORT:.spec.ports[0].port,TYPE:.spec.type']);
      assert.match(cc, /^NAME\s+PORT\s+TYPE\nweb\s+80\s+ClusterIP\n$/);
    });

    test('field selectors, all namespaces and get all', async () => {
      const byName = await k.ok(['get', 'cm', '-n', ns, '--field-selector', 'metadata.name=settings', '-o', 'name']);
      assert.equal(byName.trim(), 'configmap/settings');
      const secrets = await k.ok(['get', 'secrets', '-A', '--field-selector', 'type=Opaque']);
      assert.match(secrets.split('\n')[0]!, /^NAMESPACE\s+NAME\s+TYPE\s+DATA\s+AGE$/);
      assert.match(secrets, new RegExp(`^${ns}\\s+creds\\s+Opaque\\s+1`, 'm'));
      const bad = await k.run(['get', 'cm', '-n', ns, '--field-selector', 'spec.nothing=x']);
      assert.notEqual(bad.code, 0);
      assert.match(bad.stderr, /field label not supported: spec\.nothing/);
      const all = await k.ok(['get', 'all', '-n', ns]);
      assert.match(all, /service\/web\s+ClusterIP/);
      assert.match(all, /deployment\.apps\/web\s+0\/2/);
      const none = await k.run(['get', 'pods', '-n', ns, '-l', 'app=nothing']);
      assert.equal(none.code, 0);
      assert.match(none.stderr, new RegExp(`No resources found in ${ns} namespace\\.`));
    });

    test('describe shows each kind', async () => {
      for (const what of ['deployment/web', 'service/web', 'configmap/settings', 'secret/creds', 'ingress/web']) {
        const out = await k.ok(['describe', what, '-n', ns]);
        assert.match(out, /^Name:\s+(web|settings|creds)$/m, what);
        assert.match(out, new RegExp(`^Namespace:\\s+${ns}$`, 'm'), what);
      }
      const ns1 = await k.ok(['describe', 'ns', ns]);
      assert.match(ns1, /^Status:\s+Active$/m);
    });

    test('get -w prints each change as it happens', async () => {
      const child = spawn(k.binary, ['--kubeconfig', k.kubeconfig, '--cache-dir', k.cacheDir, 'get', 'cm', '-n', ns, '-w', '--output-watch-events'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      const waitFor = async (re: RegExp) => {
        const deadline = Date.now() + 20_000;
        while (!re.test(out)) {
          if (Date.now() > deadline) throw new Error(`watch output never matched ${re}: ${out}`);
          await new Promise((r) => setTimeout(r, 50));
        }
      };
      try {
        await waitFor(/ADDED\s+settings/);
        await k.ok(['create', 'configmap', 'watched', '-n', ns, '--from-literal=a=b']);
        await waitFor(/ADDED\s+watched\s+1/);
        await k.ok(['label', 'cm', 'watched', '-n', ns, 'seen=yes']);
        await waitFor(/MODIFIED\s+watched\s+1/);
        await k.ok(['delete', 'cm', 'watched', '-n', ns]);
        await waitFor(/DELETED\s+watched\s+1/);
      } finally {
        child.kill('SIGTERM');
      }
    });

    test('discovery commands', async () => {
      const res = await k.ok(['api-resources']);
      assert.match(res, /^pods\s+po\s+v1\s+true\s+Pod$/m);
      assert.match(res, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
      assert.match(res, /^namespaces\s+ns\s+v1\s+false\s+Namespace$/m);
      const versionsOut = await k.ok(['api-versions']);
      for (const gv of ['v1', 'apps/v1', 'batch/v1', 'networking.k8s.io/v1', 'rbac.authorization.k8s.io/v1', 'autoscaling/v2', 'policy/v1']) {
        assert.match(versionsOut, new RegExp(`^${gv.replace('.', '\\.')}$`, 'm'));
      }
      const v = JSON.parse(await k.ok(['version', '-o', 'json']));
      assert.equal(v.serverVersion.major, '1');
      assert.equal(v.serverVersion.minor, '33');
      const ci = await k.ok(['cluster-info']);
      assert.match(ci, /Kubernetes control plane.* is running at .*https:\/\/127\.0\.0\.1:\d+/);
    });
  });
}
