import type { OwnerReference } from '../../api/types.js';
import { ApiError } from '../../apiserver/errors.js';
import type { ResourceCatalog } from '../../apiserver/registry/catalog.js';
import type { GenericStore } from '../../apiserver/registry/generic-store.js';
import type { Logger } from '../../util/log.js';
import { WorkQueue } from '../workqueue.js';
import { OwnershipGraph, type GraphNode } from './ownership-graph.js';

const orphanFinalizer = 'orphan';
const foregroundFinalizer = 'foregroundDeletion';
/** How soon to look again at an owner waiting for its dependents to go (foreground deletion). */
const foregroundRecheckMs = 500;

function isNotFound(err: unknown): boolean {
  return err instanceof ApiError && err.code === 404;
}

/**
 * Kubernetes' garbage collector: deletes objects whose owners are all gone (background
 * propagation), removes owner references for `orphan` deletions, and holds
 * `foregroundDeletion` owners until their dependents are gone. Work items are object uids;
 * each pass re-reads what it acts on.
 */
export class GarbageCollector {
  private readonly graph = new OwnershipGraph();
  private readonly queue = new WorkQueue({ baseDelayMs: 50, maxDelayMs: 60_000 });
  private readonly watchers: { stop(): void }[] = [];

  constructor(
    private readonly catalog: ResourceCatalog,
    private readonly log: Logger,
  ) {}

  /** Stores whose objects can own or be owned: one per stored resource. */
  private stores(): GenericStore[] {
    return this.catalog.all().filter((s) => !s.def.conversion && !s.def.virtualCreate);
  }

  async start(): Promise<void> {
    for (const store of this.stores()) {
      const w = await store.watch(undefined, {
        resourceVersion: '0',
        onEvent: (type, obj) => {
          const uid = obj.metadata.uid;
          if (!uid) return;
          if (type === 'DELETED') {
            const node = this.graph.remove(uid);
            // Dependents may now be orphans; owners waiting in the foreground may now finish.
            for (const d of this.graph.dependentsOf(uid)) this.queue.add(d.uid);
            for (const o of node?.owners ?? []) this.queue.add(o.uid);
            return;
          }
          this.graph.upsert(store, obj);
          const node = this.graph.get(uid)!;
          if (node.owners.length || (node.deleting && (node.finalizers.includes(orphanFinalizer) || node.finalizers.includes(foregroundFinalizer)))) {
            this.queue.add(uid);
          }
          if (node.deleting) for (const o of node.owners) this.queue.add(o.uid);
        },
        onError: (err) => this.log.error({ err, resource: store.def.plural }, 'garbage collector watch failed'),
      });
      this.watchers.push(w);
    }
    void this.queue.run(2, (uid) => this.reconcile(uid), (uid, err) => this.log.warn({ err, uid }, 'garbage collection failed; retrying'));
  }

  stop(): void {
    for (const w of this.watchers) w.stop();
    this.queue.shutDown();
  }

  async reconcile(uid: string): Promise<void> {
    const node = this.graph.get(uid);
    if (!node) {
      // The owner is gone: its dependents are looked at one by one.
      for (const d of this.graph.dependentsOf(uid)) this.queue.add(d.uid);
      return;
    }
    if (node.deleting && node.finalizers.includes(orphanFinalizer)) await this.orphanDependents(node);
    if (node.deleting && node.finalizers.includes(foregroundFinalizer)) await this.deleteDependentsInForeground(node);
    if (node.owners.length && !node.deleting) await this.collectIfOrphaned(node);
  }

  /** Does the owner named by ref still exist with that uid? Checks the API, not just the graph. */
  private async ownerExists(node: GraphNode, ref: OwnerReference): Promise<{ exists: boolean; deletingInForeground: boolean }> {
    const known = this.graph.get(ref.uid);
    if (known) return { exists: true, deletingInForeground: known.deleting && known.finalizers.includes(foregroundFinalizer) };
    const store = this.catalog.lookupKind(ref.apiVersion, ref.kind);
    if (!store) return { exists: false, deletingInForeground: false };
    try {
      const owner = await store.get(store.def.namespaced ? node.namespace : undefined, ref.name);
      const same = owner.metadata.uid === ref.uid;
      return { exists: same, deletingInForeground: same && !!owner.metadata.deletionTimestamp && !!owner.metadata.finalizers?.includes(foregroundFinalizer) };
    } catch (err) {
      if (isNotFound(err)) return { exists: false, deletingInForeground: false };
      throw err;
    }
  }

  private async collectIfOrphaned(node: GraphNode): Promise<void> {
    const states = await Promise.all(node.owners.map((o) => this.ownerExists(node, o)));
    const living = node.owners.filter((_, i) => states[i]!.exists);
    if (living.length === 0) {
      this.log.info({ resource: node.store.def.plural, namespace: node.namespace, name: node.name }, 'deleting object whose owners are gone');
      await this.deleteNode(node, 'Background');
      return;
    }
    if (states.some((s) => s.exists && s.deletingInForeground)) {
      // An owner is being deleted in the foreground: dependents go first.
      await this.deleteNode(node, 'Foreground');
      return;
    }
    if (living.length < node.owners.length) {
      // Some owners are gone: drop the dangling references, keep the object.
      const gone = new Set(node.owners.filter((_, i) => !states[i]!.exists).map((o) => o.uid));
      await this.editOwners(node, (refs) => refs.filter((r) => !gone.has(r.uid)));
    }
  }

  private async deleteNode(node: GraphNode, policy: 'Background' | 'Foreground'): Promise<void> {
    try {
      await node.store.delete(node.namespace, node.name, { propagationPolicy: policy, preconditions: { uid: node.uid } });
    } catch (err) {
      if (!isNotFound(err) && !(err instanceof ApiError && err.code === 409)) throw err;
    }
  }

  private async editOwners(node: GraphNode, edit: (refs: OwnerReference[]) => OwnerReference[]): Promise<void> {
    try {
      await node.store.update(node.namespace, node.name, (cur) => {
        if (cur.metadata.uid !== node.uid) return cur;
        const refs = edit(cur.metadata.ownerReferences ?? []);
        if (refs.length) cur.metadata.ownerReferences = refs;
        else delete cur.metadata.ownerReferences;
        return cur;
      });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  private async removeFinalizer(node: GraphNode, finalizer: string): Promise<void> {
    try {
      await node.store.update(node.namespace, node.name, (cur) => {
        if (cur.metadata.uid !== node.uid) return cur;
        cur.metadata.finalizers = (cur.metadata.finalizers ?? []).filter((f) => f !== finalizer);
        if (cur.metadata.finalizers.length === 0) delete cur.metadata.finalizers;
        return cur;
      });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  private async orphanDependents(owner: GraphNode): Promise<void> {
    for (const d of this.graph.dependentsOf(owner.uid)) {
      await this.editOwners(d, (refs) => refs.filter((r) => r.uid !== owner.uid));
    }
    await this.removeFinalizer(owner, orphanFinalizer);
    this.log.info({ resource: owner.store.def.plural, namespace: owner.namespace, name: owner.name }, 'orphaned dependents');
  }

  private async deleteDependentsInForeground(owner: GraphNode): Promise<void> {
    const dependents = this.graph.dependentsOf(owner.uid);
    if (dependents.length === 0) {
      await this.removeFinalizer(owner, foregroundFinalizer);
      return;
    }
    for (const d of dependents) if (!d.deleting) await this.deleteNode(d, 'Foreground');
    this.queue.addAfter(owner.uid, foregroundRecheckMs);
  }
}
