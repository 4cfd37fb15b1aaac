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
  walk(view, value, schemaNode, set, []);
  return set;
}

function walk(view: TypeView, value: unknown, declared: TypeNode, set: FieldSet, path: string[]): void {
  const node = shapeOf(declared, value);
  if (node.kind === 'map' && !node.atomic && isObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      const childPath = [...path, fieldElement(k)];
      walk(view, v, view.node(node.child(k)), set, childPath);
      if (v === null || (isObject(v) && Object.keys(v).length === 0) || !node.structFields) set.insert(childPath);
    }
    return;
  }
  if (node.kind === 'list' && node.listType !== 'atomic' && Array.isArray(value)) {
    const item = view.node(node.item);
    value.forEach((v, i) => {
      const childPath = [...path, itemElement(node, v, i)];
      set.insert(childPath);
      if (node.listType === 'map') walk(view, v, item, set, childPath);
    });
    return;
  }
  if (path.length) set.insert(path);
}
