// One object of every served kind: created from one file, then listed, shown wide, described
// and printed as YAML by kubectl 1.27, 1.32 and 1.33, then deleted with the same file.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startK8ts, type TestServer } from '../support/k8ts-server.js';
import { Kubectl, type KubectlVersion } from '../support/kubectl.js';

const fixture = join(import.meta.dirname, '../../../test/e2e/fixtures/every-kind.yaml');

/** resource, object name, namespaced, expected header of `kubectl get` (when checked). */
const kinds: [string, string, boolean, RegExp?][] = [
  ['pods', 'pod1', true, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/],
  ['services', 'svc1', true, /^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE$/],
  ['endpoints', 'ep1', true, /^NAME\s+ENDPOINTS\s+AGE$/],
  ['configmaps', 'cm1', true, /^NAME\s+DATA\s+AGE$/],
  ['secrets', 'secret1', true, /^NAME\s+TYPE\s+DATA\s+AGE$/],
  ['serviceaccounts', 'sa1', true, /^NAME\s+SECRETS\s+AGE$/],
  ['nodes', 'node-kinds', false, /^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION$/],
  ['events', 'ev1', true],
  ['persistentvolumes', 'pv1', false],
  ['persistentvolumeclaims', 'pvc1', true],
  ['limitranges', 'lr1', true],
  ['resourcequotas', 'rq1', true],
  ['replicationcontrollers', 'rc1', true, /^NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE$/],
  ['deployments.apps', 'deploy1', true, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/],
  ['replicasets.apps', 'rs1', true, /^NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE$/],
  ['statefulsets.apps', 'sts1', true, /^NAME\s+READY\s+AGE$/],
  ['daemonsets.apps', 'ds1', true, /^NAME\s+DESIRED\s+CURRENT\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+NODE SELECTOR\s+AGE$/],
  ['controllerrevisions.apps', 'cr1', true],
  ['jobs.batch', 'job1', true],
  ['cronjobs.batch', 'cj1', true],
  ['ingresses.networking.k8s.io', 'ing1', true, /^NAME\s+CLASS\s+HOSTS\s+ADDRESS\s+PORTS\s+AGE$/],
  ['ingressclasses.networking.k8s.io', 'ic-kinds', false],
  ['networkpolicies.networking.k8s.io', 'np1', true, /^NAME\s+POD-SELECTOR\s+AGE$/],
  ['roles.rbac.authorization.k8s.io', 'role1', true],
  ['rolebindings.rbac.authorization.k8s.io', 'rb1', true],
  ['clusterroles.rbac.authorization.k8s.io', 'cr-kinds', false],
  ['clusterrolebindings.rbac.authorization.k8s.io', 'crb-kinds', false],
  ['storageclasses.storage.k8s.io', 'sc-kinds', false],
  ['leases.coordination.k8s.io', 'lease1', true],
  ['endpointslices.discovery.k8s.io', 'eps1', true],
  ['events.events.k8s.io', 'ev2', true],
  ['poddisruptionbudgets.policy', 'pdb1', true],
  ['horizontalpodautoscalers.autoscaling', 'hpa1', true],
  ['priorityclasses.scheduling.k8s.io', 'pc-kinds', false],
];

let server: TestServer;
before(async () => {
  server = await startK8ts();
});
after(async () => {
  await server?.cleanup();
});

test('kubectl 1.33 creates one object of every kind from one file', async () => {
  const k = new Kubectl('1.33', server.kubeconfig);
  const out = await k.ok(['create', '-f', fixture]);
  assert.equal(out.trim().split('\n').length, kinds.length + 1, out);
});

for (const version of ['1.27', '1.32', '1.33'] as KubectlVersion[]) {
  test(`kubectl ${version} gets, describes and prints every kind`, async () => {
    const k = new Kubectl(version, server.kubeconfig);
    for (const [resource, name, namespaced, header] of kinds) {
      const ns = namespaced ? ['-n', 'kinds'] : [];
      const table = await k.ok(['get', resource, ...ns]);
      if (header) assert.match(table.split('\n')[0]!, header, `${resource} header`);
      // Event tables have no NAME column: rows show the object the event is about.
      const row = resource.startsWith('events') ? /\spod\/pod1\s/ : new RegExp(`^${name}\\s`, 'm');
      assert.match(table, row, `${resource} row`);
      const wide = await k.ok(['get', resource, name, ...ns, '-o', 'wide']);
      assert.match(wide, resource.startsWith('events') ? new RegExp(`\\s${name}\\s`) : row, `${resource} wide`);
      const yaml = await k.ok(['get', resource, name, ...ns, '-o', 'yaml']);
      assert.match(yaml, new RegExp(`^  name: ${name}$`, 'm'), `${resource} yaml`);
      const described = await k.ok(['describe', resource, name, ...ns]);
      assert.match(described, new RegExp(`^Name:\\s+${name}$`, 'm'), `${resource} describe`);
    }
  });
}

test('events.k8s.io and core events are one store seen in two versions', async () => {
  const k = new Kubectl('1.33', server.kubeconfig);
  const core = JSON.parse(await k.ok(['get', 'events', 'ev2', '-n', 'kinds', '-o', 'json']));
  assert.equal(core.message, 'a second event');
  assert.equal(core.involvedObject.name, 'pod1');
  const v1 = JSON.parse(await k.ok(['get', 'events.events.k8s.io', 'ev1', '-n', 'kinds', '-o', 'json']));
  assert.equal(v1.note, 'an event for the test');
  assert.equal(v1.regarding.name, 'pod1');
});

test('get all lists the workload kinds of a namespace', async () => {
  const k = new Kubectl('1.33', server.kubeconfig);
  const all = await k.ok(['get', 'all', '-n', 'kinds']);
  for (const shown of ['pod/pod1', 'service/svc1', 'replicationcontroller/rc1', 'daemonset.apps/ds1', 'deployment.apps/deploy1', 'replicaset.apps/rs1', 'statefulset.apps/sts1', 'cronjob.batch/cj1', 'job.batch/job1', 'horizontalpodautoscaler.autoscaling/hpa1']) {
    assert.match(all, new RegExp(`^${shown.replace('.', '\\.')}\\s`, 'm'), shown);
  }
});

test('delete -f removes every object, the namespace with its content', async () => {
  const k = new Kubectl('1.33', server.kubeconfig);
  // The namespace comes first in the file, and its content may be gone before kubectl asks.
  await k.ok(['delete', '-f', fixture, '--ignore-not-found', '--wait=true', '--timeout=60s']);
  const left = await k.run(['get', 'ns', 'kinds']);
  assert.match(left.stderr, /namespaces "kinds" not found/);
  for (const [resource, name, namespaced] of kinds) {
    if (namespaced) continue;
    const r = await k.run(['get', resource, name]);
    assert.equal(r.code, 1, `${resource}/${name} is gone`);
  }
});
