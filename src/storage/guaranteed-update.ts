import { KeyNotFoundError, RevisionConflictError } from './errors.js';
import type { KeyValue, Store, UpdateFn } from './store.js';
import { KeyExistsError } from './errors.js';

/**
 * The read-modify-write loop shared by every backend: read, let fn compute the new value,
 * compare-and-swap, and start over when another writer won the race.
 */
export async function guaranteedUpdate(
  store: Pick<Store, 'get' | 'create' | 'update'>,
  key: string,
  fn: UpdateFn,
  opts: { allowCreate?: boolean } = {},
): Promise<KeyValue> {
  for (;;) {
    const current = await store.get(key);
    if (!current && !opts.allowCreate) throw new KeyNotFoundError(key);
    const next = await fn(current);
    try {
      if (!current) return await store.create(key, next);
      if (next === current.value) return current;
      return await store.update(key, next, current.modRevision);
    } catch (err) {
      if (err instanceof RevisionConflictError || err instanceof KeyExistsError) continue;
      if (err instanceof KeyNotFoundError && opts.allowCreate) continue;
      throw err;
    }
  }
}
