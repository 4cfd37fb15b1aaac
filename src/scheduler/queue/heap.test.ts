import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyedHeap } from './heap.js';

test('pops in order; removes and re-positions by key', () => {
  const h = new KeyedHeap<{ k: string; v: number }>((x) => x.k, (a, b) => a.v < b.v);
  for (const [k, v] of [['a', 5], ['b', 1], ['c', 9], ['d', 3], ['e', 7]] as const) h.push({ k, v });
  h.remove('d');
  h.push({ k: 'c', v: 0 });
  const out: string[] = [];
  for (let x = h.pop(); x; x = h.pop()) out.push(x.k);
  assert.deepEqual(out, ['c', 'b', 'a', 'e']);
  assert.equal(h.size, 0);
});
