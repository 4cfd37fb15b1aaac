import type { StoreHooks } from './generic-store.js';

/**
 * Merges several hook tables (`group/plural` → hooks) into one: where two contribute hooks for
 * the same resource, each stage runs them in order.
 *
 * @example
 * composeHookTables([{ '/services': allocator.hooks() }, { '/pods': priorityAdmission }]);
 */
export function composeHookTables(tables: Record<string, StoreHooks>[]): Record<string, StoreHooks> {
  const grouped = new Map<string, StoreHooks[]>();
  for (const table of tables) for (const [key, hooks] of Object.entries(table)) grouped.set(key, [...(grouped.get(key) ?? []), hooks]);
  const out: Record<string, StoreHooks> = {};
  for (const [key, list] of grouped) out[key] = list.length === 1 ? list[0]! : composeHooks(list);
  return out;
}

function composeHooks(list: StoreHooks[]): StoreHooks {
  return {
    async beforeCreate(obj, opts) {
      for (const h of list) await h.beforeCreate?.(obj, opts);
    },
    async beforeUpdate(obj, old, opts) {
      for (const h of list) await h.beforeUpdate?.(obj, old, opts);
    },
    async afterDelete(obj) {
      for (const h of list) await h.afterDelete?.(obj);
    },
  };
}
