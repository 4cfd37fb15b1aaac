import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../types.js';
import { at, created, lines, updated } from '../../common/testing.js';
import { deployments } from './deployment.js';

function deployment(spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { restartPolicy: 'Always', containers: [{ name: 'nginx', image: 'nginx:1.27' }] },
      },
      ...spec,
    },
  };
}

test('defaults follow SetDefaults_Deployment', () => {
  const { obj, errs } = created(deployments, deployment());
  assert.deepEqual(errs, []);
  const spec = obj.spec as Record<string, unknown>;
  assert.equal(spec.replicas, 1);
  assert.deepEqual(spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
  assert.equal(spec.revisionHistoryLimit, 10);
  assert.equal(spec.progressDeadlineSeconds, 600);
  assert.deepEqual(obj.status, {});
});

test('Recreate gets no rollingUpdate defaults', () => {
  const { obj, errs } = created(deployments, deployment({ strategy: { type: 'Recreate' } }));
  assert.deepEqual(errs, []);
  assert.deepEqual((obj.spec as Record<string, unknown>).strategy, { type: 'Recreate' });
});

test('selector must match the template labels', () => {
  const { errs } = created(deployments, deployment({ selector: { matchLabels: { app: 'x' } } }));
  assert.deepEqual(lines(errs), [
    'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
  ]);
});

test('a missing selector is required and matches nothing', () => {
  const { errs } = created(deployments, deployment({ selector: undefined }));
  assert.deepEqual(lines(errs), [
    'spec.selector: Required value',
    'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
  ]);
});

test('an empty selector is invalid', () => {
  const { errs } = created(deployments, deployment({ selector: {} }));
  assert.deepEqual(lines(errs), [
    'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment',
  ]);
});

test('replicas, strategy and deadlines are checked with Kubernetes wording', () => {
  const { errs } = created(
    deployments,
    deployment({
      replicas: -1,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '150%', maxSurge: 0 } },
      minReadySeconds: 700,
    }),
  );
  assert.deepEqual(lines(errs), [
    'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"150%"}: must not be greater than 100%',
    'spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds',
  ]);
});

test('both maxSurge and maxUnavailable may not be zero; Recreate forbids rollingUpdate', () => {
  const zero = created(deployments, deployment({ strategy: { rollingUpdate: { maxUnavailable: 0, maxSurge: '0%' } } }));
  assert.deepEqual(lines(zero.errs), [
    'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: may not be 0 when `maxSurge` is 0',
  ]);
  const recreate = created(deployments, deployment({ strategy: { type: 'Recreate', rollingUpdate: { maxSurge: 1 } } }));
  assert.deepEqual(lines(recreate.errs), ["spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"]);
  const bogus = created(deployments, deployment({ strategy: { type: 'BlueGreen' } }));
  assert.deepEqual(lines(bogus.errs), ['spec.strategy: Unsupported value: "BlueGreen": supported values: "Recreate", "RollingUpdate"']);
});

test('pods of a deployment must restart Always', () => {
  const d = deployment();
  ((d.spec as any).template.spec as Record<string, unknown>).restartPolicy = 'Never';
  const { errs } = created(deployments, d);
  assert.ok(lines(errs).includes('spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"'));
});

test('the selector is immutable in apps/v1', () => {
  const { obj: old } = created(deployments, deployment());
  const next = structuredClone(old);
  (next.spec as any).selector = { matchLabels: { app: 'web2' } };
  (next.spec as any).template.metadata.labels = { app: 'web2' };
  assert.deepEqual(lines(updated(deployments, next, old)), [
    'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
  ]);
});

test('table row and scale mapping', () => {
  const { obj } = created(
    deployments,
    deployment({ replicas: 3, selector: { matchLabels: { tier: 'fe', app: 'web' }, matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'dev'] }] } }),
  );
  (obj.spec as any).template.metadata.labels = { app: 'web', tier: 'fe', env: 'prod' };
  (obj.spec as any).template.spec.containers.push({ name: 'sidecar', image: 'busybox' });
  obj.status = { replicas: 3, updatedReplicas: 3, readyReplicas: 2, availableReplicas: 2 };
  assert.deepEqual(deployments.cells!(obj, at(3700)), [
    'web',
    '2/3',
    3,
    2,
    '61m',
    'nginx,sidecar',
    'nginx:1.27,busybox',
    'app=web,env in (dev,prod),tier=fe',
  ]);
  assert.equal(deployments.columns!.length, 8);
  assert.deepEqual(
    deployments.columns!.filter((c) => c.priority === 1).map((c) => c.name),
    ['Containers', 'Images', 'Selector'],
  );
  const scale = deployments.scale!;
  assert.equal(scale.specReplicas(obj), 3);
  assert.equal(scale.statusReplicas(obj), 3);
  assert.equal(scale.selector(obj), 'app=web,env in (dev,prod),tier=fe');
  scale.setSpecReplicas(obj, 5);
  assert.equal((obj.spec as any).replicas, 5);
});
