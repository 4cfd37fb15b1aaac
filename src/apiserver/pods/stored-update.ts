import type { KubeObject } from '../../api/types.js';
import { KeyNotFoundError } from '../../storage/errors.js';
import type { Store } from '../../storage/store.js';
import { ApiError } from '../errors.js';
import type { GenericStore } from '../registry/generic-store.js';

/**
 * A read-modify-write of an object as stored, past the kind's update strategy: what
 * Kubernetes' binding REST does with `Storage.GuaranteedUpdate` to set a pod's
 * spec.nodeName, which an ordinary update may never change. `mutate` gets a private copy
 * (with metadata.resourceVersion) and returns the object to store; it runs again when
 * another writer got in first, so it must be a pure function of what it is given.
 *
 * @example
 * await updateStoredObject(storage, pods, 'default', 'web', (pod) => { pod.spec.nodeName = 'n1'; return pod; });
 */
export async function updateStoredObject(
  storage: Store,
  store: GenericStore,
  ns: string | undefined,
  name: string,
  mutate: (current: KubeObject) => KubeObject,
): Promise<KubeObject> {
  let out: KubeObject | undefined;
  try {
    const kv = await storage.guaranteedUpdate(store.key(ns, name), (current) => {
      if (!current) throw new KeyNotFoundError(store.key(ns, name));
      const obj = JSON.parse(current.value) as KubeObject;
      obj.metadata.resourceVersion = String(current.modRevision);
      out = mutate(obj);
      const stored = { ...out, metadata: { ...out.metadata } };
      delete stored.metadata.resourceVersion;
      return JSON.stringify(stored);
    });
    out!.metadata.resourceVersion = String(kv.modRevision);
    return out!;
  } catch (err) {
    if (err instanceof KeyNotFoundError) throw ApiError.notFound(store.gr, name);
    throw err;
  }
}
