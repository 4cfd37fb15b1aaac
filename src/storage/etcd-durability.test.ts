import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { startEtcd } from '../../test/support/etcd.js';
import { openEtcdStore } from './etcd-store.js';

test('every write etcd acknowledged before a kill -9 is there after a restart', { timeout: 120_000 }, async () => {
  const first = await startEtcd();
  const { dataDir, clientPort, peerPort } = first;
  try {
    const store = await openEtcdStore(first.endpoint);
    const acknowledged: string[] = [];
    let failure: unknown;
    // Write until etcd dies under us; only keys whose create returned count as acknowledged.
    const writer = (async () => {
      for (let i = 0; ; i++) {
        const key = `/durability/k${String(i).padStart(7, '0')}`;
        try {
          await store.create(key, JSON.stringify({ i }));
        } catch (err) {
          failure = err;
          return;
        }
        acknowledged.push(key);
      }
    })();
    while (acknowledged.length < 300) await new Promise((resolve) => setTimeout(resolve, 5));
    await first.crash();
    await writer;
    assert.ok(failure, 'the writer saw etcd go away');
    await store.close();

    const second = await startEtcd({ dataDir, clientPort, peerPort });
    try {
      const reopened = await openEtcdStore(second.endpoint);
      try {
        const listed = new Set((await reopened.list('/durability/')).items.map((kv) => kv.key));
        for (const key of acknowledged) assert.ok(listed.has(key), `acknowledged key ${key} survived`);
        const rev = await reopened.currentRevision();
        const next = await reopened.create('/durability/after-restart', '{}');
        assert.ok(next.modRevision > rev, 'revisions continue after the crash');
      } finally {
        await reopened.close();
      }
    } finally {
      await second.stop();
    }
  } finally {
    await first.stop(); // already dead: only removes the data dir
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('a watch carries on across an etcd restart without losing events', { timeout: 120_000 }, async () => {
  const first = await startEtcd();
  const { dataDir, clientPort, peerPort } = first;
  try {
    const watching = await openEtcdStore(first.endpoint);
    const events: string[] = [];
    const errors: Error[] = [];
    const watcher = await watching.watch('/restart/', {
      afterRevision: await watching.currentRevision(),
      onEvent: (e) => events.push(e.kv.key),
      onError: (e) => errors.push(e),
    });
    await watching.create('/restart/before', '1');
    await waitUntil(() => events.length === 1);
    await first.crash();
    const second = await startEtcd({ dataDir, clientPort, peerPort });
    try {
      const writer = await openEtcdStore(second.endpoint);
      for (let i = 0; i < 5; i++) await writer.create(`/restart/after-${i}`, String(i));
      await writer.close();
      await waitUntil(() => events.length === 6 || errors.length > 0);
      assert.deepEqual(errors, []);
      assert.deepEqual(events, ['/restart/before', ...Array.from({ length: 5 }, (_, i) => `/restart/after-${i}`)]);
      watcher.stop();
      await watching.close();
    } finally {
      await second.stop();
    }
  } finally {
    await first.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

/** Polls until `cond` holds; the deadline only turns a hang into a failure. */
async function waitUntil(cond: () => boolean, deadlineMs = 60_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
