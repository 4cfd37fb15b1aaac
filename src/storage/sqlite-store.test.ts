import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { runStoreConformance } from './conformance.js';
import { CompactedError } from './errors.js';
import { COMPACT_BATCH } from './sqlite-compaction.js';
import { openSqliteStore } from './sqlite-store.js';

function tempDb(): { path: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-sqlite-'));
  return { path: join(dir, 'state.db'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

runStoreConformance('sqlite', async () => {
  const db = tempDb();
  const store = openSqliteStore(db.path);
  return {
    store,
    cleanup: async () => {
      await store.close();
      db.remove();
    },
  };
});

describe('SqliteStore specifics', () => {
  test('data, revision and compaction point survive reopening the file', async () => {
    const db = tempDb();
    try {
      let store = openSqliteStore(db.path);
      const a = await store.create('/x/a', '1');
      const a2 = await store.update('/x/a', '2', a.modRevision);
      await store.create('/x/b', '3');
      await store.delete('/x/b');
      await store.compact(a2.modRevision);
      const rev = await store.currentRevision();
      await store.close();

      store = openSqliteStore(db.path);
      assert.equal(await store.currentRevision(), rev, 'the deletion revision is remembered too');
      assert.equal(await store.compactRevision(), a2.modRevision);
      assert.deepEqual((await store.list('/x/')).items, [a2]);
      await assert.rejects(store.list('/x/', { revision: a.modRevision }), CompactedError);
      const c = await store.create('/x/c', '4');
      assert.equal(c.modRevision, rev + 1);
      await store.close();
    } finally {
      db.remove();
    }
  });

  test('compaction removes superseded rows and deletion markers, in batches', async () => {
    const db = tempDb();
    try {
      const store = openSqliteStore(db.path);
      const keys = ['/k/a', '/k/b', '/k/c'];
      for (const k of keys) await store.create(k, '0');
      const total = COMPACT_BATCH * 2 + 500;
      for (let i = 3; i < total; i++) {
        const k = keys[i % 3]!;
        await store.update(k, String(i), (await store.get(k))!.modRevision);
      }
      await store.create('/k/gone', 'x');
      await store.delete('/k/gone');
      const target = await store.currentRevision();
      for (let i = 0; i < 10; i++) await store.update('/k/a', `late${i}`, (await store.get('/k/a'))!.modRevision);
      const before = await store.list('/k/', { revision: target });
      await store.compact(target);
      assert.deepEqual((await store.list('/k/', { revision: target })).items, before.items);
      await store.close();

      const raw = new Database(db.path, { readonly: true });
      try {
        const names = raw.prepare('SELECT name, COUNT(*) AS n FROM kine GROUP BY name ORDER BY name').all();
        // At the target each live key keeps its one row; /k/a also keeps its 10 later rows.
        assert.deepEqual(names, [
          { name: '/k/a', n: 11 },
          { name: '/k/b', n: 1 },
          { name: '/k/c', n: 1 },
        ]);
        const done = raw.prepare("SELECT value FROM kine_meta WHERE key = 'compact_done'").pluck().get();
        assert.equal(done, target);
      } finally {
        raw.close();
      }
    } finally {
      db.remove();
    }
  });

  test('a compaction interrupted by a crash is finished by the next one', async () => {
    const db = tempDb();
    try {
      let store = openSqliteStore(db.path);
      const a = await store.create('/k/a', '0');
      let cur = a;
      for (let i = 1; i < 50; i++) cur = await store.update('/k/a', String(i), cur.modRevision);
      await store.close();
      // Simulate a crash after the compaction point was recorded but before any row went.
      const raw = new Database(db.path);
      raw.prepare("INSERT INTO kine_meta (key, value) VALUES ('compact_revision', 40)").run();
      raw.close();

      store = openSqliteStore(db.path);
      assert.equal(await store.compactRevision(), 40);
      await store.compact(45);
      await store.close();
      const check = new Database(db.path, { readonly: true });
      const rows = check.prepare('SELECT COUNT(*) FROM kine').pluck().get();
      check.close();
      assert.equal(rows, 6, 'rows 1..44 are gone, 45..50 stay');
    } finally {
      db.remove();
    }
  });

  test('listing reads only the requested page', async () => {
    const store = openSqliteStore(':memory:');
    for (let i = 0; i < 300; i++) await store.create(`/p/${String(i).padStart(3, '0')}`, String(i));
    const page = await store.list('/p/', { limit: 50, startAfter: '/p/099' });
    assert.equal(page.items.length, 50);
    assert.equal(page.items[0]!.key, '/p/100');
    assert.equal(page.remaining, 150);
    assert.equal(page.more, true);
    await store.close();
  });
});
