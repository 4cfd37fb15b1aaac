// The strategic merge patches real kubectl commands send, applied to live objects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { strategicMergePatch } from './strategic-merge.js';
import { DEPLOYMENT, NODE, SERVICE, at, deployment, node, put, service } from './strategic-merge-fixtures.js';
import { ApiError } from '../errors.js';

const CONTAINERS = 'spec.template.spec.containers';

test('kubectl apply: 3-way patch changes replicas and image, deletes a container, updates last-applied', () => {
  const lastApplied = '{"apiVersion":"apps/v1","kind":"Deployment","spec":{"replicas":3}}\n';
  const patch = {
    metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': lastApplied } },
    spec: {
      replicas: 3,
      template: {
        spec: {
          '$setElementOrder/containers': [{ name: 'web' }],
          containers: [{ image: 'nginx:1.27', name: 'web' }, { $patch: 'delete', name: 'sidecar' }],
        },
      },
    },
  };
  const out = strategicMergePatch(deployment(), patch, DEPLOYMENT);

  const want = deployment();
  // Annotation keys contain dots, so no dotted path here.
  (at(want, 'metadata.annotations') as Record<string, unknown>)['kubectl.kubernetes.io/last-applied-configuration'] = lastApplied;
  put(want, 'spec.replicas', 3);
  const web = (at(want, CONTAINERS) as Record<string, unknown>[])[0]!;
  put(want, CONTAINERS, [{ ...web, image: 'nginx:1.27' }]);
  assert.deepEqual(out, want);
});

test('kubectl apply: adds a container and an env var where $setElementOrder puts them', () => {
  const patch = {
    spec: {
      template: {
        spec: {
          '$setElementOrder/containers': [{ name: 'web' }, { name: 'sidecar' }, { name: 'metrics' }],
          containers: [
            {
              '$setElementOrder/env': [{ name: 'MODE' }, { name: 'LOG_LEVEL' }, { name: 'CACHE' }],
              env: [{ name: 'CACHE', value: 'on' }],
              name: 'web',
            },
            { image: 'prom/nginx-exporter:1.1', name: 'metrics' },
          ],
        },
      },
    },
  };
  const out = strategicMergePatch(deployment(), patch, DEPLOYMENT);
  assert.deepEqual(
    (at(out, CONTAINERS) as { name: string }[]).map((c) => c.name),
    ['web', 'sidecar', 'metrics'],
  );
  assert.deepEqual(at(out, `${CONTAINERS}.0.env`), [
    { name: 'MODE', value: 'prod' },
    { name: 'LOG_LEVEL', value: 'info' },
    { name: 'CACHE', value: 'on' },
  ]);
  assert.deepEqual(at(out, `${CONTAINERS}.1`), at(deployment(), `${CONTAINERS}.1`));
});

test('kubectl set image: only the named container changes', () => {
  const single = deployment();
  put(single, CONTAINERS, [at(single, `${CONTAINERS}.0`)]);
  const patch = { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'web' }], containers: [{ image: 'nginx:1.27', name: 'web' }] } } } };
  const want = structuredClone(single);
  put(want, `${CONTAINERS}.0.image`, 'nginx:1.27');
  assert.deepEqual(strategicMergePatch(single, patch, DEPLOYMENT), want);

  // With two containers kubectl lists both in $setElementOrder.
  const both = { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'web' }, { name: 'sidecar' }], containers: [{ image: 'busybox:1.37', name: 'sidecar' }] } } } };
  const want2 = deployment();
  put(want2, `${CONTAINERS}.1.image`, 'busybox:1.37');
  assert.deepEqual(strategicMergePatch(deployment(), both, DEPLOYMENT), want2);
});

