import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchesLabels, parseLabelSelector, LabelSelectorParseError, labelSelectorRequirements } from './labels.js';
import { parseFieldSelector, matchesFields } from './fields.js';

test('label selector operators match as Kubernetes does', () => {
  const l = { app: 'web', tier: 'fe', n: '5' };
  const m = (s: string) => matchesLabels(parseLabelSelector(s), l);
  assert.equal(m('app=web'), true);
  assert.equal(m('app==web'), true);
  assert.equal(m('app!=web'), false);
  assert.equal(m('app!=db'), true);
  assert.equal(m('missing!=x'), true);
  assert.equal(m('tier in (fe,be)'), true);
  assert.equal(m('tier notin (fe)'), false);
  assert.equal(m('app'), true);
  assert.equal(m('!app'), false);
  assert.equal(m('!canary'), true);
  assert.equal(m('app=web,tier in (be)'), false);
  assert.equal(m('n>3,n<6'), true);
  assert.equal(m(''), true);
});

test('malformed label selectors are rejected', () => {
  assert.throws(() => parseLabelSelector('app in (a'), LabelSelectorParseError);
  assert.throws(() => parseLabelSelector('a=b=c'), LabelSelectorParseError);
  assert.throws(() => parseLabelSelector('bad key=x'), LabelSelectorParseError);
});

test('metav1.LabelSelector converts to requirements', () => {
  const reqs = labelSelectorRequirements({ matchLabels: { app: 'x' }, matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] });
  assert.equal(matchesLabels(reqs, { app: 'x', env: 'dev' }), true);
  assert.equal(matchesLabels(reqs, { app: 'x', env: 'prod' }), false);
});

test('field selectors support =, == and != with escapes', () => {
  const reqs = parseFieldSelector('status.phase=Running,spec.nodeName!=,metadata.name==a\\,b');
  assert.deepEqual(reqs.map((r) => [r.field, r.op, r.value]), [
    ['status.phase', '=', 'Running'],
    ['spec.nodeName', '!=', ''],
    ['metadata.name', '=', 'a,b'],
  ]);
  const values: Record<string, string> = { 'status.phase': 'Running', 'spec.nodeName': 'n1', 'metadata.name': 'a,b' };
  assert.equal(matchesFields(reqs, (f) => values[f]), true);
  values['spec.nodeName'] = '';
  assert.equal(matchesFields(reqs, (f) => values[f]), false);
});
