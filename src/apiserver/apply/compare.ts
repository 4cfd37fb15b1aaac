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

type Which = 'added' | 'modified' | 'removed';

/**
 * A position in the walk. The three result trees only grow nodes where something changed:
 * a cursor materialises its node (and its parents') on the first insert.
 */
class Cursor {
  private readonly nodes: Partial<Record<Which, FieldSet>> = {};

  constructor(
    private readonly parent: Cursor | Comparison,
    private readonly element: string,
  ) {}

  node(which: Which): FieldSet {
    let n = this.nodes[which];
    if (!n) {
      const p = this.parent;
      n = (p instanceof Cursor ? p.node(which) : p[which]).child(this.element);
      this.nodes[which] = n;
    }
    return n;
  }

  insert(which: Which): void {
    this.node(which).member = true;
  }
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
  walk(view, lhs, rhs, schemaNode, undefined, out);
  return out;
}

function leaf(lhs: unknown, rhs: unknown, at: Cursor): void {
  if (absent(lhs) && absent(rhs)) return;
  if (absent(lhs)) at.insert('added');
  else if (absent(rhs)) at.insert('removed');
  else if (!same(lhs, rhs)) at.insert('modified');
}

function walk(view: TypeView, lhs: unknown, rhs: unknown, declared: TypeNode, at: Cursor | undefined, out: Comparison): void {
  const node = shapeOf(declared, absent(rhs) ? lhs : rhs);
  // Values whose shape changed between versions are compared whole.
  const shapesAgree = absent(lhs) || absent(rhs) || (isObject(lhs) === isObject(rhs) && Array.isArray(lhs) === Array.isArray(rhs));
  const granularMap = node.kind === 'map' && !node.atomic;
  const granularList = node.kind === 'list' && node.listType !== 'atomic';
  if (!shapesAgree || !(granularMap || granularList)) {
    if (at) leaf(lhs, rhs, at);
    return;
  }
  if (absent(lhs) && absent(rhs)) return;
  // Only a map or list that was not there at all is added (or removed) itself: an explicit
  // null (a Go nil field without omitempty) was there, and only its contents change.
  if (at) {
    if (lhs === undefined) at.insert('added');
    else if (rhs === undefined) at.insert('removed');
  }
  const parent = at ?? out;
  if (node.kind === 'map') {
    const l = isObject(lhs) ? lhs : {};
    const r = isObject(rhs) ? rhs : {};
    // An absent field stands for what Go's zero object holds there (`{}` or null).
    const pair = (k: string) => {
      const z = node.zero(k);
      return [l[k] === undefined ? z : l[k], r[k] === undefined ? z : r[k]] as const;
    };
    for (const k of Object.keys(l)) walk(view, ...pair(k), view.node(node.child(k)), new Cursor(parent, fieldElement(k)), out);
    for (const k of Object.keys(r)) if (!Object.hasOwn(l, k)) walk(view, ...pair(k), view.node(node.child(k)), new Cursor(parent, fieldElement(k)), out);
    return;
  }
  if (node.kind !== 'list') return;
  const l = itemsByElement(node, lhs);
  const r = itemsByElement(node, rhs);
  const item = view.node(node.item);
  const visit = (e: string) => {
    const c = new Cursor(parent, e);
    if (node.listType === 'set') leaf(l.has(e) ? true : undefined, r.has(e) ? true : undefined, c);
    else walk(view, l.get(e), r.get(e), item, c, out);
  };
  for (const e of l.keys()) visit(e);
  for (const e of r.keys()) if (!l.has(e)) visit(e);
}
