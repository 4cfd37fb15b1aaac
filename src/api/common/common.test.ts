import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goIntOrString, goLabelSelector, goStringMap } from './go-format.js';
import { intOrPercentValue, validatePositiveIntOrPercent } from './int-or-string.js';
import { formatSelector, selectorEmpty, selectorInvalid, selectorMatches, selectorString, validateLabelSelector } from './label-selector.js';
import { semanticEqual } from './semantic.js';
import { lines } from './testing.js';

test('Go %#v renderings', () => {
  assert.equal(goStringMap({ b: '2', a: '1' }), 'map[string]string{"a":"1", "b":"2"}');
  assert.equal(goStringMap(undefined), 'map[string]string(nil)');
  assert.equal(
    goLabelSelector({ matchExpressions: [{ key: 'env', operator: 'In', values: ['a'] }] }),
    'v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"env", Operator:"In", Values:[]string{"a"}}}}',
  );
  assert.equal(goIntOrString(3), 'intstr.IntOrString{Type:0, IntVal:3, StrVal:""}');
});

test('selector strings sort requirements by key and set values', () => {
  const sel = {
    matchLabels: { tier: 'fe', app: 'web' },
    matchExpressions: [
      { key: 'env', operator: 'NotIn' as const, values: ['qa', 'dev'] },
      { key: 'canary', operator: 'DoesNotExist' as const },
      { key: 'zone', operator: 'Exists' as const },
    ],
  };
  assert.equal(selectorString(sel), 'app=web,!canary,env notin (dev,qa),tier=fe,zone');
  assert.equal(formatSelector({}), '<none>');
  assert.equal(formatSelector(undefined), '<none>');
  assert.equal(formatSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }), '<error>');
});

test('selector matching: nil selects nothing, empty selects everything', () => {
  assert.equal(selectorMatches(undefined, { a: 'b' }), false);
  assert.equal(selectorMatches({}, { a: 'b' }), true);
  assert.equal(selectorEmpty({ matchLabels: {} }), true);
  const sel = { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'env', operator: 'NotIn' as const, values: ['dev'] }] };
  assert.equal(selectorMatches(sel, { app: 'web' }), true);
  assert.equal(selectorMatches(sel, { app: 'web', env: 'dev' }), false);
  assert.equal(selectorInvalid({ matchLabels: { 'bad key!': 'x' } }), true);
});

test('label selector validation wording', () => {
  const errs = validateLabelSelector(
    { matchExpressions: [{ key: 'a', operator: 'In' }, { key: 'b', operator: 'Exists', values: ['x'] }, { key: 'c', operator: 'Gt' as never }] },
    'spec.selector',
  );
  assert.deepEqual(lines(errs), [
    "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
    "spec.selector.matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
    'spec.selector.matchExpressions[2].operator: Invalid value: "Gt": not a valid selector operator',
  ]);
});

test('int-or-percent values', () => {
  assert.equal(intOrPercentValue('25%'), 25);
  assert.equal(intOrPercentValue(3), 3);
  assert.equal(intOrPercentValue('x'), 0);
  assert.deepEqual(lines(validatePositiveIntOrPercent('25', 'f')), [
    "f: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"25\"}: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
  ]);
});

test('semantic equality treats empty and absent alike', () => {
  assert.equal(semanticEqual({ a: [], b: {} }, {}), true);
  assert.equal(semanticEqual({ a: { x: 1 } }, { a: { x: 2 } }), false);
});
