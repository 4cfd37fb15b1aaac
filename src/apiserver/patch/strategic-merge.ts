import { mergePatch } from './merge-patch.js';
import { fieldSchema, rootTypeFor, type FieldSchema } from './patch-strategies.js';
import {
  badArgTypeError,
  mergeListDirectiveError,
  notAnObjectError,
  primitiveListFormatError,
  retainKeysFormatError,
  setElementOrderFormatError,
  unknownDirectiveError,
} from './strategic-merge-errors.js';
import { isObject, mergeList, restoreOrder, validateElementOrder } from './strategic-merge-list.js';

export type { ListStrategy } from './patch-strategies.js';

type JsonObject = Record<string, unknown>;

const SET_ELEMENT_ORDER = '$setElementOrder';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList';
const LIST_TYPE = '[]interface {}';

/**
 * Applies a strategic merge patch (`application/strategic-merge-patch+json`) to `original`, an
 * object of kind `gvk`, the way Kubernetes' apiserver does: maps merge and `null` deletes, as in
 * JSON merge patch, but lists declared `patchStrategy: merge` merge element by element on their
 * merge key, and the directives `$patch`, `$retainKeys`, `$setElementOrder/<list>` and
 * `$deleteFromPrimitiveList/<list>` apply. Kinds without strategy metadata (custom resources)
 * get a plain JSON merge patch. Neither argument is modified.
 *
 * Throws ApiError: 400 for malformed directives, 422 for lists of lists, and — as Kubernetes
 * does — a reason-less 500 for the rest (a list element without its merge key, an unknown
 * `$patch`).
 *
 * @example
 * strategicMergePatch(
 *   { spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:1.26' }, { name: 'log', image: 'busybox' }] } } } },
 *   { spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } } },
 *   { group: 'apps', version: 'v1', kind: 'Deployment' },
 * ); // web now runs nginx:1.27, log is untouched
 */
export function strategicMergePatch(
  original: Record<string, unknown>,
  patch: Record<string, unknown>,
  gvk: { group: string; version: string; kind: string },
): Record<string, unknown> {
  if (patch === null) return structuredClone(original); // Go decodes `null` into an empty patch
  if (!isObject(patch)) throw notAnObjectError(patch);
  const root = rootTypeFor(gvk);
  if (root === undefined) return mergePatch(original, patch) as Record<string, unknown>;
  return mergeObject(structuredClone(original), patch, root);
}

/** Merges `patch` into `target` (a private copy, changed in place) as a value of type `type`. */
function mergeObject(target: JsonObject, patch: JsonObject, type: string | undefined): JsonObject {
  if (Object.hasOwn(patch, '$patch')) {
    const directive = patch['$patch'];
    if (directive === 'delete') return {};
    if (directive !== 'replace') throw unknownDirectiveError(directive, patch);
    const { $patch: _, ...rest } = patch;
    return mergeObject({}, rest, type);
  }
  const pending = new Map(Object.entries(patch));
  applyRetainKeys(target, pending);
  applyElementOrders(target, pending, type);
  for (const [key, value] of pending) mergeField(target, key, value, type);
  return target;
}

/** `$retainKeys`: drop every live key it does not list; the patch itself may only set listed keys. */
function applyRetainKeys(target: JsonObject, pending: Map<string, unknown>): void {
  if (!pending.has('$retainKeys')) return;
  const keys = pending.get('$retainKeys');
  pending.delete('$retainKeys');
  if (!Array.isArray(keys)) throw retainKeysFormatError();
  const retained = new Set<unknown>(keys);
  for (const [key, value] of pending) {
    if (value === null || key.startsWith(DELETE_FROM_PRIMITIVE_LIST) || key.startsWith(SET_ELEMENT_ORDER)) continue;
    if (!retained.has(key)) throw retainKeysFormatError();
  }
  for (const key of Object.keys(target)) if (!retained.has(key)) delete target[key];
}

/**
 * `$setElementOrder/<list>`: merge the list (if the patch touches it) and then order it as the
 * directive says. The list's own patch entry is consumed here.
 */
