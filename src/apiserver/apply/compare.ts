import { FieldSet } from './field-set.js';
import { fieldElement } from './path-element.js';
import { absent, itemsByElement, same } from './list-elements.js';
import { isObject, shapeOf, type TypeNode, type TypeView } from './type-view.js';

/** What changed between two versions of an object, as field sets. */
export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/**
 * Compares two objects field by field. A map or list that appears is added along with
 * everything in it (so both it and its contents will be owned by the writer); one that goes is
 * removed along with its contents; a scalar or atomic value that differs is modified.
 *
 * @example
 * compare(view, { spec: { replicas: 1 } }, { spec: { replicas: 3, paused: true } }, node)
 * // modified: .spec.replicas, added: .spec.paused
 */
export function compare(view: TypeView, lhs: unknown, rhs: unknown, schemaNode: TypeNode): Comparison {
  const out: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  walk(view, lhs, rhs, schemaNode, [], out);
  return out;
}

function leaf(lhs: unknown, rhs: unknown, path: string[], out: Comparison): void {
  if (absent(lhs) && absent(rhs)) return;
  if (absent(lhs)) out.added.insert(path);
  else if (absent(rhs)) out.removed.insert(path);
  else if (!same(lhs, rhs)) out.modified.insert(path);
}

function walk(view: TypeView, lhs: unknown, rhs: unknown, declared: TypeNode, path: string[], out: Comparison): void {
  const node = shapeOf(declared, absent(rhs) ? lhs : rhs);
  // Values whose shape changed between versions are compared whole.
  const shapesAgree = absent(lhs) || absent(rhs) || isObject(lhs) === isObject(rhs) && Array.isArray(lhs) === Array.isArray(rhs);
  const granularMap = node.kind === 'map' && !node.atomic;
  const granularList = node.kind === 'list' && node.listType !== 'atomic';
  if (!shapesAgree || !(granularMap || granularList)) {
    if (path.length) leaf(lhs, rhs, path, out);
    return;
  }
  if (absent(lhs) && absent(rhs)) return;
  // Only a map or list that was not there at all is added (or removed) itself: an explicit
  // null (a Go nil field without omitempty) was there, and only its contents change.
  if (path.length) {
    if (lhs === undefined) out.added.insert(path);
    else if (rhs === undefined) out.removed.insert(path);
  }
  if (node.kind === 'map') {
    const l = isObject(lhs) ? lhs : {};
    const r = isObject(rhs) ? rhs : {};
    for (const k of new Set([...Object.keys(l), ...Object.keys(r)])) {
      walk(view, l[k], r[k], view.node(node.child(k)), [...path, fieldElement(k)], out);
    }
    return;
  }
  if (node.kind !== 'list') return;
  const l = itemsByElement(node, lhs);
  const r = itemsByElement(node, rhs);
  const item = view.node(node.item);
  for (const e of new Set([...l.keys(), ...r.keys()])) {
    const childPath = [...path, e];
    if (node.listType === 'set') leaf(l.has(e) ? true : undefined, r.has(e) ? true : undefined, childPath, out);
    else walk(view, l.get(e), r.get(e), item, childPath, out);
  }
}
