import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setImmediate as nextTick } from 'node:timers/promises';
import { CompactedError, FutureRevisionError, KeyExistsError, KeyNotFoundError, RevisionConflictError } from './errors.js';
import type { KeyValue, Store, WatchEvent, Watcher } from './store.js';

/** What a conformance case needs: a store, and a way to dispose of it. */
export interface OpenedStore {
  store: Store;
  cleanup: () => Promise<void>;
}

/**
 * Registers the storage conformance suite (node:test cases) for one backend. Every Store
 * implementation must pass it unchanged; that is what makes the backends interchangeable.
 *
 * `open` is called once per case. It may hand back a store that already holds data and
 * revisions from earlier cases (e.g. one shared etcd): every case works under its own key
 * root and only compares revisions relative to its own writes. No case runs concurrently
 * with another against the same store.
 *
 * @example
 * runStoreConformance('sqlite', async () => {
 *   const dir = mkdtempSync(join(tmpdir(), 'k8ts-'));
 *   const store = openSqliteStore(join(dir, 'db'));
 *   return { store, cleanup: async () => { await store.close(); rmSync(dir, { recursive: true }); } };
 * });
 */
export function runStoreConformance(name: string, open: () => Promise<OpenedStore>): void {
  let seq = 0;
  /** A key root no other case (or earlier run against the same etcd) uses. */
  const newRoot = (): string => `/conformance/${process.pid}-${Date.now().toString(36)}-${++seq}/`;

  /** Runs one case against a fresh store under a fresh key root, cleaning up whatever happens. */
  const withStore = (fn: (store: Store, root: string) => Promise<void>) => async () => {
    const { store, cleanup } = await open();
    try {
      await fn(store, newRoot());
    } finally {
      await cleanup();
    }
  };

  describe(`Store conformance: ${name}`, () => {
    describe('create and get', () => {
      test('create stores a new key and rejects an existing one', withStore(async (store, root) => {
        const before = await store.currentRevision();
        const kv = await store.create(`${root}a`, 'one');
        assert.equal(kv.key, `${root}a`);
        assert.equal(kv.value, 'one');
        assert.ok(kv.modRevision > before, 'a write gets a new revision');
        assert.equal(kv.createRevision, kv.modRevision);
        await assert.rejects(store.create(`${root}a`, 'two'), (err) => err instanceof KeyExistsError && err.key === `${root}a`);
        assert.equal((await store.get(`${root}a`))?.value, 'one', 'the failed create changed nothing');
      }));

      test('create after delete starts a new lifetime', withStore(async (store, root) => {
        const first = await store.create(`${root}a`, 'one');
        await store.delete(`${root}a`);
        const second = await store.create(`${root}a`, 'two');
        assert.ok(second.createRevision > first.createRevision);
        assert.deepEqual(await store.get(`${root}a`), second);
      }));

      test('get returns undefined for missing and deleted keys', withStore(async (store, root) => {
        assert.equal(await store.get(`${root}missing`), undefined);
        await store.create(`${root}gone`, 'x');
        await store.delete(`${root}gone`);
        assert.equal(await store.get(`${root}gone`), undefined);
      }));

      test('get returns the latest value with its create and mod revisions', withStore(async (store, root) => {
        const created = await store.create(`${root}a`, 'v1');
        const updated = await store.update(`${root}a`, 'v2', created.modRevision);
        assert.deepEqual(await store.get(`${root}a`), {
          key: `${root}a`,
          value: 'v2',
          createRevision: created.createRevision,
          modRevision: updated.modRevision,
        });
      }));

      test('values round-trip byte for byte', withStore(async (store, root) => {
        const value = JSON.stringify({ s: 'ünïcødé ✓ 😀', nul: 'a\u0000b', big: 'x'.repeat(100_000) });
        await store.create(`${root}v`, value);
        assert.equal((await store.get(`${root}v`))?.value, value);
        assert.equal((await store.list(root)).items[0]?.value, value);
      }));
    });

    describe('list and count', () => {
      test('list returns only keys under the prefix, in key order', withStore(async (store, root) => {
        for (const k of ['a/2', 'ab/1', 'a/1', 'b', 'a/3', 'a']) await store.create(`${root}${k}`, k);
        await store.delete(`${root}a/3`);
        const keys = async (p: string) => (await store.list(p)).items.map((kv) => kv.key.slice(root.length));
        assert.deepEqual(await keys(`${root}a/`), ['a/1', 'a/2']);
        assert.deepEqual(await keys(`${root}ab/`), ['ab/1']);
        assert.deepEqual(await keys(`${root}a`), ['a', 'a/1', 'a/2', 'ab/1']);
        assert.deepEqual(await keys(root), ['a', 'a/1', 'a/2', 'ab/1', 'b']);
        assert.deepEqual(await keys(`${root}c/`), []);
        const listed = await store.list(`${root}a/`);
        assert.equal(listed.more, false);
        assert.equal(listed.revision, await store.currentRevision());
        assert.equal(listed.items[0]?.value, 'a/1');
      }));

      test('a single list can return more than 4 MB', withStore(async (store, root) => {
        const big = 'x'.repeat(200_000);
        for (let i = 0; i < 25; i++) await store.create(`${root}k${String(i).padStart(2, '0')}`, `${i}:${big}`);
        const listed = await store.list(root);
        assert.equal(listed.items.length, 25);
        assert.ok(listed.items.every((kv, i) => kv.value === `${i}:${big}`));
      }));

      test('list pages with limit and startAfter', withStore(async (store, root) => {
        const all: string[] = [];
        for (let i = 0; i < 25; i++) {
          all.push(`${root}k${String(i).padStart(2, '0')}`);
          await store.create(all[i]!, String(i));
        }
        await store.create(`${root.slice(0, -1)}0-outside`, 'sorts right after the prefix but is not under it');
        const seen: string[] = [];
        let startAfter: string | undefined;
        const pages: boolean[] = [];
        for (;;) {
          const page = await store.list(root, { limit: 10, startAfter });
          assert.ok(page.items.length <= 10);
          seen.push(...page.items.map((kv) => kv.key));
          pages.push(page.more);
          if (page.remaining !== undefined) assert.equal(page.remaining, all.length - seen.length);
          if (!page.more) break;
          startAfter = page.items[page.items.length - 1]!.key;
        }
        assert.deepEqual(seen, all);
        assert.deepEqual(pages, [true, true, false]);
        const exact = await store.list(root, { limit: 25 });
        assert.equal(exact.items.length, 25);
        assert.equal(exact.more, false, 'a page that ends exactly at the last key has nothing more');
        const mid = await store.list(root, { startAfter: `${root}k05x` });
        assert.equal(mid.items[0]?.key, `${root}k06`, 'startAfter need not be an existing key');
        const before = await store.list(root, { startAfter: '/', limit: 1 });
        assert.equal(before.items[0]?.key, all[0], 'startAfter before the prefix starts at the prefix');
        const past = await store.list(root, { startAfter: `${root}zzz` });
        assert.deepEqual(past.items, []);
        assert.equal(past.more, false);
      }));

      test('paging at a pinned revision is consistent while writes continue', withStore(async (store, root) => {
        for (let i = 0; i < 6; i++) await store.create(`${root}k${i}`, `v${i}`);
        const first = await store.list(root, { limit: 3 });
        await store.delete(`${root}k4`);
        await store.create(`${root}k6`, 'new');
        await store.update(`${root}k5`, 'changed', (await store.get(`${root}k5`))!.modRevision);
        const rest = await store.list(root, { limit: 3, startAfter: first.items[2]!.key, revision: first.revision });
        assert.equal(rest.revision, first.revision);
        assert.deepEqual(
          [...first.items, ...rest.items].map((kv) => `${kv.key.slice(root.length)}=${kv.value}`),
          ['k0=v0', 'k1=v1', 'k2=v2', 'k3=v3', 'k4=v4', 'k5=v5'],
        );
        assert.equal(rest.more, false);
      }));

      test('list at an old revision returns the state at that revision', withStore(async (store, root) => {
        const a1 = await store.create(`${root}a`, 'a1');
        const b1 = await store.create(`${root}b`, 'b1');
        const a2 = await store.update(`${root}a`, 'a2', a1.modRevision);
        await store.delete(`${root}b`);
        const afterDelete = await store.currentRevision();
        await store.create(`${root}c`, 'c1');
        const state = async (revision: number) =>
          (await store.list(root, { revision })).items.map((kv) => `${kv.key.slice(root.length)}=${kv.value}@${kv.modRevision}`);
        assert.deepEqual(await state(a1.modRevision), [`a=a1@${a1.modRevision}`]);
        assert.deepEqual(await state(b1.modRevision), [`a=a1@${a1.modRevision}`, `b=b1@${b1.modRevision}`]);
        assert.deepEqual(await state(a2.modRevision), [`a=a2@${a2.modRevision}`, `b=b1@${b1.modRevision}`]);
        assert.deepEqual(await state(afterDelete), [`a=a2@${a2.modRevision}`]);
        const old = await store.list(root, { revision: b1.modRevision });
        assert.equal(old.revision, b1.modRevision);
        const paged = await store.list(root, { revision: a2.modRevision, limit: 1 });
        assert.deepEqual(paged.items.map((kv) => kv.value), ['a2']);
        assert.equal(paged.more, true);
        const current = await store.currentRevision();
        await assert.rejects(store.list(root, { revision: current + 1000 }), FutureRevisionError);
      }));

      test('count counts live keys under the prefix', withStore(async (store, root) => {
        assert.equal(await store.count(root), 0);
        for (const k of ['a/1', 'a/2', 'a/3', 'ab/1']) await store.create(`${root}${k}`, k);
        await store.delete(`${root}a/2`);
        assert.equal(await store.count(`${root}a/`), 2);
        assert.equal(await store.count(`${root}ab/`), 1);
        assert.equal(await store.count(root), 3);
      }));
    });

    describe('update and guaranteedUpdate', () => {
      test('update is a compare-and-swap on modRevision', withStore(async (store, root) => {
        const v1 = await store.create(`${root}a`, 'v1');
        const v2 = await store.update(`${root}a`, 'v2', v1.modRevision);
        assert.ok(v2.modRevision > v1.modRevision);
        assert.equal(v2.createRevision, v1.createRevision);
        await assert.rejects(store.update(`${root}a`, 'stale', v1.modRevision), (err) => {
          assert.ok(err instanceof RevisionConflictError);
          assert.equal(err.expected, v1.modRevision);
          assert.equal(err.actual, v2.modRevision);
          return true;
        });
        assert.equal((await store.get(`${root}a`))?.value, 'v2');
      }));

      test('update of a missing or deleted key fails with KeyNotFoundError', withStore(async (store, root) => {
        await assert.rejects(store.update(`${root}missing`, 'x', 1), KeyNotFoundError);
        const kv = await store.create(`${root}gone`, 'x');
        await store.delete(`${root}gone`);
        await assert.rejects(store.update(`${root}gone`, 'y', kv.modRevision), KeyNotFoundError);
        assert.equal(await store.get(`${root}gone`), undefined, 'a failed update does not resurrect the key');
      }));

      test('guaranteedUpdate lands every one of 20 concurrent increments', withStore(async (store, root) => {
        const key = `${root}counter`;
        await store.create(key, '0');
        let calls = 0;
        const increment = () =>
          store.guaranteedUpdate(key, async (cur) => {
            calls++;
            await nextTick(); // let the other writers read the same value first
            return String(Number(cur!.value) + 1);
          });
        const results = await Promise.all(Array.from({ length: 20 }, increment));
        assert.equal((await store.get(key))?.value, '20');
        assert.equal(new Set(results.map((kv) => kv.modRevision)).size, 20, 'every increment is its own revision');
        assert.ok(calls > 20, 'lost races were retried');
      }));

      test('guaranteedUpdate creates with allowCreate and fails on a missing key without it', withStore(async (store, root) => {
        await assert.rejects(store.guaranteedUpdate(`${root}a`, () => 'x'), KeyNotFoundError);
        let seen: KeyValue | undefined | null = null;
        const kv = await store.guaranteedUpdate(`${root}a`, (cur) => {
          seen = cur;
          return 'made';
        }, { allowCreate: true });
        assert.equal(seen, undefined);
        assert.equal(kv.value, 'made');
        assert.equal(kv.createRevision, kv.modRevision);
        const next = await store.guaranteedUpdate(`${root}a`, (cur) => `${cur!.value}+1`, { allowCreate: true });
        assert.equal(next.value, 'made+1');
        assert.equal(next.createRevision, kv.createRevision);
      }));

      test('guaranteedUpdate aborts when fn throws and skips no-op writes', withStore(async (store, root) => {
        const kv = await store.create(`${root}a`, 'v1');
        await assert.rejects(store.guaranteedUpdate(`${root}a`, () => { throw new Error('veto'); }), /veto/);
        assert.deepEqual(await store.get(`${root}a`), kv);
        const same = await store.guaranteedUpdate(`${root}a`, (cur) => cur!.value);
        assert.deepEqual(same, kv);
        assert.equal(await store.currentRevision(), kv.modRevision, 'an unchanged value writes nothing');
      }));
    });

    describe('delete', () => {
      test('delete returns the last value and removes the key', withStore(async (store, root) => {
        const v1 = await store.create(`${root}a`, 'v1');
        const v2 = await store.update(`${root}a`, 'v2', v1.modRevision);
        const deleted = await store.delete(`${root}a`);
        assert.deepEqual(deleted, v2);
        assert.equal(await store.get(`${root}a`), undefined);
        assert.ok((await store.currentRevision()) > v2.modRevision, 'a delete is a write with its own revision');
        await assert.rejects(store.delete(`${root}a`), KeyNotFoundError);
        await assert.rejects(store.delete(`${root}never`), KeyNotFoundError);
      }));

      test('delete with a modRevision precondition', withStore(async (store, root) => {
        const v1 = await store.create(`${root}a`, 'v1');
        const v2 = await store.update(`${root}a`, 'v2', v1.modRevision);
        await assert.rejects(store.delete(`${root}a`, { modRevision: v1.modRevision }), (err) => {
          assert.ok(err instanceof RevisionConflictError);
          assert.equal(err.expected, v1.modRevision);
          assert.equal(err.actual, v2.modRevision);
          return true;
        });
        assert.deepEqual(await store.get(`${root}a`), v2, 'the key survives a failed precondition');
        assert.deepEqual(await store.delete(`${root}a`, { modRevision: v2.modRevision }), v2);
        await assert.rejects(store.delete(`${root}a`, { modRevision: v2.modRevision }), KeyNotFoundError);
      }));
    });

    describe('watch', () => {
      test('live events arrive in revision order, updates with the previous value', withStore(async (store, root) => {
        const w = await record(store, root, await store.currentRevision());
        const a = await store.create(`${root}a`, 'a1');
        const b = await store.create(`${root}b`, 'b1');
        const a2 = await store.update(`${root}a`, 'a2', a.modRevision);
        await w.waitFor(3);
        assert.deepEqual(w.events, [
          { type: 'put', kv: a },
          { type: 'put', kv: b },
          { type: 'put', kv: a2, prev: a },
        ]);
        w.stop();
      }));

      test('a watch sees only keys under its prefix', withStore(async (store, root) => {
        const start = await store.currentRevision();
        const narrow = await record(store, `${root}a/`, start);
        const wide = await record(store, `${root}a`, start);
        await store.create(`${root}ab/1`, 'x');
        await store.create(`${root}b`, 'x');
        const inA = await store.create(`${root}a/1`, 'x');
        await wide.waitFor(2);
        await narrow.waitFor(1);
        assert.deepEqual(narrow.keys(), [`${root}a/1`]);
        assert.deepEqual(wide.keys(), [`${root}ab/1`, `${root}a/1`]);
        assert.equal(narrow.events[0]?.type === 'put' && narrow.events[0].kv.modRevision, inA.modRevision);
        narrow.stop();
        wide.stop();
      }));

      test('a delete event carries the last value and the deletion revision', withStore(async (store, root) => {
        const v1 = await store.create(`${root}a`, 'v1');
        const v2 = await store.update(`${root}a`, 'v2', v1.modRevision);
        const w = await record(store, root, v2.modRevision);
        await store.delete(`${root}a`);
        const deletedAt = await store.currentRevision();
        await w.waitFor(1);
        assert.deepEqual(w.events, [{ type: 'delete', kv: v2, revision: deletedAt }]);
        w.stop();
      }));

      test('history is replayed, then live events follow with no gap and no duplicate', withStore(async (store, root) => {
        const writes: number[] = [];
        const writeOne = async (i: number) => {
          const key = `${root}k${i % 7}`;
          const cur = await store.get(key);
          if (cur && i % 5 === 0) await store.delete(key);
          else if (cur) await store.update(key, `v${i}`, cur.modRevision);
          else await store.create(key, `v${i}`);
          writes.push(await store.currentRevision());
        };
        for (let i = 0; i < 20; i++) await writeOne(i);
        const after = writes[9]!;
        // Keep writing while the watch is being set up, so the handover happens under load.
        const writer = (async () => {
          for (let i = 20; i < 60; i++) await writeOne(i);
        })();
        const w = await record(store, root, after);
        await writer;
        const expected = writes.filter((rev) => rev > after);
        await w.waitFor(expected.length);
        assert.deepEqual(w.revisions(), expected);
        // Every event is what a live watcher from the beginning would have seen.
        const full = await record(store, root, writes[0]! - 1);
        await full.waitFor(writes.length);
        assert.deepEqual(w.events, full.events.slice(10));
        w.stop();
        full.stop();
      }));

      test('replayed events match the live ones, including prev and deletes', withStore(async (store, root) => {
        const start = await store.currentRevision();
        const live = await record(store, root, start);
        const a = await store.create(`${root}a`, '1');
        const a2 = await store.update(`${root}a`, '2', a.modRevision);
        await store.delete(`${root}a`);
        await store.create(`${root}a`, '3');
        await live.waitFor(4);
        const replay = await record(store, root, start);
        await replay.waitFor(4);
        assert.deepEqual(replay.events, live.events);
        assert.deepEqual(live.events[1], { type: 'put', kv: a2, prev: a });
        assert.equal(live.events[3]?.type === 'put' && live.events[3].prev, undefined, 'a re-create has no prev');
        live.stop();
        replay.stop();
      }));

      test('stop ends delivery', withStore(async (store, root) => {
        const w = await record(store, root, await store.currentRevision());
        const probe = await record(store, root, await store.currentRevision());
        await store.create(`${root}a`, '1');
        await w.waitFor(1);
        w.stop();
        await store.create(`${root}b`, '2');
        await probe.waitFor(2); // the other watcher has seen the second write by now
        await nextTick();
        assert.equal(w.events.length, 1);
        probe.stop();
      }));

      test('a watcher whose handler throws is ended through onError', withStore(async (store, root) => {
        const errors: Error[] = [];
        let calls = 0;
        const w = await store.watch(root, {
          afterRevision: await store.currentRevision(),
          onEvent: () => {
            calls++;
            throw new Error('handler broke');
          },
          onError: (err) => errors.push(err),
        });
        const probe = await record(store, root, await store.currentRevision());
        await store.create(`${root}a`, '1');
        await store.create(`${root}b`, '2');
        await probe.waitFor(2);
        await waitUntil(() => errors.length > 0, 'onError');
        assert.match(errors[0]!.message, /handler broke/);
        assert.equal(calls, 1);
        w.stop();
        probe.stop();
      }));
    });

    describe('revisions and compaction', () => {
      test('revisions increase with every write and currentRevision follows', withStore(async (store, root) => {
        let last = await store.currentRevision();
        const expectNext = async (rev: number) => {
          assert.ok(rev > last, `revision ${rev} follows ${last}`);
          assert.equal(await store.currentRevision(), rev);
          last = rev;
        };
        const a = await store.create(`${root}a`, '1');
        await expectNext(a.modRevision);
        const a2 = await store.update(`${root}a`, '2', a.modRevision);
        await expectNext(a2.modRevision);
        await store.delete(`${root}a`);
        assert.ok((await store.currentRevision()) > last);
        last = await store.currentRevision();
        await assert.rejects(store.create(`${root}b`, 'x').then(() => store.create(`${root}b`, 'y')), KeyExistsError);
        const afterFailure = await store.currentRevision();
        assert.equal(afterFailure, last + 1, 'a failed write does not use up a revision');
        await store.get(`${root}b`);
        await store.list(root);
        assert.equal(await store.currentRevision(), afterFailure, 'reads do not change the revision');
      }));

      test('compaction keeps live keys and the state at the compaction revision', withStore(async (store, root) => {
        const old = await store.create(`${root}old`, 'untouched');
        const a1 = await store.create(`${root}a`, 'a1');
        await store.create(`${root}b`, 'b1');
        const a2 = await store.update(`${root}a`, 'a2', a1.modRevision);
        await store.delete(`${root}b`);
        const c1 = await store.create(`${root}c`, 'c1');
        const c2 = await store.update(`${root}c`, 'c2', c1.modRevision);
        await store.compact(c1.modRevision);
        assert.equal(await store.compactRevision(), c1.modRevision);
        assert.deepEqual((await store.list(root)).items, [a2, c2, old]);
        assert.deepEqual((await store.list(root, { revision: c1.modRevision })).items, [a2, c1, old]);
        assert.deepEqual(await store.get(`${root}old`), old);
        assert.equal(await store.get(`${root}b`), undefined);
        assert.equal(await store.count(root), 3);
        const replay = await record(store, root, c1.modRevision);
        await replay.waitFor(1);
        assert.deepEqual(replay.events, [{ type: 'put', kv: c2, prev: c1 }]);
        replay.stop();
        const b = await store.create(`${root}b`, 'again');
        assert.deepEqual(await store.get(`${root}b`), b, 'a key deleted before compaction can be created again');
        const a3 = await store.update(`${root}a`, 'a3', a2.modRevision);
        assert.equal(a3.createRevision, a1.createRevision, 'a live key keeps its create revision');
      }));

      test('reads and watches older than the compaction point fail with CompactedError', withStore(async (store, root) => {
        const a = await store.create(`${root}a`, '1');
        const a2 = await store.update(`${root}a`, '2', a.modRevision);
        await store.update(`${root}a`, '3', a2.modRevision);
        await store.compact(a2.modRevision);
        const isCompacted = (err: unknown) => {
          assert.ok(err instanceof CompactedError, `expected CompactedError, got ${String(err)}`);
          assert.equal(err.requested, a.modRevision);
          assert.equal(err.compacted, a2.modRevision);
          return true;
        };
        await assert.rejects(store.list(root, { revision: a.modRevision }), isCompacted);
        await assert.rejects(store.watch(root, { afterRevision: a.modRevision, onEvent: () => {} }), isCompacted);
        await assert.rejects(store.watch(root, { afterRevision: 0, onEvent: () => {} }), CompactedError);
        const ok = await store.list(root, { revision: a2.modRevision });
        assert.deepEqual(ok.items.map((kv) => kv.value), ['2']);
        const w = await record(store, root, a2.modRevision);
        await w.waitFor(1);
        w.stop();
      }));

      test('compactRevision only moves forward', withStore(async (store, root) => {
        const a = await store.create(`${root}a`, '1');
        await store.create(`${root}b`, '2');
        await store.compact(a.modRevision);
        const first = await store.compactRevision();
        assert.equal(first, a.modRevision);
        await store.compact(a.modRevision - 1);
        await store.compact(a.modRevision);
        assert.equal(await store.compactRevision(), first, 'compacting to an older revision changes nothing');
        const current = await store.currentRevision();
        await assert.rejects(store.compact(current + 1000), FutureRevisionError);
        await store.compact(current);
        assert.equal(await store.compactRevision(), current);
        assert.equal((await store.list(root)).items.length, 2);
      }));
    });

    test('close ends open watches through onError', async () => {
      const { store, cleanup } = await open();
      try {
        const errors: Error[] = [];
        await store.watch(newRoot(), { afterRevision: await store.currentRevision(), onEvent: () => {}, onError: (e) => errors.push(e) });
        await store.close();
        await waitUntil(() => errors.length === 1, 'onError after close');
      } finally {
        await cleanup();
      }
    });
  });
}

/** A watch that records what it sees, for assertions. */
interface Recording {
  events: WatchEvent[];
  errors: Error[];
  waitFor(count: number): Promise<void>;
  keys(): string[];
  revisions(): number[];
  stop(): void;
}

async function record(store: Store, prefix: string, afterRevision: number): Promise<Recording> {
  const events: WatchEvent[] = [];
  const errors: Error[] = [];
  const watcher: Watcher = await store.watch(prefix, {
    afterRevision,
    onEvent: (e) => events.push(e),
    onError: (e) => errors.push(e),
  });
  return {
    events,
    errors,
    waitFor: (count) =>
      waitUntil(() => {
        if (errors.length > 0) throw errors[0];
        return events.length >= count;
      }, `${count} events on ${prefix} (have ${events.length})`),
    keys: () => events.map((e) => e.kv.key),
    revisions: () => events.map((e) => (e.type === 'delete' ? e.revision : e.kv.modRevision)),
    stop: () => watcher.stop(),
  };
}

/**
 * Polls until `cond` holds. The deadline only turns a hang into a readable failure; no
 * assertion depends on how fast anything is.
 */
async function waitUntil(cond: () => boolean, what: string, deadlineMs = 20_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
