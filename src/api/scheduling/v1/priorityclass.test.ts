import { test } from 'node:test';
import assert from 'node:assert/strict';
import { at, created, lines, updated } from '../../common/testing.js';
import { priorityClasses } from './priorityclass.js';

test('defaults and table row', () => {
  const { obj, errs } = created(priorityClasses, { metadata: { name: 'high' }, value: 1000000, description: 'important' });
  assert.deepEqual(errs, []);
  assert.equal(obj.preemptionPolicy, 'PreemptLowerPriority');
  assert.deepEqual(priorityClasses.cells!(obj, at(20)), ['high', 1000000, false, '20s', 'PreemptLowerPriority']);
  assert.equal(priorityClasses.columns!.find((c) => c.name === 'PreemptionPolicy')!.priority, undefined);
});

test('system- names are reserved for the built-in classes', () => {
  assert.deepEqual(lines(created(priorityClasses, { metadata: { name: 'system-mine' }, value: 10 }).errs), [
    "metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-mine is not a known system priority class",
  ]);
  assert.deepEqual(lines(created(priorityClasses, { metadata: { name: 'system-node-critical' }, value: 5 }).errs), [
    "metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: value of system-node-critical PriorityClass must be 2000001000",
  ]);
  assert.deepEqual(created(priorityClasses, { metadata: { name: 'system-cluster-critical' }, value: 2000000000 }).errs, []);
});

test('user values are capped; value and preemptionPolicy are immutable', () => {
  assert.deepEqual(lines(created(priorityClasses, { metadata: { name: 'huge' }, value: 1000000001, preemptionPolicy: 'Always' }).errs), [
    'value: Forbidden: maximum allowed value of a user defined priority is 1000000000',
    'preemptionPolicy: Unsupported value: "Always": supported values: "PreemptLowerPriority", "Never"',
  ]);
  const { obj: old } = created(priorityClasses, { metadata: { name: 'low' }, value: 10 });
  const next = structuredClone(old);
  next.value = 11;
  next.preemptionPolicy = 'Never';
  next.description = 'changed is fine';
  assert.deepEqual(lines(updated(priorityClasses, next, old)), [
    'value: Forbidden: may not be changed in an update.',
    'preemptionPolicy: Invalid value: "Never": field is immutable',
  ]);
});
