import { isDeepStrictEqual } from 'node:util';
import { indexElement, keyElement, valueElement } from './path-element.js';
import { isObject, type TypeNode } from './type-view.js';

type ListNode = Extract<TypeNode, { kind: 'list' }>;

/**
 * The path element naming one item of a set or map list: its value, or its key fields (with
 * the schema's defaults for missing ones). Items without any key fall back to their position.
 */
export function itemElement(list: ListNode, item: unknown, index: number): string {
  if (list.listType === 'set') return valueElement(item);
  if (list.listType === 'map' && isObject(item)) {
    const keys: Record<string, unknown> = {};
    for (const k of list.keys) {
      const v = item[k] ?? list.keyDefaults[k];
      if (v !== undefined && v !== null) keys[k] = v;
    }
    if (Object.keys(keys).length) return keyElement(keys);
  }
  return indexElement(index);
}

/** The items of a list by their element, first one winning (duplicates are the validator's business). */
export function itemsByElement(list: ListNode, items: unknown): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (!Array.isArray(items)) return out;
  items.forEach((item, i) => {
    const e = itemElement(list, item, i);
    if (!out.has(e)) out.set(e, item);
  });
  return out;
}

/** Null and undefined both mean "not there" for ownership. */
export const absent = (v: unknown): boolean => v === undefined || v === null;

export const same = (a: unknown, b: unknown): boolean => isDeepStrictEqual(a, b);
