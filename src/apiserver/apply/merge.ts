import type { FieldSet } from './field-set.js';
import { absent, itemElement, itemsByElement } from './list-elements.js';
import { isObject, shapeOf, type TypeNode, type TypeView } from './type-view.js';

/**
 * Merges an apply configuration into the live object: the configuration's values win; maps
 * merge entry by entry; map lists merge element by element on their keys and set lists take
 * the union; atomic values are replaced whole. Live-only list elements keep their place and
 * new ones follow in configuration order. Neither argument is changed.
 *
 * @example
 * merge(view, { spec: { replicas: 1, paused: true } }, { spec: { replicas: 3 } }, node)
 * // { spec: { replicas: 3, paused: true } }
 */
export function merge(view: TypeView, live: unknown, config: unknown, schemaNode: TypeNode): unknown {
  if (config === undefined) return structuredClone(live);
  if (absent(live)) return structuredClone(config);
  const node = shapeOf(schemaNode, config);
  if (node.kind === 'map' && !node.atomic && isObject(live) && isObject(config)) {
    const out: Record<string, unknown> = structuredClone(live);
    for (const [k, v] of Object.entries(config)) out[k] = merge(view, live[k], v, view.node(node.child(k)));
    return out;
  }
  if (node.kind === 'list' && node.listType !== 'atomic' && Array.isArray(live) && Array.isArray(config)) {
    return mergeItems(view, node, live, config);
  }
  return structuredClone(config);
}

type ListNode = Extract<TypeNode, { kind: 'list' }>;

/**
 * Merges the items of a set or map list. Items the configuration names come in its order;
 * items only the live list has stay where they were relative to those; new items go where
 * the configuration puts them — the order Kubernetes' merge produces.
 */
function mergeItems(view: TypeView, node: ListNode, live: unknown[], config: unknown[]): unknown[] {
  const item = view.node(node.item);
  const fromLive = itemsByElement(node, live);
  const fromConfig = itemsByElement(node, config);
  const liveOrder = [...fromLive.keys()];
  const configOrder = [...fromConfig.keys()];
  const shared = configOrder.filter((e) => fromLive.has(e));
  let next = shared.shift();
  const out: unknown[] = [];
  const take = (e: string) => {
    const l = fromLive.get(e);
    const c = fromConfig.get(e);
    out.push(c === undefined ? structuredClone(l) : node.listType === 'map' && l !== undefined ? merge(view, l, c, item) : structuredClone(c));
  };
  let li = 0;
  let ci = 0;
  while (li < liveOrder.length || ci < configOrder.length) {
    const le = liveOrder[li];
    const ce = configOrder[ci];
    if (le !== undefined && ce !== undefined) {
      if (le === ce) {
        take(le);
        li++;
        ci++;
        next = shared.shift();
        continue;
      }
      // A shared item out of the configuration's order waits for its turn there.
      if (fromConfig.has(le) && next !== undefined && next !== le) {
        li++;
        continue;
      }
    }
    if (le !== undefined && !fromConfig.has(le)) {
      take(le);
      li++;
      continue;
    }
    if (ce !== undefined) {
      take(ce);
      ci++;
      if (next === ce) next = shared.shift();
      continue;
    }
    li++; // a shared item already placed from the configuration
  }
  return out;
}

/**
 * Deletes the members of `set` from `value` (in place): fields, list elements and set values.
 * A map or list element that is a member but still has fields in `keep` (owned by someone)
 * stays, losing only what nobody owns. Maps and lists left empty by the removal go too, as
 * Go's `omitempty` would drop them.
 */
export function removeItems(view: TypeView, value: unknown, set: FieldSet, schemaNode: TypeNode, keep?: FieldSet): void {
  const node = shapeOf(schemaNode, value);
  const held = (element: string): FieldSet | undefined => {
    const k = keep?.children.get(element);
    return k && !k.empty ? k : undefined;
  };
  if (node.kind === 'map' && isObject(value)) {
    for (const [element, sub] of set.children) {
      if (!element.startsWith('f:')) continue;
      const key = element.slice(2);
      if (!Object.hasOwn(value, key)) continue;
      const kept = held(element);
      if (sub.member && !kept) {
        delete value[key];
        continue;
      }
      const child = value[key];
      removeItems(view, child, sub, view.node(node.child(key)), kept);
      if ((isObject(child) && Object.keys(child).length === 0) || (Array.isArray(child) && child.length === 0)) delete value[key];
    }
    return;
  }
  if (node.kind === 'list' && Array.isArray(value)) {
    const item = view.node(node.item);
    for (let i = value.length - 1; i >= 0; i--) {
      const element = itemElement(node, value[i], i);
      const sub = set.children.get(element);
      if (!sub) continue;
      const kept = held(element);
      if (sub.member && !kept) value.splice(i, 1);
      else removeItems(view, value[i], sub, item, kept);
    }
  }
}
