import {
  badArgTypeError,
  goTypeName,
  listOfListsError,
  mergeListDirectiveError,
  mixedElementsError,
  noMergeKeyError,
  noMergeKeyForTypeError,
  setElementOrderMismatchError,
  unknownDirectiveError,
} from './strategic-merge-errors.js';

type JsonObject = Record<string, unknown>;

const MAP_TYPE = 'map[string]interface {}';

export function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** How one merge list combines; the element callbacks recurse into the map merge. */
export interface ListMerge {
  /** Absent for lists of primitives (finalizers). */
  mergeKey?: string;
  /** The patch list is a `$deleteFromPrimitiveList/<field>`: remove its values. */
  deleteList: boolean;
  /** Go kind of the declared element type, only for the "no merge key" error. */
  elementKind: string;
  mergeElement(original: JsonObject, patch: JsonObject): JsonObject;
  newElement(patch: JsonObject): JsonObject;
}

/**
 * Merges a patch list into a live list whose field declares `patchStrategy: merge`: elements
 * with the same merge key merge, `{"$patch":"delete"}` elements remove theirs, a
 * `{"$patch":"replace"}` element makes the rest of the patch the whole list; primitives are
 * unioned. The order is Kubernetes': patched items in patch order, interleaved with server-only
 * items by their live position — so a brand-new item lands before the untouched ones.
 */
export function mergeList(original: unknown[], patch: unknown[], how: ListMerge): unknown[] {
  if (original.length === 0 && patch.length === 0) return original;
  if (elementKind(original, patch) !== 'map') {
    if (how.deleteList) return original.filter((v) => !patch.includes(v));
    const merged = [...new Set([...original, ...patch])];
    return restoreOrder(merged, patch, original, undefined);
  }
  const key = how.mergeKey;
  if (!key) throw noMergeKeyForTypeError(how.elementKind);
  let base = original;
  const plain: JsonObject[] = [];
  let replace = false;
  for (const el of patch as JsonObject[]) {
    if (!Object.hasOwn(el, '$patch')) {
      plain.push(el);
      continue;
    }
    const directive = el['$patch'];
    if (directive === 'delete') {
      if (!Object.hasOwn(el, key)) throw noMergeKeyError(el, key);
      base = base.filter((item) => !(isObject(item) && Object.hasOwn(item, key) && item[key] === el[key]));
    } else if (directive === 'replace') {
      replace = true; // the remaining (non-directive) elements become the list
    } else if (directive === 'merge') {
      throw mergeListDirectiveError();
    } else {
      throw unknownDirectiveError(directive, el);
    }
  }
  if (replace) {
    const list = plain.map((el) => how.newElement(el));
    return restoreOrder(list, [], list, key);
  }
  const merged = [...base];
  for (const el of plain) {
    if (!Object.hasOwn(el, key)) throw noMergeKeyError(el, key);
    const at = merged.findIndex((item) => isObject(item) && Object.hasOwn(item, key) && item[key] === el[key]);
    if (at >= 0) merged[at] = how.mergeElement(merged[at] as JsonObject, el);
    else merged.push(how.newElement(el));
  }
  return restoreOrder(merged, plain, base, key);
}

/**
 * Puts `merged` in order: items named in `patchOrder` follow that order, the others keep their
 * order in `serverOrder`, and the two runs interleave the way Kubernetes' strategicpatch does.
 * Used both after a list merge and for `$setElementOrder/<field>`.
 */
export function restoreOrder(merged: unknown[], patchOrder: unknown[], serverOrder: unknown[], key: string | undefined): unknown[] {
  if (key !== undefined) for (const list of [merged, patchOrder, serverOrder]) for (const item of list) requireKey(item, key);
  const id = (v: unknown): unknown => (key === undefined ? v : (v as JsonObject)[key]);
  const indexIn = (list: unknown[], v: unknown): number => list.findIndex((x) => id(x) === id(v));
  const sortBy = (items: unknown[], order: unknown[]): unknown[] =>
    items
      .map((item) => ({ item, at: indexIn(order, item) }))
      .sort((a, b) => (a.at < 0 ? Infinity : a.at) - (b.at < 0 ? Infinity : b.at))
      .map((x) => x.item);
  const patched = sortBy(merged.filter((v) => indexIn(patchOrder, v) >= 0), patchOrder);
  const serverOnly = sortBy(merged.filter((v) => indexIn(patchOrder, v) < 0), serverOrder);

  // A server-only item goes first only when both are live items and it was live earlier;
  // anything new to the server goes as soon as it comes up.
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < serverOnly.length || j < patched.length) {
    if (j >= patched.length) out.push(serverOnly[i++]);
    else if (i >= serverOnly.length) out.push(patched[j++]);
    else {
      const left = indexIn(serverOrder, serverOnly[i]);
      const right = indexIn(serverOrder, patched[j]);
      out.push(left >= 0 && right >= 0 && left < right ? serverOnly[i++] : patched[j++]);
    }
  }
  return out;
}

/**
 * Checks that the patch list names its items in the same relative order as the
 * `$setElementOrder` list, and names no item that list leaves out.
 */
export function validateElementOrder(patchList: unknown[], order: unknown[], key: string | undefined): void {
  if (order.length === 0 || patchList.length === 0) return;
  let items = patchList;
  if (key !== undefined) {
    for (const el of patchList) if (!isObject(el)) throw badArgTypeError(MAP_TYPE, el);
    items = patchList.filter((el) => (el as JsonObject)['$patch'] !== 'delete');
  }
  let p = 0;
  let o = 0;
  while (p < items.length && o < order.length) {
    const item = items[p];
    if (isObject(item) && Object.hasOwn(item, '$patch')) {
      p++;
      continue;
    }
    if (sameItem(item, order[o], key)) p++;
    o++;
  }
  if (p < items.length) throw setElementOrderMismatchError(patchList, order);
}

function sameItem(a: unknown, b: unknown, key: string | undefined): boolean {
  if (key === undefined) return a === b;
  requireKey(a, key);
  requireKey(b, key);
  return (a as JsonObject)[key] === (b as JsonObject)[key];
}

function requireKey(item: unknown, key: string): void {
  if (!isObject(item)) throw badArgTypeError(MAP_TYPE, item);
  if (!Object.hasOwn(item, key)) throw noMergeKeyError(item, key);
}

/** 'map' or the Go type of the scalars; every element of both lists must agree. */
function elementKind(...lists: unknown[][]): string {
  let kind: string | undefined;
  for (const list of lists) {
    for (const v of list) {
      const k = isObject(v) ? 'map' : goTypeName(v);
      if (kind === undefined) {
        // Like Kubernetes, only the first element is checked for being a list.
        if (Array.isArray(v)) throw listOfListsError();
        kind = k;
      } else if (k !== kind) {
        throw mixedElementsError(lists);
      }
    }
  }
  return kind ?? 'map';
}
