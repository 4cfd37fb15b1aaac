import type { KubeObject, OwnerReference } from '../../api/types.js';
import type { GenericStore } from '../../apiserver/registry/generic-store.js';

/** One object the collector knows about. */
export interface GraphNode {
  uid: string;
  store: GenericStore;
  namespace?: string;
  name: string;
  owners: OwnerReference[];
  deleting: boolean;
  finalizers: string[];
}

/**
 * Who owns whom, by uid, built from watch events of every resource. Owners may be absent
 * (not seen yet, or gone): dependents are indexed by the owner uid either way.
 */
export class OwnershipGraph {
  private readonly nodes = new Map<string, GraphNode>();
  private readonly dependents = new Map<string, Set<string>>();

  get(uid: string): GraphNode | undefined {
    return this.nodes.get(uid);
  }

  dependentsOf(uid: string): GraphNode[] {
    return [...(this.dependents.get(uid) ?? [])].map((d) => this.nodes.get(d)).filter((n): n is GraphNode => !!n);
  }

  /** Records an object's current state; returns the owner uids it no longer lists. */
  upsert(store: GenericStore, obj: KubeObject): void {
    const uid = obj.metadata.uid!;
    const prev = this.nodes.get(uid);
    for (const o of prev?.owners ?? []) this.dependents.get(o.uid)?.delete(uid);
    const node: GraphNode = {
      uid,
      store,
      namespace: obj.metadata.namespace,
      name: obj.metadata.name!,
      owners: obj.metadata.ownerReferences ?? [],
      deleting: !!obj.metadata.deletionTimestamp,
      finalizers: obj.metadata.finalizers ?? [],
    };
    this.nodes.set(uid, node);
    for (const o of node.owners) {
      let set = this.dependents.get(o.uid);
      if (!set) this.dependents.set(o.uid, (set = new Set()));
      set.add(uid);
    }
  }

  remove(uid: string): GraphNode | undefined {
    const node = this.nodes.get(uid);
    if (!node) return undefined;
    this.nodes.delete(uid);
    for (const o of node.owners) {
      const set = this.dependents.get(o.uid);
      set?.delete(uid);
      // Keep the index entry while dependents remain; they still point at the gone owner.
      if (set && set.size === 0 && !this.nodes.has(o.uid)) this.dependents.delete(o.uid);
    }
    return node;
  }
}
