import Database from 'better-sqlite3';
import {
  CompactedError,
  FutureRevisionError,
  KeyExistsError,
  KeyNotFoundError,
  RevisionConflictError,
  StorageError,
} from './errors.js';
import { guaranteedUpdate } from './guaranteed-update.js';
import { lowerBound, prefixEnd } from './key-range.js';
import { compactLog } from './sqlite-compaction.js';
import { historyEvent, SqliteQueries, toKeyValue, type LatestRow, type RangeShape } from './sqlite-queries.js';
import { prepareDatabase, readLastRevision, readMeta, writeMeta } from './sqlite-schema.js';
import type {
  KeyValue,
  ListOptions,
  ListResult,
  Preconditions,
  Store,
  UpdateFn,
  WatchOptions,
  Watcher,
} from './store.js';
import { WatchFanout } from './watch-fanout.js';

/**
 * The embedded backend: a kine-style revision log in one SQLite file (see sqlite-schema.ts).
 *
 * better-sqlite3 is synchronous and this process is the file's only writer, so every write
 * is one short transaction that checks and appends atomically, and watchers are fed
 * in-process right after each commit. Opening the same file from two processes at once is
 * not supported: the second one's watchers would not see the first one's writes.
 *
 * @example
 * const store = openSqliteStore('/var/lib/k8ts/state.db');
 * const kv = await store.create('/registry/pods/default/a', '{}');
 * const { items } = await store.list('/registry/pods/');
 */
