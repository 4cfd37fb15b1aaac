// Declarative management with the real kubectl (1.27, 1.32, 1.33): client-side and server-side
// apply, diff, prune, edit, patch, set, label/annotate, replace, dry runs and explain.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startK8ts, type TestServer } from '../support/k8ts-server.js';
import { Kubectl, type KubectlVersion } from '../support/kubectl.js';

const versions: KubectlVersion[] = ['1.27', '1.32', '1.33'];

let server: TestServer;
let dir: string;
before(async () => {
  server = await startK8ts();
  dir = mkdtempSync(join(tmpdir(), 'k8ts-e2e-apply-'));
});
after(async () => {
  await server?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

/** The Deployment + Service file of the acceptance scenario, in two versions. */
function appFile(ns: string, v: 1 | 2): string {
  const labels = v === 1 ? '{app: web, tier: fe}' : '{app: web}';
  const image = v === 1 ? 'nginx:1.26' : 'nginx:1.27';
  const env = v === 1 ? '[{name: A, value: "1"}]' : '[{name: A, value: "1"}, {name: B, value: "2"}]';
  const ports = v === 1 ? '[{name: http, port: 80, targetPort: 80}, {name: https, port: 443, targetPort: 443}]' : '[{name: http, port: 80, targetPort: 80}]';
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: ${ns}, labels: ${labels}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: web, image: "${image}", env: ${env}}
      - {name: side, image: "busybox:1.36", command: [sleep, "3600"]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: ${ns}}
spec:
  selector: {app: web}
  ports: ${ports}
`;
}

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

type Json = Record<string, any>;

for (const version of versions) {
  describe(`kubectl ${version}`, () => {
    const ns = `ap-${version.replace('.', '-')}`;
    let k: Kubectl;
    // kubectl hides managedFields in every output format unless asked.
    const getJson = async (...args: string[]): Promise<Json> => JSON.parse(await k.ok(['get', ...args, '-n', ns, '-o', 'json', '--show-managed-fields']));
    before(async () => {
      k = new Kubectl(version, server.kubeconfig);
      await k.ok(['create', 'namespace', ns]);
    });

    test('apply, diff, apply again: exactly the file changes appear; a no-op apply changes nothing', async () => {
      const v1 = write(`app1-${ns}.yaml`, appFile(ns, 1));
      const v2 = write(`app2-${ns}.yaml`, appFile(ns, 2));
      assert.match(await k.ok(['apply', '-f', v1]), /deployment.apps\/web created\nservice\/web created/);
      // A field set by someone else (not in the file) must survive the next applies.
      await k.ok(['annotate', 'deploy', 'web', '-n', ns, 'team=blue']);
      const before = await getJson('deploy', 'web');
      assert.equal(before.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'].includes('"nginx:1.26"'), true);

      assert.match(await k.ok(['apply', '-f', v1]), /deployment.apps\/web unchanged\nservice\/web unchanged/);
      const same = await getJson('deploy', 'web');
      assert.equal(same.metadata.resourceVersion, before.metadata.resourceVersion);
      assert.equal(same.metadata.generation, before.metadata.generation);

      const diff = await k.run(['diff', '-f', v2]);
      assert.equal(diff.code, 1, diff.stderr);
      assert.match(diff.stdout, /^-\s+image: nginx:1\.26$/m);
      assert.match(diff.stdout, /^\+\s+image: nginx:1\.27$/m);
      assert.match(diff.stdout, /^-\s+tier: fe$/m);
      assert.match(diff.stdout, /^\+\s+- name: B$/m);
      assert.match(diff.stdout, /^-\s+- name: https$/m);
      assert.equal((await getJson('deploy', 'web')).metadata.resourceVersion, before.metadata.resourceVersion, 'diff wrote nothing');

      assert.match(await k.ok(['apply', '-f', v2]), /deployment.apps\/web configured\nservice\/web configured/);
      const d = await getJson('deploy', 'web');
      assert.deepEqual(d.metadata.labels, { app: 'web' });
      assert.equal(d.metadata.annotations.team, 'blue');
      assert.equal(d.metadata.generation, before.metadata.generation + 1);
      const [web, side] = d.spec.template.spec.containers;
      assert.equal(web.name, 'web');
      assert.equal(web.image, 'nginx:1.27');
      assert.deepEqual(web.env, [{ name: 'A', value: '1' }, { name: 'B', value: '2' }]);
      assert.equal(web.imagePullPolicy, 'IfNotPresent', 'defaulted fields stay');
      assert.deepEqual(side, before.spec.template.spec.containers[1], 'the other container is untouched');
      assert.equal(d.spec.replicas, 2);
      const svc = await getJson('svc', 'web');
      assert.deepEqual(svc.spec.ports.map((p: Json) => p.name), ['http']);
      assert.equal(svc.spec.clusterIP, (await getJson('svc', 'web')).spec.clusterIP);
      const managers = d.metadata.managedFields.map((m: Json) => `${m.manager}/${m.operation}`);
      assert.ok(managers.includes('kubectl-client-side-apply/Update'), managers.join());
      assert.ok(managers.includes('kubectl-annotate/Update'), managers.join());
    });

    test('server-side apply: two managers conflict with 409, --force-conflicts takes over, managedFields shows both', async () => {
      const cm = (data: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: shared, namespace: ${ns}}\ndata: {${data}}\n`;
      const a = write(`ssa-a-${ns}.yaml`, cm('color: red, size: L'));
      const b = write(`ssa-b-${ns}.yaml`, cm('color: blue'));
      assert.equal((await k.ok(['apply', '--server-side', '--field-manager=a', '-f', a])).trim(), 'configmap/shared serverside-applied');
      const rv = (await getJson('cm', 'shared')).metadata.resourceVersion;
      await k.ok(['apply', '--server-side', '--field-manager=a', '-f', a]);
      assert.equal((await getJson('cm', 'shared')).metadata.resourceVersion, rv, 'a no-op apply does not write');

      const conflict = await k.run(['apply', '--server-side', '--field-manager=b', '-f', b]);
      assert.equal(conflict.code, 1);
      assert.match(conflict.stderr, /Apply failed with 1 conflict: conflict with "a": \.data\.color/);
      assert.match(conflict.stderr, /--force-conflicts/);
      assert.equal((await getJson('cm', 'shared')).data.color, 'red');

      await k.ok(['apply', '--server-side', '--field-manager=b', '--force-conflicts', '-f', b]);
      const out = await getJson('cm', 'shared');
      assert.equal(out.data.color, 'blue');
      const byManager = Object.fromEntries(out.metadata.managedFields.map((m: Json) => [m.manager, m]));
      assert.deepEqual(Object.keys(byManager).sort(), ['a', 'b']);
      assert.equal(byManager.b.operation, 'Apply');
      assert.deepEqual(byManager.b.fieldsV1, { 'f:data': { 'f:color': {} } });
      assert.deepEqual(byManager.a.fieldsV1, { 'f:data': { 'f:size': {} } }, 'a keeps what b did not take');

      const yaml = await k.ok(['get', 'cm', 'shared', '-n', ns, '-o', 'yaml']);
      assert.doesNotMatch(yaml, /managedFields/);
      const shown = await k.ok(['get', 'cm', 'shared', '-n', ns, '-o', 'yaml', '--show-managed-fields']);
      assert.match(shown, /manager: b\n\s+operation: Apply/);
    });

    test('server-side apply of a Deployment: containers merge by name, dropped fields go', async () => {
      const dep = (image: string, extra: string) =>
        `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ssa, namespace: ${ns}}\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: ssa}}\n  template:\n    metadata: {labels: {app: ssa}}\n    spec:\n      containers: [{name: c, image: "${image}", ports: [{containerPort: 80}]${extra}}]\n`;
      await k.ok(['apply', '--server-side', '-f', write(`ssa1-${ns}.yaml`, dep('nginx:1.26', ', env: [{name: X, value: "1"}]'))]);
      await k.ok(['set', 'image', 'deploy/ssa', '-n', ns, 'c=nginx:1.25']);
      const conflict = await k.run(['apply', '--server-side', '-f', write(`ssa2-${ns}.yaml`, dep('nginx:1.27', ''))]);
      assert.match(conflict.stderr, /conflict with "kubectl-set" using apps\/v1: \.spec\.template\.spec\.containers\[name="c"\]\.image/);
      await k.ok(['apply', '--server-side', '--force-conflicts', '-f', join(dir, `ssa2-${ns}.yaml`)]);
      const c = (await getJson('deploy', 'ssa')).spec.template.spec.containers[0];
      assert.equal(c.image, 'nginx:1.27');
      assert.equal(c.env, undefined, 'env dropped from the configuration is removed');
      assert.deepEqual(c.ports, [{ containerPort: 80, protocol: 'TCP' }]);
    });

    test('client-side apply, then server-side apply of the same file: ownership moves, nothing is lost', async () => {
      const file = write(`csa-${ns}.yaml`, appFile(ns, 2).replace(/name: web/g, 'name: moved'));
      await k.ok(['apply', '-f', file]);
      const before = await getJson('deploy', 'moved');
      const dry = await k.ok(['apply', '--server-side', '--dry-run=server', '-f', file]);
      assert.match(dry, /deployment.apps\/moved serverside-applied \(server dry run\)/);
      const diff = await k.run(['diff', '--server-side', '-f', file]);
      assert.equal(diff.code, 0, diff.stdout + diff.stderr);
      await k.ok(['apply', '--server-side', '-f', file]);
      const after = await getJson('deploy', 'moved');
      assert.deepEqual(after.spec, before.spec);
      assert.deepEqual(after.metadata.labels, before.metadata.labels);
      const kubectl = after.metadata.managedFields.find((m: Json) => m.manager === 'kubectl' && m.operation === 'Apply');
      assert.ok(kubectl, JSON.stringify(after.metadata.managedFields));
      assert.equal(after.metadata.managedFields.some((m: Json) => m.manager === 'kubectl-client-side-apply'), false);
      const svc = await getJson('svc', 'moved');
      assert.deepEqual(svc.spec.ports.map((p: Json) => p.name), ['http']);
    });

    test('apply --prune -l removes objects dropped from the file', async () => {
      const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, namespace: ${ns}, labels: {set: pruned}}\ndata: {k: v}\n`;
      await k.ok(['apply', '-l', 'set=pruned', '--prune', '-f', write(`prune1-${ns}.yaml`, `${cm('keep')}---\n${cm('drop')}`)]);
      const out = await k.ok(['apply', '-n', ns, '-l', 'set=pruned', '--prune', '-f', write(`prune2-${ns}.yaml`, cm('keep'))]);
      assert.match(out, /configmap\/drop pruned/);
      const names = (await getJson('cm', '-l', 'set=pruned')).items.map((i: Json) => i.metadata.name);
      assert.deepEqual(names, ['keep']);
    });

    test('edit with an EDITOR script', async () => {
      await k.ok(['create', 'deployment', 'ed', '-n', ns, '--image=nginx:1.26']);
      const editor = write(`editor-${ns}.sh`, '#!/bin/sh\nsed -i "s/image: nginx:1.26/image: nginx:1.28/" "$1"\n');
      chmodSync(editor, 0o755);
      const r = await k.run(['edit', 'deploy/ed', '-n', ns], { env: { EDITOR: editor, KUBE_EDITOR: editor } });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /deployment.apps\/ed edited/);
      const d = await getJson('deploy', 'ed');
      assert.equal(d.spec.template.spec.containers[0].image, 'nginx:1.28');
      assert.ok(d.metadata.managedFields.some((m: Json) => m.manager === 'kubectl-edit'));
    });

    test('patch (strategic, merge, json) and set image/env/resources, label --overwrite, annotate', async () => {
      await k.ok(['create', 'deployment', 'pt', '-n', ns, '--image=nginx:1.26', '--replicas=1']);
      await k.ok(['patch', 'deploy', 'pt', '-n', ns, '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","env":[{"name":"S","value":"1"}]}]}}}}']);
      await k.ok(['patch', 'deploy', 'pt', '-n', ns, '--type=merge', '-p', '{"spec":{"replicas":3}}']);
      await k.ok(['patch', 'deploy', 'pt', '-n', ns, '--type=json', '-p', '[{"op":"add","path":"/spec/minReadySeconds","value":5}]']);
      await k.ok(['set', 'image', 'deploy/pt', '-n', ns, 'nginx=nginx:1.27']);
      await k.ok(['set', 'env', 'deploy/pt', '-n', ns, 'MODE=fast']);
      await k.ok(['set', 'resources', 'deploy/pt', '-n', ns, '--limits=cpu=200m,memory=128Mi']);
      await k.ok(['label', 'deploy', 'pt', '-n', ns, 'tier=fe']);
      const clash = await k.run(['label', 'deploy', 'pt', '-n', ns, 'tier=be']);
      assert.notEqual(clash.code, 0);
      await k.ok(['label', 'deploy', 'pt', '-n', ns, 'tier=be', '--overwrite']);
      await k.ok(['annotate', 'deploy', 'pt', '-n', ns, 'note=hello']);
      const d = await getJson('deploy', 'pt');
      const c = d.spec.template.spec.containers[0];
      assert.equal(d.spec.replicas, 3);
      assert.equal(d.spec.minReadySeconds, 5);
      assert.equal(c.image, 'nginx:1.27');
      assert.deepEqual(c.env, [{ name: 'S', value: '1' }, { name: 'MODE', value: 'fast' }]);
      assert.deepEqual(c.resources.limits, { cpu: '200m', memory: '128Mi' });
      assert.equal(d.metadata.labels.tier, 'be');
      assert.equal(d.metadata.annotations.note, 'hello');
      const managers = new Set(d.metadata.managedFields.map((m: Json) => m.manager));
      for (const m of ['kubectl-create', 'kubectl-patch', 'kubectl-set', 'kubectl-label', 'kubectl-annotate']) assert.ok(managers.has(m), m);
    });

    test('replace, replace --force, create --save-config, dry runs', async () => {
      const cm = (v: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: rp, namespace: ${ns}}\ndata: {v: "${v}"}\n`;
      await k.ok(['create', '--save-config', '-f', write(`rp1-${ns}.yaml`, cm('1'))]);
      const created = await getJson('cm', 'rp');
      assert.match(created.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'], /"v":"1"/);
      await k.ok(['replace', '-f', write(`rp2-${ns}.yaml`, cm('2'))]);
      const replaced = await getJson('cm', 'rp');
      assert.equal(replaced.data.v, '2');
      assert.equal(replaced.metadata.uid, created.metadata.uid);
      assert.match(await k.ok(['replace', '--force', '-f', write(`rp3-${ns}.yaml`, cm('3'))]), /configmap "rp" deleted\nconfigmap\/rp replaced/);
      const forced = await getJson('cm', 'rp');
      assert.equal(forced.data.v, '3');
      assert.notEqual(forced.metadata.uid, created.metadata.uid);

      assert.match(await k.ok(['apply', '--dry-run=server', '-f', write(`rp4-${ns}.yaml`, cm('4'))]), /configmap\/rp configured \(server dry run\)/);
      assert.equal((await getJson('cm', 'rp')).data.v, '3');
      await k.ok(['create', 'configmap', 'dry', '-n', ns, '--from-literal=a=1', '--dry-run=server']);
      assert.equal((await k.run(['get', 'cm', 'dry', '-n', ns])).code, 1);

      const yaml = await k.ok(['create', 'deployment', 'piped', '-n', ns, '--image=nginx:1.26', '-o', 'yaml', '--dry-run=client']);
      assert.match(await k.ok(['apply', '-f', '-'], { input: yaml }), /deployment.apps\/piped created/);
      assert.equal((await getJson('deploy', 'piped')).spec.template.spec.containers[0].image, 'nginx:1.26');
    });

    test('a misspelled field is reported, and rejected under --validate=strict', async () => {
      const bad = write(
        `bad-${ns}.yaml`,
        `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: bad, namespace: ${ns}}\nspec:\n  replicaz: 2\n  selector: {matchLabels: {app: bad}}\n  template:\n    metadata: {labels: {app: bad}}\n    spec: {containers: [{name: c, image: busybox}]}\n`,
      );
      for (const flags of [[], ['--validate=strict']]) {
        const r = await k.run(['apply', ...flags, '-f', bad]);
        assert.equal(r.code, 1);
        assert.match(r.stderr, /unknown field "spec.replicaz"/);
      }
      const warn = await k.run(['apply', '--validate=warn', '-f', bad]);
      assert.equal(warn.code, 0, warn.stderr);
      assert.match(warn.stderr, /unknown field "spec.replicaz"/);
      assert.equal((await getJson('deploy', 'bad')).spec.replicas, 1);
    });

    test('explain prints descriptions and --recursive schemas', async () => {
      const probe = await k.ok(['explain', 'pod.spec.containers.livenessProbe']);
      assert.match(probe, /FIELD:\s+livenessProbe <Probe>/);
      assert.match(probe, /container is alive/);
      assert.match(probe, /periodSeconds\s+<integer>\n\s+Seconds between probes/);
      const rec = await k.ok(['explain', 'deployment', '--recursive']);
      assert.match(rec, /KIND:\s+Deployment/);
      assert.match(rec, /^\s+maxSurge\s+<IntOrString>$/m);
      assert.match(rec, /^\s+livenessProbe\s+<Probe>$/m);
    });
  });
}
