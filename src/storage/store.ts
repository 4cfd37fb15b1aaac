/**
 * The storage contract every backend implements (SQLite and etcd v3).
 *
 * Keys are plain strings such as `/registry/pods/default/web-1`; values are opaque strings
 * (the API server stores JSON). Every write gets a new cluster-wide revision, which is what
 * the API exposes as `metadata.resourceVersion`.
 *
 * @example
 * const kv = await store.create('/registry/pods/default/a', JSON.stringify(pod));
 * await store.guaranteedUpdate('/registry/pods/default/a', (cur) => mutate(cur));
 */
export interface KeyValue {
  key: string;
  value: string;
  /** Revision at which the key was (last) created. */
  createRevision: number;
  /** Revision of the write that produced this value. */
  modRevision: number;
}

/** One change seen by a watcher. `delete` carries the last value the key had. */
export type WatchEvent =
  | { type: 'put'; kv: KeyValue; prev?: KeyValue }
  | { type: 'delete'; kv: KeyValue; revision: number };

export interface ListOptions {
  /** At most this many items; `more` tells whether others follow. */
  limit?: number;
  /** Only keys strictly greater than this one (paging). */
  startAfter?: string;
  /** Read as of this revision (0 or absent: latest). Throws CompactedError if compacted. */
  revision?: number;
}

export interface ListResult {
  items: KeyValue[];
  /** Revision the list was read at. */
  revision: number;
  /** More keys under the prefix follow the last item. */
  more: boolean;
  /** How many keys follow, when the backend knows cheaply. */
  remaining?: number;
}

export interface Watcher {
  stop(): void;
}

export interface WatchOptions {
  /** Deliver every event with a revision greater than this one (history first, then live). */
  afterRevision: number;
  onEvent: (event: WatchEvent) => void;
  /** The backend lost the watch (for example compaction overtook it); no more events follow. */
  onError?: (err: Error) => void;
}

/** Called with the current value (undefined if absent); returns the new value. Throwing aborts. */
export type UpdateFn = (current: KeyValue | undefined) => string | Promise<string>;

export interface Preconditions {
  /** Expected modRevision of the current value. */
  modRevision?: number;
}

export interface Store {
  /** Fails with KeyExistsError when the key exists. */
  create(key: string, value: string): Promise<KeyValue>;
  get(key: string): Promise<KeyValue | undefined>;
  list(prefix: string, opts?: ListOptions): Promise<ListResult>;
  /** Number of keys under the prefix. */
  count(prefix: string): Promise<number>;
  /** Compare-and-swap on modRevision; KeyNotFoundError or RevisionConflictError on mismatch. */
  update(key: string, value: string, expectedModRevision: number): Promise<KeyValue>;
  /**
   * Reads, applies fn and writes, retrying when another writer got there first.
   * With `allowCreate`, fn is called with undefined for an absent key and its result created.
   */
  guaranteedUpdate(key: string, fn: UpdateFn, opts?: { allowCreate?: boolean }): Promise<KeyValue>;
  /** Deletes the key, optionally only at an expected revision; returns the deleted value. */
  delete(key: string, pre?: Preconditions): Promise<KeyValue>;
  watch(prefix: string, opts: WatchOptions): Promise<Watcher>;
  /** Forgets history at and below `revision`; watches and reads older than it fail with CompactedError. */
  compact(revision: number): Promise<void>;
  /** Latest revision of the store. */
  currentRevision(): Promise<number>;
  /** Oldest revision a watch or read may still start from (the compaction point). */
  compactRevision(): Promise<number>;
  close(): Promise<void>;
}
