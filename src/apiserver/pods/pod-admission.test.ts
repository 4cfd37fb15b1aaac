import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../errors.js';
import { podAdmissionHooks, type PriorityClassInfo } from './pod-admission.js';

const classes: PriorityClassInfo[] = [
  { name: 'high', value: 1000, globalDefault: false, preemptionPolicy: 'PreemptLowerPriority' },
  { name: 'never', value: 500, globalDefault: false, preemptionPolicy: 'Never' },
];
const hooks = (extra: PriorityClassInfo[] = [], seconds?: number) =>
  podAdmissionHooks({
    priorityClass: (n) => [...classes, ...extra].find((c) => c.name === n),
    priorityClasses: () => [...classes, ...extra],
    notReadyTolerationSeconds: seconds,
    unreachableTolerationSeconds: seconds,
  });

test('priorityClassName resolves into priority and preemptionPolicy', async () => {
  const pod = { metadata: { name: 'p' }, spec: { priorityClassName: 'never', priority: 0, preemptionPolicy: 'PreemptLowerPriority' } };
  await hooks().beforeCreate!(pod, {});
  assert.equal(pod.spec.priority, 500);
  assert.equal(pod.spec.preemptionPolicy, 'Never');
});

test('an unknown class is Forbidden with Kubernetes’ message', async () => {
  const pod = { metadata: { name: 'p' }, spec: { priorityClassName: 'nope', priority: 0 } };
  await assert.rejects(hooks().beforeCreate!(pod, {}), (err: ApiError) => {
    assert.equal(err.code, 403);
    assert.equal(err.message, 'pods "p" is forbidden: no PriorityClass with name nope was found');
    return true;
  });
});

test('the global default applies to pods without a class; an explicit wrong value is refused', async () => {
  const def = { name: 'default-high', value: 7, globalDefault: true };
  const pod = { metadata: { name: 'p' }, spec: { priority: 0 } as Record<string, unknown> };
  await hooks([def]).beforeCreate!(pod, {});
  assert.equal(pod.spec.priority, 7);
  assert.equal(pod.spec.priorityClassName, 'default-high');
  await assert.rejects(hooks().beforeCreate!({ metadata: { name: 'q' }, spec: { priority: 9 } }, {}), /the integer value of priority \(9\) must not be provided/);
});

test('default toleration seconds follow the server setting', async () => {
  const pod = {
    metadata: { name: 'p' },
    spec: {
      priority: 0,
      tolerations: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 },
      ],
    },
  };
  await hooks([], 5).beforeCreate!(pod, {});
  assert.deepEqual(pod.spec.tolerations.map((t) => t.tolerationSeconds), [5, 60]);
});
