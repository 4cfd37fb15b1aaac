import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatMap, goQuote } from './downward-api.js';

test('labels and annotations are written as Go-quoted sorted lines', () => {
  assert.equal(formatMap({ b: '2', a: 'x"y' }), 'a="x\\"y"\nb="2"');
  assert.equal(formatMap(undefined), '');
  assert.equal(goQuote('line\nnext\ttab\x01é'), '"line\\nnext\\ttab\\x01é"');
});