function applyElementOrders(target: JsonObject, pending: Map<string, unknown>, type: string | undefined): void {
  for (const [key, order] of [...pending]) {
    if (!key.startsWith(SET_ELEMENT_ORDER)) continue;
    pending.delete(key);
    if (!Array.isArray(order)) throw badArgTypeError(LIST_TYPE, order);
    const field = directiveField(key, SET_ELEMENT_ORDER);
    if (field === undefined) throw setElementOrderFormatError();
    const live = Object.hasOwn(target, field) ? target[field] : undefined;
    const patched = pending.has(field) ? pending.get(field) : undefined;
    if (live !== undefined && !Array.isArray(live)) throw badArgTypeError(LIST_TYPE, live);
    if (pending.has(field) && !Array.isArray(patched)) throw badArgTypeError(LIST_TYPE, patched);
    const schema = fieldSchema(type, field);
    const mergeKey = schema?.mergeKey;
    validateElementOrder((patched as unknown[] | undefined) ?? [], order, mergeKey);
    let merged: unknown[];
    if (patched === undefined) {
      if (live === undefined) continue;
      merged = live;
    } else if (live === undefined || !mergesByElement(schema)) {
      merged = newValue(patched, schema) as unknown[];
    } else {
      merged = mergeListField(live, patched as unknown[], schema, false);
    }
    target[field] = restoreOrder(merged, order, live ?? [], mergeKey);
    pending.delete(field);
  }
}

function mergeField(target: JsonObject, key: string, value: unknown, type: string | undefined): void {
  if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
    const field = directiveField(key, DELETE_FROM_PRIMITIVE_LIST);
    if (field === undefined || !Array.isArray(value)) throw primitiveListFormatError();
    // Removing values from a list that is not there leaves nothing to do (Kubernetes would
    // instead store the deletion list itself as the field's value).
    const live = target[field];
    if (Array.isArray(live)) target[field] = mergeListField(live, value, fieldSchema(type, field), true);
    return;
  }
  if (value === null) {
    delete target[key];
    return;
  }
  const schema = fieldSchema(type, key);
  const live = Object.hasOwn(target, key) ? target[key] : undefined;
  if (isObject(live) && isObject(value) && schema?.strategy !== 'replace') {
    target[key] = mergeObject(live, value, schema?.type);
  } else if (Array.isArray(live) && Array.isArray(value) && mergesByElement(schema)) {
    target[key] = mergeListField(live, value, schema, false);
  } else {
    target[key] = newValue(value, schema);
  }
}

function mergeListField(live: unknown[], patch: unknown[], schema: FieldSchema | undefined, deleteList: boolean): unknown[] {
  const elementType = schema?.type;
  return mergeList(live, patch, {
    mergeKey: schema?.mergeKey,
    deleteList,
    elementKind: elementType === undefined ? 'string' : 'struct',
    mergeElement: (o, p) => mergeObject(o, p, elementType),
    newElement: (p) => mergeObject({}, p, elementType),
  });
}

/**
 * A patch value that has nothing live to merge with: directives still apply (so none is
 * stored) and nulls vanish, as they would once Kubernetes decodes the result into its types.
 */
function newValue(value: unknown, schema: FieldSchema | undefined): unknown {
  if (isObject(value)) return mergeObject({}, value, schema?.type);
  if (!Array.isArray(value)) return value;
  const keyed = mergesByElement(schema) && schema?.mergeKey !== undefined;
  const out: unknown[] = [];
  for (const el of value) {
    if (keyed && isObject(el) && Object.hasOwn(el, '$patch')) {
      // Deleting from, or replacing, an empty list: only the directive's validity matters.
      const directive = el['$patch'];
      if (directive === 'merge') throw mergeListDirectiveError();
      if (directive !== 'delete' && directive !== 'replace') throw unknownDirectiveError(directive, el);
      continue;
    }
    out.push(isObject(el) ? mergeObject({}, el, schema?.type) : Array.isArray(el) ? newValue(el, undefined) : el);
  }
  return out;
}

function mergesByElement(schema: FieldSchema | undefined): schema is FieldSchema {
  return schema?.strategy === 'merge' || schema?.strategy === 'merge,retainKeys';
}

/** `$setElementOrder/containers` → `containers`; undefined when the key has no `/<field>`. */
function directiveField(key: string, prefix: string): string | undefined {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) return undefined;
  return key.slice(slash + 1);
}
