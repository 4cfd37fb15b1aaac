import type { ResourceCatalog } from '../apiserver/registry/catalog.js';
import type { Logger } from '../util/log.js';
import { Informer } from './informer.js';
import { type ListWatch, storeListWatch } from './list-watch.js';

/** A group/version/plural triple naming a resource. */
export interface ResourceRef {
  group: string;
  version: string;
  plural: string;
}

/** A use of a shared informer; release it when the user stops. */
export interface InformerLease {
  informer: Informer;
  release(): void;
}

interface Entry {
  informer: Informer;
  started: Promise<void>;
  users: number;
}

/** Index name every shared informer carries: objects by namespace. */
export const namespaceIndex = 'namespace';

/**
 * One informer per resource, shared by every controller of a process (client-go's
 * SharedInformerFactory): a resource is listed and watched once and cached once, whatever the
 * number of controllers reading it. The first user starts it; the last release stops it.
 *
 * @example
 * const pods = await sharedInformers(catalog).acquire({ group: '', version: 'v1', plural: 'pods' });
 * pods.informer.on({ add: (p) => queue.add(objectKey(p)) });
 * // … on stop:
 * pods.release();
 */
export class SharedInformerFactory {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly listWatchFor: (ref: ResourceRef) => ListWatch,
    private readonly log?: Logger,
  ) {}

  /** The shared informer of a resource, listed and synced. */
  async acquire(ref: ResourceRef): Promise<InformerLease> {
    const key = `${ref.group}/${ref.version}/${ref.plural}`;
    let entry = this.entries.get(key);
    if (!entry) {
      const informer = new Informer(this.listWatchFor(ref), this.log);
      informer.addIndex(namespaceIndex, (o) => [o.metadata.namespace ?? '']);
      entry = { informer, started: informer.start(), users: 0 };
      this.entries.set(key, entry);
    }
    entry.users++;
    await entry.started;
    const e = entry;
    let released = false;
    return {
      informer: e.informer,
      release: () => {
        if (released) return;
        released = true;
        if (--e.users > 0) return;
        e.informer.stop();
        if (this.entries.get(key) === e) this.entries.delete(key);
      },
    };
  }
}

const byCatalog = new WeakMap<ResourceCatalog, SharedInformerFactory>();

/** The informer factory of the controllers running against this catalog (in-process). */
export function sharedInformers(catalog: ResourceCatalog, log?: Logger): SharedInformerFactory {
  let f = byCatalog.get(catalog);
  if (!f) {
    f = new SharedInformerFactory((ref) => {
      const store = catalog.lookup(ref.group, ref.version, ref.plural);
      if (!store) throw new Error(`resource ${ref.plural}.${ref.group || 'core'}/${ref.version} is not served`);
      return storeListWatch(store);
    }, log);
    byCatalog.set(catalog, f);
  }
  return f;
}
