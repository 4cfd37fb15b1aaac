import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCount, parseGoDuration, parseKeyValues, parseTaints } from './flag-parsers.js';

test('Go durations', () => {
  assert.equal(parseGoDuration('40s'), 40_000);
  assert.equal(parseGoDuration('1m30s'), 90_000);
  assert.equal(parseGoDuration('500ms'), 500);
  assert.equal(parseGoDuration('1.5s'), 1500);
  assert.equal(parseGoDuration('0'), 0);
  assert.throws(() => parseGoDuration('40'), /invalid duration/);
  assert.throws(() => parseGoDuration('5x'), /invalid duration/);
});

test('key=value lists and taints', () => {
  assert.deepEqual(parseKeyValues('cpu=4, memory=8Gi,empty='), { cpu: '4', memory: '8Gi', empty: '' });
  assert.throws(() => parseKeyValues('cpu'), /invalid key=value/);
  assert.deepEqual(parseTaints('dedicated=gpu:NoSchedule,spot:PreferNoSchedule'), [
    { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' },
    { key: 'spot', effect: 'PreferNoSchedule' },
  ]);
  assert.throws(() => parseTaints('a=b:Sometimes'), /effect must be one of/);
  assert.equal(parseCount('12'), 12);
  assert.throws(() => parseCount('-1'));
});