export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly q: SqliteQueries;
  private readonly fanout = new WatchFanout();
  /** Last revision handed out; AUTOINCREMENT guarantees the next row's id is above it. */
  private revision: number;
  private compacted: number;
  /** Serializes compactions: each one continues from where the previous stopped. */
  private compaction: Promise<void> = Promise.resolve();
  private closed = false;

  private readonly createTx: (key: string, value: string) => KeyValue;
  private readonly updateTx: (key: string, value: string, expected: number) => { kv: KeyValue; prev: KeyValue };
  private readonly deleteTx: (key: string, expected: number | undefined) => { kv: KeyValue; revision: number };

  /** Opens (creating if needed) the store in the file at `path`; ':memory:' works for tests. */
  static open(path: string): SqliteStore {
    return new SqliteStore(new Database(path));
  }

  private constructor(db: Database.Database) {
    this.db = db;
    prepareDatabase(db);
    this.q = new SqliteQueries(db);
    this.revision = readLastRevision(db);
    this.compacted = readMeta(db, 'compact_revision');
    this.createTx = db.transaction((key: string, value: string) => this.doCreate(key, value));
    this.updateTx = db.transaction((key: string, value: string, expected: number) => this.doUpdate(key, value, expected));
    this.deleteTx = db.transaction((key: string, expected: number | undefined) => this.doDelete(key, expected));
  }

  async create(key: string, value: string): Promise<KeyValue> {
    this.checkOpen();
    const kv = this.write(key, () => this.createTx(key, value), () => new KeyExistsError(key));
    this.fanout.publish(key, { type: 'put', kv });
    return kv;
  }

  async get(key: string): Promise<KeyValue | undefined> {
    this.checkOpen();
    const row = this.q.latest.get(key);
    if (!row || row.deleted) return undefined;
    return { key, value: row.value, createRevision: row.create_revision, modRevision: row.id };
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    this.checkOpen();
    const revision = this.readRevision(opts.revision);
    const lo = lowerBound(prefix, opts.startAfter);
    const hi = prefixEnd(prefix);
    const shape: RangeShape = { inclusive: lo.inclusive, bounded: hi !== undefined };
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    const params = { lo: lo.key, hi, rev: revision, limit: limit ? limit + 1 : -1 };
    const latest = revision === this.revision;
    const rows = latest ? this.q.listLatest(shape).all(params) : this.q.listAt(shape).all(params);
    const more = limit > 0 && rows.length > limit;
    if (more) rows.length = limit;
    const items = rows.map(toKeyValue);
    const result: ListResult = { items, revision, more };
    if (latest) {
      // Counting the rest of a range of kine_current walks only index entries, so it is cheap.
      const after = items.length > 0 ? { inclusive: false, key: items[items.length - 1]!.key } : lo;
      result.remaining = more
        ? this.q.countLatest({ inclusive: after.inclusive, bounded: shape.bounded }).get({ lo: after.key, hi })!
        : 0;
    }
    return result;
  }

  async count(prefix: string): Promise<number> {
    this.checkOpen();
    const hi = prefixEnd(prefix);
    return this.q.countLatest({ inclusive: true, bounded: hi !== undefined }).get({ lo: prefix, hi })!;
  }

  async update(key: string, value: string, expectedModRevision: number): Promise<KeyValue> {
    this.checkOpen();
    const { kv, prev } = this.write(key, () => this.updateTx(key, value, expectedModRevision), (actual) =>
      new RevisionConflictError(key, expectedModRevision, actual),
    );
    this.fanout.publish(key, { type: 'put', kv, prev });
    return kv;
  }

  guaranteedUpdate(key: string, fn: UpdateFn, opts?: { allowCreate?: boolean }): Promise<KeyValue> {
    return guaranteedUpdate(this, key, fn, opts);
  }

  async delete(key: string, pre?: Preconditions): Promise<KeyValue> {
    this.checkOpen();
    const { kv, revision } = this.write(key, () => this.deleteTx(key, pre?.modRevision), (actual) =>
      new RevisionConflictError(key, pre?.modRevision ?? 0, actual),
    );
    this.fanout.publish(key, { type: 'delete', kv, revision });
    return kv;
  }

  async watch(prefix: string, opts: WatchOptions): Promise<Watcher> {
    this.checkOpen();
    if (opts.afterRevision < this.compacted) throw new CompactedError(opts.afterRevision, this.compacted);
    // Read the history and subscribe without yielding in between: no write can land in
    // the gap, so the replay ends exactly where live delivery begins.
    let history: ReturnType<typeof historyEvent>[] = [];
    if (opts.afterRevision < this.revision) {
      const hi = prefixEnd(prefix);
      const rows = this.q
        .history({ inclusive: true, bounded: hi !== undefined })
        .all({ after: opts.afterRevision, upto: this.revision, lo: prefix, hi });
      history = rows.map(historyEvent);
    }
    return this.fanout.subscribe(prefix, opts, history);
  }

  compact(revision: number): Promise<void> {
    const run = this.compaction.then(() => this.doCompact(revision));
    // Keep the chain alive after a failure; the caller still sees this one's error.
    this.compaction = run.catch(() => undefined);
    return run;
  }

  async currentRevision(): Promise<number> {
    this.checkOpen();
    return this.revision;
  }

  async compactRevision(): Promise<number> {
    this.checkOpen();
    return this.compacted;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.fanout.closeAll(new StorageError('store closed', ''));
    await this.compaction;
    this.db.close();
  }

  private async doCompact(revision: number): Promise<void> {
    this.checkOpen();
    if (revision <= this.compacted) return;
    if (revision > this.revision) throw new FutureRevisionError(revision, this.revision);
    // Publish the new compaction point first, so no reader starts below it while rows go.
    this.compacted = revision;
    writeMeta(this.db, 'compact_revision', revision);
    await compactLog(this.db, readMeta(this.db, 'compact_done'), revision, () => this.closed);
  }

  private doCreate(key: string, value: string): KeyValue {
    const last = this.q.latest.get(key);
    if (last && !last.deleted) throw new KeyExistsError(key);
    const id = Number(this.q.insertCreated.run(key, last?.id ?? 0, value).lastInsertRowid);
    this.q.setCurrent.run(key, id);
    this.revision = id;
    return { key, value, createRevision: id, modRevision: id };
  }

  private doUpdate(key: string, value: string, expected: number): { kv: KeyValue; prev: KeyValue } {
    const last = this.liveRow(key, expected);
    const id = Number(this.q.insert.run(key, 0, 0, last.create_revision, last.id, value).lastInsertRowid);
    this.q.setCurrent.run(key, id);
    this.revision = id;
    return {
      kv: { key, value, createRevision: last.create_revision, modRevision: id },
      prev: { key, value: last.value, createRevision: last.create_revision, modRevision: last.id },
    };
  }

  private doDelete(key: string, expected: number | undefined): { kv: KeyValue; revision: number } {
    const last = this.liveRow(key, expected);
    // The marker repeats the last value so that replayed delete events can carry it.
    const id = Number(this.q.insert.run(key, 0, 1, last.create_revision, last.id, last.value).lastInsertRowid);
    this.q.clearCurrent.run(key);
    this.revision = id;
    return { kv: { key, value: last.value, createRevision: last.create_revision, modRevision: last.id }, revision: id };
  }

  /** The key's current row, checked against the caller's expected revision. */
  private liveRow(key: string, expected: number | undefined): LatestRow {
    const last = this.q.latest.get(key);
    if (!last || last.deleted) throw new KeyNotFoundError(key);
    if (expected !== undefined && last.id !== expected) throw new RevisionConflictError(key, expected, last.id);
    return last;
  }

  /**
   * Runs a write transaction. The unique (name, prev_revision) index only fires if someone
   * else wrote the file between our check and our insert; report that as the lost race it is.
   */
  private write<T>(key: string, tx: () => T, lostRace: (actual: number) => StorageError): T {
    try {
      return tx();
    } catch (err) {
      if (err instanceof Database.SqliteError && err.code === 'SQLITE_CONSTRAINT_UNIQUE') {
        this.revision = readLastRevision(this.db);
        throw lostRace(this.q.latest.get(key)?.id ?? 0);
      }
      throw err;
    }
  }

  /** The revision a read happens at; 0 or absent means the latest. */
  private readRevision(requested: number | undefined): number {
    if (!requested) return this.revision;
    if (requested < this.compacted) throw new CompactedError(requested, this.compacted);
    if (requested > this.revision) throw new FutureRevisionError(requested, this.revision);
    return requested;
  }

  private checkOpen(): void {
    if (this.closed) throw new StorageError('store closed', '');
  }
}

/** Opens (creating if needed) a SQLite-backed store in the file at `path`. */
export function openSqliteStore(path: string): SqliteStore {
  return SqliteStore.open(path);
}
