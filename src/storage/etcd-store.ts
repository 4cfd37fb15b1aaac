import etcd3, { type Etcd3, type IKeyValue, type IOptions, type IRangeRequest, type KVClient } from 'etcd3';
import {
  CompactedError,
  FutureRevisionError,
  KeyExistsError,
  KeyNotFoundError,
  RevisionConflictError,
  StorageError,
} from './errors.js';
import { EtcdWatch, fromEtcd } from './etcd-watch.js';
import { guaranteedUpdate } from './guaranteed-update.js';
import { lowerBound, prefixEndBytes } from './key-range.js';
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

/** A single key no one writes, read only for revision headers and compaction probes. */
const PROBE_KEY = Buffer.from([0]);

const isCompactedError = (err: unknown) =>
  err instanceof Error && err.message.includes('required revision has been compacted');
const isFutureRevisionError = (err: unknown) =>
  err instanceof Error && err.message.includes('required revision is a future revision');

/**
 * The distributed backend: etcd v3 through the `etcd3` client. Revisions are etcd's own
 * (mod_revision / create_revision / header revision), so several servers can share one etcd
 * cluster and agree on resourceVersions. Every conditional write is one etcd transaction.
 *
 * @example
 * const store = await openEtcdStore('http://127.0.0.1:2379');
 * await store.create('/registry/pods/default/a', '{}');
 */
export class EtcdStore implements Store {
  private readonly kv: KVClient;
  /** Lower bound for the compaction point, to shorten the search in compactRevision(). */
  private knownCompacted = 0;
  private readonly watches = new Set<EtcdWatch>();
  private closed = false;

  /** Use openEtcdStore; this does not check that etcd answers. */
  constructor(private readonly client: Etcd3) {
    this.kv = client.kv;
  }

  async create(key: string, value: string): Promise<KeyValue> {
    const k = Buffer.from(key);
    const res = await this.call(() =>
      this.kv.txn({
        compare: [{ key: k, target: 'Create', result: 'Equal', create_revision: 0 }],
        success: [{ request_put: { key: k, value: Buffer.from(value) } }],
        failure: [],
      }),
    );
    if (!res.succeeded) throw new KeyExistsError(key);
    const revision = Number(res.header.revision);
    return { key, value, createRevision: revision, modRevision: revision };
  }

  async get(key: string): Promise<KeyValue | undefined> {
    const res = await this.call(() => this.kv.range({ key: Buffer.from(key) }));
    return res.kvs[0] ? fromEtcd(res.kvs[0]) : undefined;
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    const lo = lowerBound(prefix, opts.startAfter);
    // key + "\0" is the first key after `key` in byte order.
    const start = lo.inclusive ? lo.key : `${lo.key}\0`;
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    const revision = opts.revision && opts.revision > 0 ? opts.revision : 0;
    const res = await this.read(revision, {
      key: start === '' ? PROBE_KEY : Buffer.from(start),
      range_end: prefixEndBytes(prefix),
      limit,
      revision,
    });
    const items = res.kvs.map(fromEtcd);
    return {
      items,
      revision: revision || Number(res.header.revision),
      more: res.more,
      remaining: Number(res.count) - items.length,
    };
  }

  async count(prefix: string): Promise<number> {
    const res = await this.call(() =>
      this.kv.range({ key: prefix === '' ? PROBE_KEY : Buffer.from(prefix), range_end: prefixEndBytes(prefix), count_only: true }),
    );
    return Number(res.count);
  }

  async update(key: string, value: string, expectedModRevision: number): Promise<KeyValue> {
    const k = Buffer.from(key);
    if (expectedModRevision <= 0) throw await this.writeConflict(key, expectedModRevision);
    const res = await this.call(() =>
      this.kv.txn({
        compare: [{ key: k, target: 'Mod', result: 'Equal', mod_revision: expectedModRevision }],
        success: [{ request_put: { key: k, value: Buffer.from(value), prev_kv: true } }],
        failure: [{ request_range: { key: k } }],
      }),
    );
    if (!res.succeeded) throw this.conflict(key, expectedModRevision, res.responses[0]?.response_range.kvs[0]);
    const prev = res.responses[0]!.response_put.prev_kv;
    const revision = Number(res.header.revision);
    return { key, value, createRevision: Number(prev.create_revision), modRevision: revision };
  }

  guaranteedUpdate(key: string, fn: UpdateFn, opts?: { allowCreate?: boolean }): Promise<KeyValue> {
    return guaranteedUpdate(this, key, fn, opts);
  }

  async delete(key: string, pre?: Preconditions): Promise<KeyValue> {
    const k = Buffer.from(key);
    if (pre?.modRevision === undefined) {
      const res = await this.call(() => this.kv.deleteRange({ key: k, prev_kv: true }));
      if (!res.prev_kvs[0]) throw new KeyNotFoundError(key);
      return fromEtcd(res.prev_kvs[0]);
    }
    const expected = pre.modRevision;
    if (expected <= 0) throw await this.writeConflict(key, expected);
    const res = await this.call(() =>
      this.kv.txn({
        compare: [{ key: k, target: 'Mod', result: 'Equal', mod_revision: expected }],
        success: [{ request_delete_range: { key: k, prev_kv: true } }],
        failure: [{ request_range: { key: k } }],
      }),
    );
    if (!res.succeeded) throw this.conflict(key, expected, res.responses[0]?.response_range.kvs[0]);
    return fromEtcd(res.responses[0]!.response_delete_range.prev_kvs[0]!);
  }

