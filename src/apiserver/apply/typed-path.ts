import { itemElement } from './list-elements.js';
import { fieldElement, printPath } from './path-element.js';
import { isObject, shapeOf, type TypeNode, type TypeView } from './type-view.js';

/**
 * Rewrites a decoder path (`spec.containers[0].imagePullPolice`) in the form server-side
 * apply prints paths: list elements by key or value (`.spec.containers[name="c"].imagePullPolice`).
 *
 * @example typedPath(view, podNode, pod, 'spec.containers[0].x') // '.spec.containers[name="web"].x'
 */
export function typedPath(view: TypeView, root: TypeNode, value: unknown, path: string): string {
  const elements: string[] = [];
  let node = root;
  let current = value;
  for (const token of path.match(/[^.[\]]+|\[\d+\]/g) ?? []) {
    const shaped = shapeOf(node, current);
    if (token.startsWith('[') && Array.isArray(current)) {
      const i = Number(token.slice(1, -1));
      const item = current[i];
      elements.push(shaped.kind === 'list' ? itemElement(shaped, item, i) : `i:${i}`);
      node = shaped.kind === 'list' ? view.node(shaped.item) : view.node(undefined);
      current = item;
    } else {
      elements.push(fieldElement(token));
      node = shaped.kind === 'map' ? view.node(shaped.child(token)) : view.node(undefined);
      current = isObject(current) ? current[token] : undefined;
    }
  }
  return printPath(elements);
}