test('kubectl rollout restart / pause / resume', () => {
  const restart = { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2025-06-01T12:00:00Z' } } } } };
  const restarted = strategicMergePatch(deployment(), restart, DEPLOYMENT);
  assert.deepEqual(at(restarted, 'spec.template.metadata'), {
    labels: { app: 'web' },
    annotations: { 'kubectl.kubernetes.io/restartedAt': '2025-06-01T12:00:00Z' },
  });
  assert.deepEqual(at(restarted, CONTAINERS), at(deployment(), CONTAINERS));

  const paused = strategicMergePatch(deployment(), { spec: { paused: true } }, DEPLOYMENT);
  assert.equal(at(paused, 'spec.paused'), true);
  const resumed = strategicMergePatch(paused, { spec: { paused: null } }, DEPLOYMENT);
  assert.deepEqual(resumed, deployment());
});

test('kubectl set env: adds by name, and FOO- deletes with $patch delete', () => {
  const add = {
    spec: {
      template: {
        spec: {
          '$setElementOrder/containers': [{ name: 'web' }, { name: 'sidecar' }],
          containers: [
            {
              '$setElementOrder/env': [{ name: 'MODE' }, { name: 'LOG_LEVEL' }, { name: 'FOO' }],
              env: [{ name: 'LOG_LEVEL', value: 'debug' }, { name: 'FOO', value: 'bar' }],
              name: 'web',
            },
          ],
        },
      },
    },
  };
  const added = strategicMergePatch(deployment(), add, DEPLOYMENT);
  assert.deepEqual(at(added, `${CONTAINERS}.0.env`), [
    { name: 'MODE', value: 'prod' },
    { name: 'LOG_LEVEL', value: 'debug' },
    { name: 'FOO', value: 'bar' },
  ]);
  assert.deepEqual(at(added, `${CONTAINERS}.1.env`), [{ name: 'TARGET', value: '/data/access.log' }]);

  const remove = {
    spec: {
      template: {
        spec: {
          '$setElementOrder/containers': [{ name: 'web' }, { name: 'sidecar' }],
          containers: [{ '$setElementOrder/env': [{ name: 'MODE' }, { name: 'LOG_LEVEL' }], env: [{ $patch: 'delete', name: 'FOO' }], name: 'web' }],
        },
      },
    },
  };
  const removed = strategicMergePatch(added, remove, DEPLOYMENT);
  assert.deepEqual(at(removed, `${CONTAINERS}.0.env`), [
    { name: 'MODE', value: 'prod' },
    { name: 'LOG_LEVEL', value: 'debug' },
  ]);
});

test('kubectl patch (strategic by default): adds a container port, keeping the image and the rest', () => {
  const patch = { spec: { template: { spec: { containers: [{ name: 'web', ports: [{ containerPort: 8080 }] }] } } } };
  const out = strategicMergePatch(deployment(), patch, DEPLOYMENT);
  const want = deployment();
  // Kubernetes puts items new to the server ahead of the untouched ones.
  put(want, `${CONTAINERS}.0.ports`, [{ containerPort: 8080 }, { name: 'http', containerPort: 80, protocol: 'TCP' }]);
  assert.deepEqual(out, want);

  // A new container likewise lands first; existing ones keep their order.
  const added = strategicMergePatch(deployment(), { spec: { template: { spec: { containers: [{ name: 'debug', image: 'alpine' }] } } } }, DEPLOYMENT);
  assert.deepEqual(
    (at(added, CONTAINERS) as { name: string }[]).map((c) => c.name),
    ['debug', 'web', 'sidecar'],
  );
});

test('kubectl patch without the merge key fails like Kubernetes', () => {
  const patch = { spec: { template: { spec: { containers: [{ image: 'httpd' }] } } } };
  assert.throws(
    () => strategicMergePatch(deployment(), patch, DEPLOYMENT),
    (e: unknown) =>
      e instanceof ApiError && e.code === 500 && e.reason === ('' as string) && e.message === 'map: map[image:httpd] does not contain declared merge key: name',
  );
});

test('service ports merge by port', () => {
  const retarget = strategicMergePatch(service(), { spec: { ports: [{ port: 80, targetPort: 9090 }] } }, SERVICE);
  assert.deepEqual(at(retarget, 'spec.ports'), [
    { name: 'http', port: 80, protocol: 'TCP', targetPort: 9090 },
    { name: 'https', port: 443, protocol: 'TCP', targetPort: 8443 },
  ]);

  const added = strategicMergePatch(service(), { spec: { ports: [{ name: 'metrics', port: 9100, targetPort: 9100 }] } }, SERVICE);
  assert.deepEqual(
    (at(added, 'spec.ports') as { port: number }[]).map((p) => p.port),
    [9100, 80, 443],
  );

  const dropped = strategicMergePatch(service(), { spec: { ports: [{ $patch: 'delete', port: 443 }], selector: { tier: 'fe' } } }, SERVICE);
  assert.deepEqual(at(dropped, 'spec.ports'), [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }]);
  assert.deepEqual(at(dropped, 'spec.selector'), { app: 'web', tier: 'fe' });
  assert.deepEqual(at(dropped, 'spec.clusterIPs'), ['10.43.0.17']);
});

