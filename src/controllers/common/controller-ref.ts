import type { KubeObject, OwnerReference } from '../../api/types.js';
import { ApiError } from '../../apiserver/errors.js';
import type { GenericStore } from '../../apiserver/registry/generic-store.js';
import { isNotFound } from './api-errors.js';

/** metav1.GetControllerOf: the owner reference marked `controller: true`. */
export function controllerOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true);
}

/** metav1.NewControllerRef: what a controller stamps on what it creates or adopts. */
export function controllerRefFor(owner: KubeObject, apiVersion: string, kind: string): OwnerReference {
  return { apiVersion, kind, name: owner.metadata.name!, uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

/** How a controller claims its dependents (pods of a ReplicaSet, ReplicaSets of a Deployment). */
export interface ClaimContext {
  owner: KubeObject;
  ownerRef: OwnerReference;
  /** Does the owner's selector pick these labels? */
  matches(labels: Record<string, string> | undefined): boolean;
  /** The store of the dependents, for adopt/release writes. */
  store: GenericStore;
  /**
   * Re-reads the owner from the API (not the cache) and throws if it may not adopt: it is
   * gone, replaced (another uid) or being deleted. Called at most once per claim.
   */
  recheckOwner(): Promise<void>;
}

/**
 * Kubernetes' ControllerRefManager.Claim: keeps the candidates this owner controls and still
 * selects; adopts orphans it selects (adding its controller reference); releases those it
 * controls but no longer selects. Objects controlled by someone else are never touched.
 * Adoption errors are thrown after every candidate was looked at (the caller requeues).
 */
export async function claimObjects(ctx: ClaimContext, candidates: KubeObject[]): Promise<KubeObject[]> {
  const claimed: KubeObject[] = [];
  const errors: unknown[] = [];
  const ownerUid = ctx.owner.metadata.uid;
  const ownerDeleting = !!ctx.owner.metadata.deletionTimestamp;
  let recheck: Promise<void> | undefined;
  for (const obj of candidates) {
    const ref = controllerOf(obj);
    const matches = ctx.matches(obj.metadata.labels);
    if (ref) {
      if (ref.uid !== ownerUid) continue;
      if (matches) {
        claimed.push(obj);
      } else if (!ownerDeleting) {
        await release(ctx.store, obj, ownerUid!).catch((err) => errors.push(err));
      }
      continue;
    }
    if (!matches || ownerDeleting || obj.metadata.deletionTimestamp) continue;
    try {
      await (recheck ??= ctx.recheckOwner());
      const adopted = await adopt(ctx.store, obj, ctx.ownerRef);
      if (adopted) claimed.push(adopted);
    } catch (err) {
      errors.push(err);
    }
  }
  if (errors.length) throw errors[0];
  return claimed;
}

/** Adds the controller reference unless someone else took control meanwhile. */
async function adopt(store: GenericStore, obj: KubeObject, ownerRef: OwnerReference): Promise<KubeObject | undefined> {
  try {
    return await store.update(obj.metadata.namespace, obj.metadata.name!, (cur) => {
      if (cur.metadata.uid !== obj.metadata.uid) throw ApiError.conflict(store.gr, obj.metadata.name!, 'the object was replaced');
      const existing = controllerOf(cur);
      if (existing && existing.uid !== ownerRef.uid) throw ApiError.conflict(store.gr, obj.metadata.name!, `it is controlled by ${existing.kind} ${existing.name}`);
      if (!existing) cur.metadata.ownerReferences = [...(cur.metadata.ownerReferences ?? []).filter((r) => r.uid !== ownerRef.uid), ownerRef];
      return cur;
    });
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** Drops the owner's references from an object (ignoring objects gone or replaced). */
async function release(store: GenericStore, obj: KubeObject, ownerUid: string): Promise<void> {
  try {
    await store.update(obj.metadata.namespace, obj.metadata.name!, (cur) => {
      if (cur.metadata.uid !== obj.metadata.uid) return cur;
      const refs = (cur.metadata.ownerReferences ?? []).filter((r) => r.uid !== ownerUid);
      if (refs.length) cur.metadata.ownerReferences = refs;
      else delete cur.metadata.ownerReferences;
      return cur;
    });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

/** The standard `recheckOwner`: a fresh GET, refusing adoption for a replaced or deleting owner. */
export function recheckOwnerFrom(store: GenericStore, owner: KubeObject): () => Promise<void> {
  return async () => {
    const fresh = await store.get(owner.metadata.namespace, owner.metadata.name!);
    const kind = store.def.kind;
    if (fresh.metadata.uid !== owner.metadata.uid) {
      throw new Error(`original ${kind} ${owner.metadata.namespace}/${owner.metadata.name} is gone: got uid ${fresh.metadata.uid}, wanted ${owner.metadata.uid}`);
    }
    if (fresh.metadata.deletionTimestamp) {
      throw new Error(`${owner.metadata.namespace}/${owner.metadata.name} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
    }
  };
}

/** Index name for objects by the uid of their controller ('' for none). */
export const controllerUidIndex = 'controller-uid';

/**
 * The index function for controllerUidIndex. Defined at module level on purpose: a closure
 * made inside a controller would keep that controller alive in the shared informer.
 */
export function byControllerUid(obj: KubeObject): string[] {
  return [controllerOf(obj)?.uid ?? ''];
}
