/**
 * The subset of OpenAPI (3.0 and Swagger 2.0 share it for schemas) that k8ts emits, plus the
 * `x-kubernetes-*` extensions kubectl and the apiserver read.
 */

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export type SchemaType = 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';

export interface Schema {
  $ref?: string;
  type?: SchemaType;
  format?: string;
  description?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  required?: string[];
  allOf?: Schema[];
  oneOf?: Schema[];
  enum?: unknown[];
  default?: unknown;
  uniqueItems?: boolean;
  /** Top-level kinds: which apiVersion/kind pairs this schema describes (kubectl explain, validation). */
  'x-kubernetes-group-version-kind'?: GroupVersionKind[];
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-int-or-string'?: boolean;
  /** Free-form below this point: nothing is an unknown field (custom resources, RawExtension). */
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
}

/** Definition name → schema, e.g. `io.k8s.api.core.v1.Pod`. */
export type SchemaMap = Record<string, Schema>;

/** Where schema references point in OpenAPI v3 documents. */
export const V3_REF_PREFIX = '#/components/schemas/';
/** Where schema references point in Swagger 2.0 documents. */
export const V2_REF_PREFIX = '#/definitions/';

/**
 * A `$ref` to a named schema, in the v3 form (v2 documents rewrite the prefix).
 *
 * @example refTo('io.k8s.api.core.v1.Pod') // { $ref: '#/components/schemas/io.k8s.api.core.v1.Pod' }
 */
export function refTo(name: string): Schema {
  return { $ref: `${V3_REF_PREFIX}${name}` };
}

/**
 * The definition name a `$ref` points at (v3 or v2 form), or undefined for other references.
 *
 * @example refName('#/definitions/io.k8s.api.core.v1.Pod') // 'io.k8s.api.core.v1.Pod'
 */
export function refName(ref: string): string | undefined {
  if (ref.startsWith(V3_REF_PREFIX)) return ref.slice(V3_REF_PREFIX.length);
  if (ref.startsWith(V2_REF_PREFIX)) return ref.slice(V2_REF_PREFIX.length);
  return undefined;
}