test('kubectl cordon / uncordon', () => {
  const cordoned = strategicMergePatch(node(), { spec: { unschedulable: true } }, NODE);
  const want = node();
  put(want, 'spec.unschedulable', true);
  assert.deepEqual(cordoned, want);
  assert.deepEqual(strategicMergePatch(cordoned, { spec: { unschedulable: null } }, NODE), node());
});

test('node status: kubelet heartbeat patches conditions by type', () => {
  const patch = {
    status: {
      '$setElementOrder/conditions': [{ type: 'MemoryPressure' }, { type: 'DiskPressure' }, { type: 'Ready' }],
      conditions: [
        { lastHeartbeatTime: '2025-06-01T10:00:40Z', reason: 'KubeletHasNoDiskPressure', status: 'False', type: 'DiskPressure' },
        { lastHeartbeatTime: '2025-06-01T10:00:40Z', type: 'Ready' },
      ],
      addresses: [{ type: 'InternalIP', address: '192.168.1.22' }],
    },
  };
  const out = strategicMergePatch(node(), patch, NODE);
  assert.deepEqual(at(out, 'status.conditions'), [
    { type: 'MemoryPressure', status: 'False', lastHeartbeatTime: '2025-06-01T10:00:00Z', reason: 'KubeletHasSufficientMemory' },
    { type: 'DiskPressure', status: 'False', lastHeartbeatTime: '2025-06-01T10:00:40Z', reason: 'KubeletHasNoDiskPressure' },
    { type: 'Ready', status: 'True', lastHeartbeatTime: '2025-06-01T10:00:40Z', reason: 'KubeletReady' },
  ]);
  assert.deepEqual(at(out, 'status.addresses'), [
    { type: 'InternalIP', address: '192.168.1.22' },
    { type: 'Hostname', address: 'worker-1' },
  ]);
  assert.deepEqual(at(out, 'status.capacity'), at(node(), 'status.capacity'));
});

test('finalizers: added as a union, removed with $deleteFromPrimitiveList', () => {
  const withOne = strategicMergePatch(deployment(), { metadata: { finalizers: ['example.com/cleanup'] } }, DEPLOYMENT);
  assert.deepEqual(at(withOne, 'metadata.finalizers'), ['example.com/cleanup']);
  const withTwo = strategicMergePatch(withOne, { metadata: { finalizers: ['example.com/audit', 'example.com/cleanup'] } }, DEPLOYMENT);
  assert.deepEqual(at(withTwo, 'metadata.finalizers'), ['example.com/audit', 'example.com/cleanup']);
  const back = strategicMergePatch(withTwo, { metadata: { '$deleteFromPrimitiveList/finalizers': ['example.com/audit'] } }, DEPLOYMENT);
  assert.deepEqual(at(back, 'metadata.finalizers'), ['example.com/cleanup']);
  // kubectl apply's form: additions, deletions and the order together.
  const applied = strategicMergePatch(
    withTwo,
    { metadata: { '$setElementOrder/finalizers': ['example.com/cleanup', 'example.com/new'], '$deleteFromPrimitiveList/finalizers': ['example.com/audit'], finalizers: ['example.com/new'] } },
    DEPLOYMENT,
  );
  assert.deepEqual(at(applied, 'metadata.finalizers'), ['example.com/cleanup', 'example.com/new']);
});

test('ownerReferences merge by uid', () => {
  const owned = strategicMergePatch(deployment(), { metadata: { ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'a', uid: 'u1' }] } }, DEPLOYMENT);
  const out = strategicMergePatch(owned, { metadata: { ownerReferences: [{ uid: 'u1', controller: true }] } }, DEPLOYMENT);
  assert.deepEqual(at(out, 'metadata.ownerReferences'), [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'a', uid: 'u1', controller: true }]);
});

test('CronJob: containers merge three templates deep', () => {
  const cronJob = {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'backup' },
    spec: {
      schedule: '0 3 * * *',
      jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'backup', image: 'restic:0.16', args: ['backup'] }] } } } },
    },
  };
  const out = strategicMergePatch(cronJob, { spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: 'backup', image: 'restic:0.17' }] } } } } } }, {
    group: 'batch',
    version: 'v1',
    kind: 'CronJob',
  });
  assert.deepEqual(at(out, 'spec.jobTemplate.spec.template.spec.containers'), [{ name: 'backup', image: 'restic:0.17', args: ['backup'] }]);
});
