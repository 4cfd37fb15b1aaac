import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startAutoCompaction } from './auto-compaction.js';
import { openSqliteStore } from './sqlite-store.js';

/** Writes `n` revisions by rewriting a handful of keys. */
async function churn(store: ReturnType<typeof openSqliteStore>, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const key = `/registry/things/k${i % 5}`;
    const cur = await store.get(key);
    if (cur) await store.update(key, String(i), cur.modRevision);
    else await store.create(key, String(i));
  }
}

function manualTicks() {
  let tick: (() => Promise<void>) | undefined;
  let cancelled = false;
  return {
    every: (_ms: number, fn: () => Promise<void>) => {
      tick = fn;
      return () => {
        cancelled = true;
      };
    },
    tick: () => tick!(),
    get cancelled() {
      return cancelled;
    },
  };
}

test('auto-compaction keeps keepRevisions and one interval of history', async () => {
  const store = openSqliteStore(':memory:');
  const ticks = manualTicks();
  const compacted: number[] = [];
  const stop = startAutoCompaction(store, { keepRevisions: 1000, every: ticks.every, onCompacted: (r) => compacted.push(r) });
  try {
    await churn(store, 1500);
    await ticks.tick(); // first tick only remembers where the store was
    assert.equal(await store.compactRevision(), 0);
    await churn(store, 100);
    await ticks.tick(); // min(1600 - 1000, 1500)
    assert.equal(await store.compactRevision(), 600);
    await ticks.tick(); // nothing written: min(600, 1600) is not newer
    assert.equal(await store.compactRevision(), 600);
    await churn(store, 2000);
    await ticks.tick(); // min(3600 - 1000, 1600): the last interval's writes stay
    assert.equal(await store.compactRevision(), 1600);
    assert.deepEqual(compacted, [600, 1600]);
    const listed = await store.list('/registry/things/');
    assert.equal(listed.items.length, 5, 'live keys survive');
  } finally {
    stop();
    await store.close();
  }
  assert.ok(ticks.cancelled);
});

test('auto-compaction reports errors and keeps going', async () => {
  const store = openSqliteStore(':memory:');
  const ticks = manualTicks();
  const errors: unknown[] = [];
  const stop = startAutoCompaction(store, { keepRevisions: 1, every: ticks.every, onError: (e) => errors.push(e) });
  await churn(store, 10);
  await ticks.tick();
  await store.close();
  await ticks.tick();
  assert.equal(errors.length, 1);
  stop();
  await ticks.tick(); // after stop, ticks do nothing
  assert.equal(errors.length, 1);
});
