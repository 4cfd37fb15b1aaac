import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../types.js';
import { at, created, lines } from '../../common/testing.js';
import { horizontalPodAutoscalersV2 as hpa } from './hpa.js';
import { formatHPAMetrics } from './targets.js';

function v2(spec: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web', namespace: 'default' },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 10, ...spec },
  };
}

test('defaults: minReplicas 1, CPU at 80%, behavior gaps filled', () => {
  const { obj, errs } = created(hpa, v2({}));
  assert.deepEqual(errs, []);
  const spec = obj.spec as any;
  assert.equal(spec.minReplicas, 1);
  assert.deepEqual(spec.metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }]);
  assert.equal(spec.behavior, undefined);
  assert.deepEqual(obj.status, { currentMetrics: null, desiredReplicas: 0 });

  const withBehavior = created(hpa, v2({ behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } })).obj.spec as any;
  assert.deepEqual(withBehavior.behavior, {
    scaleUp: {
      stabilizationWindowSeconds: 0,
      selectPolicy: 'Max',
      policies: [
        { type: 'Pods', value: 4, periodSeconds: 15 },
        { type: 'Percent', value: 100, periodSeconds: 15 },
      ],
    },
    scaleDown: { selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }], stabilizationWindowSeconds: 60 },
  });
});

test('validation wording', () => {
  const { errs } = created(
    hpa,
    v2({
      scaleTargetRef: { kind: 'Deployment', name: 'web' },
      minReplicas: 0,
      maxReplicas: 0,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 0 } } },
        { type: 'Pods' },
        { type: 'Magic' },
      ],
      behavior: { scaleUp: { selectPolicy: 'Sometimes', policies: [{ type: 'Pods', value: 0, periodSeconds: 3600 }] } },
    }),
  );
  assert.deepEqual(lines(errs), [
    'spec.minReplicas: Invalid value: 0: must be greater than or equal to 1',
    'spec.maxReplicas: Invalid value: 0: must be greater than 0',
    'spec.scaleTargetRef.apiVersion: Invalid value: "": apiVersion must specify API group',
    'spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0',
    'spec.metrics[1].pods: Required value: must populate information for the given metric source',
    'spec.metrics[2].type: Unsupported value: "Magic": supported values: "ContainerResource", "External", "Object", "Pods", "Resource"',
    'spec.behavior.scaleUp.selectPolicy: Unsupported value: "Sometimes": supported values: "Disabled", "Max", "Min"',
    'spec.behavior.scaleUp.policies[0].value: Invalid value: 0: must be greater than zero',
    'spec.behavior.scaleUp.policies[0].periodSeconds: Invalid value: 3600: must be less than or equal to 1800',
  ]);
  assert.deepEqual(lines(created(hpa, v2({ minReplicas: 5, maxReplicas: 3 })).errs), [
    'spec.maxReplicas: Invalid value: 3: must be greater than or equal to `minReplicas`',
  ]);
});

test('TARGETS and the table row', () => {
  const { obj } = created(
    hpa,
    v2({
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } },
        { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '512Mi' } } },
        { type: 'Pods', pods: { metric: { name: 'rps' }, target: { type: 'AverageValue', averageValue: '1k' } } },
      ],
    }),
  );
  assert.deepEqual(hpa.cells!(obj, at(600)), ['web', 'Deployment/web', 'cpu: <unknown>/60%, memory: <unknown>/512Mi + 1 more...', '1', 10, 0, '10m']);
  obj.status = {
    currentReplicas: 3,
    desiredReplicas: 3,
    currentMetrics: [
      { type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 45, averageValue: '90m' } } },
      { type: 'Resource', resource: { name: 'memory', current: { averageValue: '300Mi' } } },
    ],
  };
  assert.deepEqual(hpa.cells!(obj, at(600)).slice(2, 6), ['cpu: 45%/60%, memory: 300Mi/512Mi + 1 more...', '1', 10, 3]);
  assert.equal(
    formatHPAMetrics(
      [
        { type: 'External', external: { metric: { name: 'queue' }, target: { type: 'AverageValue', averageValue: '30' } } },
        { type: 'Object', object: { metric: { name: 'hits' }, target: { type: 'Value', value: '10k' } } },
      ],
      [{ type: 'External', external: { current: { averageValue: '12' } } }],
    ),
    '12/30 (avg), <unknown>/10k',
  );
  assert.equal(formatHPAMetrics([], []), '<none>');
});
