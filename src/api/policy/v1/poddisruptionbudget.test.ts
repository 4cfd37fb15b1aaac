import { test } from 'node:test';
import assert from 'node:assert/strict';
import { at, created, lines } from '../../common/testing.js';
import { podDisruptionBudgets } from './poddisruptionbudget.js';

test('a new PDB shows zero counters and its budget', () => {
  const { obj, errs } = created(podDisruptionBudgets, {
    metadata: { name: 'web', namespace: 'default' },
    spec: { minAvailable: '50%', selector: { matchLabels: { app: 'web' } } },
  });
  assert.deepEqual(errs, []);
  assert.deepEqual(obj.status, { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 });
  assert.deepEqual(podDisruptionBudgets.cells!(obj, at(42)), ['web', '50%', 'N/A', 0, '42s']);
  obj.spec = { maxUnavailable: 1 };
  obj.status = { disruptionsAllowed: 1 };
  assert.deepEqual(podDisruptionBudgets.cells!(obj, at(42)).slice(1, 4), ['N/A', '1', 1]);
});

test('PDB validation wording', () => {
  const { errs } = created(podDisruptionBudgets, {
    metadata: { name: 'web', namespace: 'default' },
    spec: { minAvailable: 2, maxUnavailable: '120%', unhealthyPodEvictionPolicy: 'Never' },
  });
  assert.deepEqual(lines(errs), [
    'spec: Invalid value: {"minAvailable":2,"maxUnavailable":"120%","unhealthyPodEvictionPolicy":"Never"}: minAvailable and maxUnavailable cannot be both set',
    'spec.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"120%"}: must not be greater than 100%',
    'spec.unhealthyPodEvictionPolicy: Unsupported value: "Never": supported values: "AlwaysAllow", "IfHealthyBudget"',
  ]);
  assert.deepEqual(lines(created(podDisruptionBudgets, { metadata: { name: 'w', namespace: 'default' }, spec: { minAvailable: -1 } }).errs), [
    'spec.minAvailable: Invalid value: -1: must be greater than or equal to 0',
  ]);
});
