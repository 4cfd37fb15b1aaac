import { FieldSet } from './field-set.js';
import { fieldElement } from './path-element.js';
import { itemElement } from './list-elements.js';
import { isObject, shapeOf, type TypeNode, type TypeView } from './type-view.js';

/**
 * The fields an apply configuration sets — what its manager will own. Scalars, atomic values
 * and list items are members; a map entry is a member only when it is empty or null, or when
 * it is a map key rather than a struct field (so `{labels: {app: web}}` owns `labels.app`,
 * not `labels`).
 *
 * @example
 * toFieldSet(view, { spec: { replicas: 3 } }, deploymentSchema).toFieldsV1()
 * // { 'f:spec': { 'f:replicas': {} } }
 */
export function toFieldSet(view: TypeView, value: unknown, schemaNode: TypeNode): FieldSet {
  const set = new FieldSet();
  walk(view, value, schemaNode, set, true);
  return set.pruned();
}

/** Adds what `value` sets to `at` (the node of its own path). */
function walk(view: TypeView, value: unknown, declared: TypeNode, at: FieldSet, root = false): void {
  const node = shapeOf(declared, value);
  if (node.kind === 'map' && !node.atomic && isObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      const child = at.child(fieldElement(k));
      walk(view, v, view.node(node.child(k)), child);
      if (v === null || (isObject(v) && Object.keys(v).length === 0) || !node.structFields) child.member = true;
    }
    return;
  }
  if (node.kind === 'list' && node.listType !== 'atomic' && Array.isArray(value)) {
    const item = view.node(node.item);
    value.forEach((v, i) => {
      const child = at.child(itemElement(node, v, i));
      child.member = true;
      if (node.listType === 'map') walk(view, v, item, child);
    });
    return;
  }
  if (!root) at.member = true;
}
