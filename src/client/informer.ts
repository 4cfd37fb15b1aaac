import type { KubeObject } from '../api/types.js';
import type { Logger } from '../util/log.js';
import type { ListWatch, WatchHandle } from './list-watch.js';

export interface InformerHandlers {
  add?(obj: KubeObject): void;
  update?(oldObj: KubeObject, newObj: KubeObject): void;
  delete?(obj: KubeObject): void;
}

/** Computes index values of an object (e.g. its node name, its owner uid). */
export type IndexFunc = (obj: KubeObject) => string[];

/** `namespace/name`, or `name` for cluster-scoped objects: the key of caches and work queues. */
export function objectKey(obj: KubeObject): string {
  return obj.metadata.namespace ? `${obj.metadata.namespace}/${obj.metadata.name}` : obj.metadata.name!;
}

export function splitKey(key: string): { namespace?: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

/**
 * A shared informer (client-go's shape): lists, then watches from the list's revision,
 * keeping a local cache that handlers and listers read. A watch that ends is resumed from
 * the last revision seen; one that expired (410) relists, and the cache is reconciled with
 * the new list (deletes for objects that vanished meanwhile). Cached objects are shared:
 * callers must never mutate them.
 *
 * @example
 * const pods = new Informer(storeListWatch(catalog.lookup('', 'v1', 'pods')!), log);
 * pods.addIndex('node', (p) => [String((p.spec as any)?.nodeName ?? '')]);
 * pods.on({ add: (p) => queue.add(objectKey(p)) });
 * await pods.start();
 */
export class Informer {
  private readonly cache = new Map<string, KubeObject>();
  private readonly handlers: InformerHandlers[] = [];
  private readonly indexers = new Map<string, IndexFunc>();
  private readonly indices = new Map<string, Map<string, Set<string>>>();
  private watch?: WatchHandle;
  private lastRV = '';
  private stopped = false;
  private synced = false;
  private resyncTimer?: NodeJS.Timeout;

  constructor(
    private readonly source: ListWatch,
    private readonly log?: Logger,
    /** Re-deliver every cached object as an update this often (0: never). */
    private readonly resyncMs = 0,
  ) {}

  /** Subscribes handlers; returns the function that unsubscribes them. */
  on(handlers: InformerHandlers): () => void {
    this.handlers.push(handlers);
    // Late subscribers see what is already cached, as client-go's shared informers do.
    if (this.synced) for (const obj of this.cache.values()) handlers.add?.(obj);
    return () => {
      const i = this.handlers.indexOf(handlers);
      if (i >= 0) this.handlers.splice(i, 1);
    };
  }

  /** Adds a named index; a name already indexed is kept as is (shared informers: first one wins). */
  addIndex(name: string, fn: IndexFunc): void {
    if (this.indexers.has(name)) return;
    this.indexers.set(name, fn);
    const index = new Map<string, Set<string>>();
    this.indices.set(name, index);
    for (const [key, obj] of this.cache) this.indexObject(name, fn, key, obj);
  }

  get(key: string): KubeObject | undefined {
    return this.cache.get(key);
  }

  list(): KubeObject[] {
    return [...this.cache.values()];
  }

  /** Objects whose index `name` has the value `value`. */
  byIndex(name: string, value: string): KubeObject[] {
    const keys = this.indices.get(name)?.get(value);
    return keys ? [...keys].map((k) => this.cache.get(k)!).filter(Boolean) : [];
  }

  hasSynced(): boolean {
    return this.synced;
  }

  get resourceVersion(): string {
    return this.lastRV;
  }

  async start(): Promise<void> {
    await this.relist();
    if (this.resyncMs > 0) {
      this.resyncTimer = setInterval(() => {
        for (const obj of this.cache.values()) for (const h of this.handlers) h.update?.(obj, obj);
      }, this.resyncMs);
    }
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.resyncTimer);
    this.watch?.stop();
  }

  private indexObject(name: string, fn: IndexFunc, key: string, obj: KubeObject): void {
    const index = this.indices.get(name)!;
    for (const v of fn(obj)) {
      let set = index.get(v);
      if (!set) index.set(v, (set = new Set()));
      set.add(key);
    }
  }

  private unindexObject(key: string, obj: KubeObject): void {
    for (const [name, fn] of this.indexers) {
      const index = this.indices.get(name)!;
      for (const v of fn(obj)) {
        const set = index.get(v);
        set?.delete(key);
        if (set?.size === 0) index.delete(v);
      }
    }
  }

  private store(key: string, obj: KubeObject): KubeObject | undefined {
    const old = this.cache.get(key);
    if (old) this.unindexObject(key, old);
    this.cache.set(key, obj);
    for (const [name, fn] of this.indexers) this.indexObject(name, fn, key, obj);
    return old;
  }

  private remove(key: string): KubeObject | undefined {
    const old = this.cache.get(key);
    if (!old) return undefined;
    this.unindexObject(key, old);
    this.cache.delete(key);
    return old;
  }

  private emit(type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: KubeObject): void {
    const key = objectKey(obj);
    if (type === 'DELETED') {
      const old = this.remove(key) ?? obj;
      for (const h of this.handlers) h.delete?.(old);
      return;
    }
    const old = this.store(key, obj);
    for (const h of this.handlers) {
      if (old) h.update?.(old, obj);
      else h.add?.(obj);
    }
  }

  private async relist(): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        const { items, resourceVersion } = await this.source.list();
        const seen = new Set<string>();
        for (const obj of items) {
          seen.add(objectKey(obj));
          const cur = this.cache.get(objectKey(obj));
          if (!cur || cur.metadata.resourceVersion !== obj.metadata.resourceVersion) this.emit(cur ? 'MODIFIED' : 'ADDED', obj);
        }
        for (const [key, obj] of [...this.cache]) if (!seen.has(key)) this.emit('DELETED', obj);
        this.lastRV = resourceVersion;
        this.synced = true;
        await this.startWatch();
        return;
      } catch (err) {
        this.log?.warn({ err }, 'informer list failed; retrying');
        await new Promise((r) => setTimeout(r, Math.min(30_000, 200 * 2 ** attempt)));
      }
    }
  }

  private async startWatch(): Promise<void> {
    if (this.stopped) return;
    this.watch = await this.source.watch(
      this.lastRV,
      (type, obj) => {
        if (obj.metadata.resourceVersion) this.lastRV = obj.metadata.resourceVersion;
        if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') this.emit(type, obj);
      },
      ({ expired, error }) => {
        if (this.stopped) return;
        if (error && !expired) this.log?.warn({ err: error }, 'informer watch ended; resuming');
        // Resume from the last revision, or relist when history is gone.
        setTimeout(() => void (expired ? this.relist() : this.startWatch().catch(() => this.relist())), expired ? 0 : 100);
      },
    );
  }
}
