/**
 * Path elements of field sets, in the string forms `fieldsV1` uses as keys, and the dotted
 * form Kubernetes prints in apply conflicts (`.spec.template.spec.containers[name="web"].image`).
 */

/** A struct field or map key: `f:replicas`. */
export const fieldElement = (name: string): string => `f:${name}`;

/**
 * A list element of a list-map, by its key fields (sorted by name, as Kubernetes writes them).
 *
 * @example keyElement({ protocol: 'TCP', containerPort: 80 }) // 'k:{"containerPort":80,"protocol":"TCP"}'
 */
export function keyElement(keys: Record<string, unknown>): string {
  const sorted = Object.fromEntries(Object.keys(keys).sort().map((k) => [k, keys[k]]));
  return `k:${JSON.stringify(sorted)}`;
}

/** A value of a set-typed list: `v:"example.com/finalizer"`. */
export const valueElement = (value: unknown): string => `v:${JSON.stringify(value)}`;

/** A position in a list that has no keys (only inside untyped data). */
export const indexElement = (i: number): string => `i:${i}`;

/** One element as it appears in a printed path. */
function printElement(element: string): string {
  const body = element.slice(2);
  switch (element[0]) {
    case 'f':
      return `.${body}`;
    case 'k': {
      const keys = JSON.parse(body) as Record<string, unknown>;
      return `[${Object.entries(keys).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}]`;
    }
    case 'v':
      return `[=${body}]`;
    case 'i':
      return `[${body}]`;
    default:
      return element;
  }
}

/**
 * A path as Kubernetes prints it in conflict messages.
 *
 * @example printPath(['f:spec', 'f:replicas']) // '.spec.replicas'
 */
export function printPath(elements: readonly string[]): string {
  return elements.map(printElement).join('');
}
