import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkQueue } from './workqueue.js';

test('a key is queued once and never processed by two workers at once', async () => {
  const q = new WorkQueue();
  q.add('a');
  q.add('a');
  q.add('b');
  assert.equal(q.length, 2);
  const k = await q.get();
  assert.equal(k, 'a');
  q.add('a'); // re-added while processing: waits until done
  assert.equal(q.length, 1);
  assert.equal(await q.get(), 'b');
  q.done('a');
  assert.equal(await q.get(), 'a');
  q.shutDown();
  assert.equal(await q.get(), undefined);
});

test('failed reconciles are retried with backoff until they succeed', async () => {
  const q = new WorkQueue({ baseDelayMs: 1 });
  let calls = 0;
  const finished = new Promise<void>((resolve) => {
    void q.run(1, async () => {
      calls++;
      if (calls < 3) throw new Error('not yet');
      resolve();
    });
  });
  q.add('x');
  await finished;
  await new Promise((r) => setImmediate(r));
  assert.equal(calls, 3);
  assert.equal(q.numRequeues('x'), 0);
  q.shutDown();
});