  async watch(prefix: string, opts: WatchOptions): Promise<Watcher> {
    this.checkOpen();
    // etcd would accept the watch and cancel it a moment later; check first so the caller
    // gets CompactedError from watch() itself, like the SQLite store.
    if (!(await this.readableAt(Math.max(opts.afterRevision, 1)))) {
      throw new CompactedError(opts.afterRevision, await this.compactRevision());
    }
    const range = { start: prefix === '' ? PROBE_KEY : Buffer.from(prefix), end: prefixEndBytes(prefix) };
    const watch = await EtcdWatch.start(this.client, range, opts, (err, next) => this.explainCancel(err, next), (w) =>
      this.watches.delete(w),
    );
    this.watches.add(watch);
    return watch;
  }

  async compact(revision: number): Promise<void> {
    try {
      await this.call(() => this.kv.compact({ revision, physical: true }));
    } catch (err) {
      if (isCompactedError(err)) return; // already compacted at or past it: nothing to do
      if (isFutureRevisionError(err)) throw new FutureRevisionError(revision, await this.currentRevision());
      throw err;
    }
    this.knownCompacted = Math.max(this.knownCompacted, revision);
  }

  async currentRevision(): Promise<number> {
    const res = await this.call(() => this.kv.range({ key: PROBE_KEY, count_only: true }));
    return Number(res.header.revision);
  }

  /**
   * etcd has no API that reports its compaction point, but a read at revision R fails
   * exactly when R is below it, so binary-search for the oldest readable revision. The last
   * answer is remembered (the point only moves forward), so repeated calls take a probe or two.
   */
  async compactRevision(): Promise<number> {
    let lo = Math.max(this.knownCompacted, 1);
    if (await this.readableAt(lo)) return lo === 1 ? this.knownCompacted : lo;
    let hi = await this.currentRevision(); // lo is unreadable, hi (the newest) is readable
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (await this.readableAt(mid)) hi = mid;
      else lo = mid;
    }
    this.knownCompacted = hi;
    return hi;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const w of [...this.watches]) w.end(new StorageError('store closed', ''));
    this.client.close();
  }

  private async readableAt(revision: number): Promise<boolean> {
    try {
      await this.call(() => this.kv.range({ key: PROBE_KEY, count_only: true, revision }));
      return true;
    } catch (err) {
      if (isCompactedError(err)) return false;
      if (isFutureRevisionError(err)) return true;
      throw err;
    }
  }

  /** A range read at `revision` (0: latest), with etcd's revision errors mapped to ours. */
  private async read(revision: number, req: IRangeRequest) {
    try {
      return await this.call(() => this.kv.range(req));
    } catch (err) {
      if (isCompactedError(err)) throw new CompactedError(revision, await this.compactRevision());
      if (isFutureRevisionError(err)) throw new FutureRevisionError(revision, await this.currentRevision());
      throw err;
    }
  }

  private conflict(key: string, expected: number, current: IKeyValue | undefined): StorageError {
    if (!current) return new KeyNotFoundError(key);
    return new RevisionConflictError(key, expected, Number(current.mod_revision));
  }

  /** For an expected revision no write can have (0 or less): missing or a conflict. */
  private async writeConflict(key: string, expected: number): Promise<StorageError> {
    const current = await this.get(key);
    return current ? new RevisionConflictError(key, expected, current.modRevision) : new KeyNotFoundError(key);
  }

  private explainCancel(err: Error, nextRevision: number): Promise<Error> {
    return this.compactRevision().then((compacted) =>
      nextRevision < compacted ? new CompactedError(nextRevision - 1, compacted) : err,
    );
  }

  private call<T>(fn: () => Promise<T>): Promise<T> {
    this.checkOpen();
    return fn();
  }

  private checkOpen(): void {
    if (this.closed) throw new StorageError('store closed', '');
  }
}

/**
 * Connects to etcd. `endpoints` is a comma-separated list of client URLs such as
 * `http://127.0.0.1:2379,http://10.0.0.2:2379`; `options` is passed to the etcd3 client
 * (TLS credentials, auth, timeouts). Resolves once etcd has answered a read.
 */
export async function openEtcdStore(endpoints: string, options: Partial<IOptions> = {}): Promise<EtcdStore> {
  const hosts = endpoints
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  if (hosts.length === 0) throw new Error('no etcd endpoints given');
  const store = new EtcdStore(
    new etcd3.Etcd3({
      ...options,
      hosts,
      // gRPC's default 4 MB receive cap would fail a LIST of a few thousand objects; like
      // kube-apiserver, accept anything etcd is willing to send.
      grpcOptions: { 'grpc.max_receive_message_length': 2 ** 31 - 1, ...options.grpcOptions },
      faultHandling: { watchBackoff: watchBackoff(), ...options.faultHandling },
    }),
  );
  try {
    await store.currentRevision();
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}

/** A backoff step in the shape the etcd3 client (cockatiel's IBackoff) expects. */
interface Backoff {
  readonly duration: number;
  next(context: unknown): Backoff;
}

/**
 * Delays between watch re-subscriptions: 100 ms doubling to at most 2 s. The etcd3 default
 * grows to 30 s, which would leave every watcher that long behind after an etcd restart.
 */
function watchBackoff(delayMs = 100): Backoff {
  return { duration: delayMs, next: () => watchBackoff(Math.min(delayMs * 2, 2000)) };
}
