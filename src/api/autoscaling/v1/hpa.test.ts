import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../types.js';
import { at, created, lines } from '../../common/testing.js';
import { behaviorAnnotation, conditionsAnnotation, hpaFromV1, hpaToV1, metricSpecsAnnotation, metricStatusesAnnotation } from './conversion.js';
import { horizontalPodAutoscalersV1 as hpaV1 } from './hpa.js';

const meta = { name: 'web', namespace: 'default', uid: 'u1', creationTimestamp: '2024-05-01T10:00:00Z', annotations: { team: 'a' } };

function stored(): KubeObject {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: structuredClone(meta),
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicas: 2,
      maxReplicas: 10,
      metrics: [
        { type: 'Pods', pods: { metric: { name: 'rps' }, target: { type: 'AverageValue', averageValue: '1k' } } },
        { type: 'External', external: { metric: { name: 'queue', selector: { matchLabels: { q: 'jobs' } } }, target: { type: 'Value', value: '30' } } },
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
      ],
      behavior: {
        scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }] },
        scaleDown: { stabilizationWindowSeconds: 300, selectPolicy: 'Min', policies: [{ type: 'Percent', value: 10, periodSeconds: 60 }] },
      },
    },
    status: {
      lastScaleTime: '2024-05-01T10:05:00Z',
      currentReplicas: 3,
      desiredReplicas: 4,
      currentMetrics: [
        { type: 'Pods', pods: { metric: { name: 'rps' }, current: { averageValue: '1200' } } },
        { type: 'Resource', resource: { name: 'cpu', current: { averageValue: '350m', averageUtilization: 82 } } },
      ],
      conditions: [{ type: 'AbleToScale', status: 'True', lastTransitionTime: '2024-05-01T10:00:30Z', reason: 'ReadyForNewScale', message: 'recommended size matches current size' }],
    },
  };
}

test('v2 → v1 keeps the CPU target as a field and the rest in annotations', () => {
  const v1 = hpaToV1(stored());
  assert.deepEqual(v1.spec, { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 10, targetCPUUtilizationPercentage: 70 });
  assert.deepEqual(v1.status, { lastScaleTime: '2024-05-01T10:05:00Z', currentReplicas: 3, desiredReplicas: 4, currentCPUUtilizationPercentage: 82 });
  const ann = v1.metadata.annotations!;
  assert.equal(ann.team, 'a');
  assert.deepEqual(JSON.parse(ann[metricSpecsAnnotation]!), [
    { type: 'Pods', pods: { metricName: 'rps', targetAverageValue: '1k' } },
    { type: 'External', external: { metricName: 'queue', metricSelector: { matchLabels: { q: 'jobs' } }, targetValue: '30' } },
  ]);
  assert.deepEqual(JSON.parse(ann[metricStatusesAnnotation]!), [
    { type: 'Pods', pods: { metricName: 'rps', currentAverageValue: '1200' } },
    { type: 'Resource', resource: { name: 'cpu', currentAverageUtilization: 82, currentAverageValue: '350m' } },
  ]);
  assert.deepEqual(JSON.parse(ann[behaviorAnnotation]!), {
    ScaleUp: { StabilizationWindowSeconds: 0, SelectPolicy: 'Max', Policies: [{ Type: 'Pods', Value: 4, PeriodSeconds: 15 }], Tolerance: null },
    ScaleDown: { StabilizationWindowSeconds: 300, SelectPolicy: 'Min', Policies: [{ Type: 'Percent', Value: 10, PeriodSeconds: 60 }], Tolerance: null },
  });
  assert.equal(JSON.parse(ann[conditionsAnnotation]!)[0].reason, 'ReadyForNewScale');
});

test('v2 → v1 → v2 round-trips (the CPU metric comes back last, as upstream appends it)', () => {
  assert.deepEqual(hpaFromV1(hpaToV1(stored())), stored());
});

test('v1 → v2 → v1 round-trips', () => {
  const v1 = hpaToV1(stored());
  assert.deepEqual(hpaToV1(hpaFromV1(v1)), v1);
  const plain: KubeObject = {
    apiVersion: 'autoscaling/v1',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'api', namespace: 'default' },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' }, minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 50 },
    status: { currentReplicas: 0, desiredReplicas: 0 },
  };
  assert.deepEqual(hpaToV1(hpaFromV1(plain)), plain);
});

test('v1 HPAs default, validate in v2 terms and print the v2 table', () => {
  const { obj, errs } = created(hpaV1, {
    metadata: { name: 'api', namespace: 'default' },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' }, maxReplicas: 5 },
  });
  assert.deepEqual(errs, []);
  assert.equal((obj.spec as any).minReplicas, 1);
  assert.equal((obj.spec as any).targetCPUUtilizationPercentage, undefined);
  assert.deepEqual(obj.status, { currentReplicas: 0, desiredReplicas: 0 });
  // Stored (and read back) with the v2 default CPU target, as a Kubernetes v2 read would show.
  assert.equal((hpaToV1(hpaFromV1(obj)).spec as any).targetCPUUtilizationPercentage, 80);
  assert.deepEqual(hpaV1.cells!(obj, at(30)), ['api', 'Deployment/api', 'cpu: <unknown>/80%', '1', 5, 0, '30s']);
  const bad = created(hpaV1, {
    metadata: { name: 'api', namespace: 'default' },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' }, maxReplicas: 5, targetCPUUtilizationPercentage: 0 },
  });
  assert.deepEqual(lines(bad.errs), ['spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0']);
});
