import type { KubeObject } from '../../api/types.js';
import type { Store, Watcher } from '../../storage/store.js';

/** One decoded change of a resource, shared by every watcher that receives it (never mutate). */
export interface CachedEvent {
  revision: number;
  /** What changed and how, before selector filtering. */
  kind: 'created' | 'updated' | 'deleted';
  obj: KubeObject;
  /** The object before an update, for selector transitions (decoded on first use). */
  prev?: () => KubeObject;
}

type Listener = (ev: CachedEvent) => void;

/**
 * One storage watch per resource, decoded once and fanned out to every API watcher of that
 * resource (the apiserver's watch cache). Recent events stay in a ring buffer so a watch
 * starting from a recent resourceVersion is served from memory; older starts fall back to
 * the store's own history.
 */
export class WatchCache {
  private readonly buffer: CachedEvent[] = [];
  private readonly listeners = new Set<{ after: number; fn: Listener }>();
  private watcher?: Watcher;
  private starting?: Promise<void>;
  /** Events above this revision are (or will be) in the buffer; older ones were dropped or never seen. */
  private floor = Number.POSITIVE_INFINITY;
  private failed?: Error;

  constructor(
    private readonly storage: Store,
    private readonly prefix: string,
    private readonly decode: (kv: { key: string; value: string; createRevision: number; modRevision: number }) => KubeObject,
    private readonly capacity = 1_000,
  ) {}

  private async ensureStarted(): Promise<void> {
    if (this.watcher) return;
    this.starting ??= (async () => {
      const from = await this.storage.currentRevision();
      this.watcher = await this.storage.watch(this.prefix, {
        afterRevision: from,
        onEvent: (ev) => {
          let cached: CachedEvent;
          if (ev.type === 'delete') {
            cached = { revision: ev.revision, kind: 'deleted', obj: this.decode({ ...ev.kv, modRevision: ev.revision }) };
          } else {
            const created = ev.kv.createRevision === ev.kv.modRevision;
            cached = { revision: ev.kv.modRevision, kind: created ? 'created' : 'updated', obj: this.decode(ev.kv) };
            const prevKv = ev.prev;
            if (!created && prevKv) {
              let decoded: KubeObject | undefined;
              cached.prev = () => (decoded ??= this.decode(prevKv));
            }
          }
          this.buffer.push(cached);
          if (this.buffer.length > this.capacity) {
            const dropped = this.buffer.splice(0, this.buffer.length - this.capacity);
            this.floor = dropped[dropped.length - 1]!.revision;
          }
          for (const l of this.listeners) if (cached.revision > l.after) l.fn(cached);
        },
        onError: (err) => {
          // The shared watch is gone (store closed, compaction overtook it): start afresh next time.
          this.failed = err;
          this.reset();
        },
      });
      this.floor = from;
    })();
    try {
      await this.starting;
    } finally {
      this.starting = undefined;
    }
  }

  private reset(): void {
    this.watcher?.stop();
    this.watcher = undefined;
    this.buffer.length = 0;
    this.floor = Number.POSITIVE_INFINITY;
    for (const l of this.listeners) l.fn({ revision: -1, kind: 'deleted', obj: { metadata: {} } });
    this.listeners.clear();
  }

  /**
   * Subscribes to events after `afterRevision`, replaying buffered ones first. Returns
   * undefined when the buffer does not reach back that far (the caller then watches the
   * store directly). A listener receiving revision -1 has lost its stream.
   */
  async subscribe(afterRevision: number, fn: Listener): Promise<Watcher | undefined> {
    await this.ensureStarted();
    if (afterRevision < this.floor) return undefined;
    const entry = { after: afterRevision, fn };
    for (const ev of this.buffer) if (ev.revision > afterRevision) fn(ev);
    this.listeners.add(entry);
    return { stop: () => this.listeners.delete(entry) };
  }

  stop(): void {
    this.watcher?.stop();
    this.watcher = undefined;
    this.listeners.clear();
  }

  /** Last error of the shared watch, for diagnostics. */
  get lastError(): Error | undefined {
    return this.failed;
  }
}
