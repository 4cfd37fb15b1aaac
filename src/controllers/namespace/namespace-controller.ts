import type { KubeObject } from '../../api/types.js';
import { ApiError } from '../../apiserver/errors.js';
import type { ResourceCatalog } from '../../apiserver/registry/catalog.js';
import type { GenericStore } from '../../apiserver/registry/generic-store.js';
import type { Logger } from '../../util/log.js';
import { WorkQueue } from '../workqueue.js';

/** How soon to look again at a namespace whose content is still going away. */
const recheckMs = 1000;

/**
 * Empties terminating namespaces: deletes every namespaced object in them, and once nothing is
 * left removes the `kubernetes` finalizer so the Namespace itself goes (Kubernetes' namespace
 * controller). Level-triggered: each pass looks at what is there now.
 */
export class NamespaceController {
  private readonly queue = new WorkQueue({ baseDelayMs: 100, maxDelayMs: 30_000 });
  private watcher?: { stop(): void };
  private readonly namespaces: GenericStore;

  constructor(
    private readonly catalog: ResourceCatalog,
    private readonly log: Logger,
  ) {
    this.namespaces = catalog.lookup('', 'v1', 'namespaces')!;
  }

  async start(): Promise<void> {
    this.watcher = await this.namespaces.watch(undefined, {
      resourceVersion: '0',
      onEvent: (type, ns) => {
        if (type !== 'DELETED' && ns.metadata.deletionTimestamp) this.queue.add(ns.metadata.name!);
      },
      onError: (err) => this.log.error({ err }, 'namespace watch failed'),
    });
    void this.queue.run(1, (name) => this.reconcile(name), (name, err) => this.log.warn({ err, namespace: name }, 'namespace cleanup failed; retrying'));
  }

  stop(): void {
    this.watcher?.stop();
    this.queue.shutDown();
  }

  /** Stores of every namespaced resource, once per storage (shared-storage versions skipped). */
  private contentStores(): GenericStore[] {
    return this.catalog.all().filter((s) => s.def.namespaced && !s.def.conversion && !s.def.virtualCreate);
  }

  async reconcile(name: string): Promise<void> {
    let ns: KubeObject;
    try {
      ns = await this.namespaces.get(undefined, name);
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) return;
      throw err;
    }
    if (!ns.metadata.deletionTimestamp) return;
    let remaining = 0;
    for (const store of this.contentStores()) {
      const deleted = await store.deleteCollection(name, {}, { propagationPolicy: 'Background' });
      remaining += deleted.length;
    }
    if (remaining > 0) {
      // Some objects linger (finalizers, graceful pod deletion): look again shortly.
      this.queue.addAfter(name, recheckMs);
      return;
    }
    await this.namespaces.update(undefined, name, (cur) => {
      const spec = (cur.spec ?? {}) as { finalizers?: string[] };
      spec.finalizers = (spec.finalizers ?? []).filter((f) => f !== 'kubernetes');
      cur.spec = spec;
      return cur;
    }, { subresource: 'finalize' });
    this.log.info({ namespace: name }, 'namespace emptied and finalized');
  }
}
