import { refTo, type Schema } from './schema-types.js';

const OBJECT_META = refTo('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');

/** Resolves `$ref`s; SchemaRegistry is one. */
export interface SchemaResolver {
  resolve(schema: Schema): Schema;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

const child = (path: string, key: string): string => (path ? `${path}.${key}` : key);

/** Fields every object with `x-kubernetes-embedded-resource` (and every root object) may carry. */
function typeMetaField(key: string): Schema | undefined {
  if (key === 'apiVersion' || key === 'kind') return { type: 'string' };
  if (key === 'metadata') return OBJECT_META;
  return undefined;
}

interface Walk {
  reg: SchemaResolver;
  out: string[];
  /** Delete what is reported, as decoding into Go structs drops it. */
  prune: boolean;
}

function walk(value: unknown, schema: Schema, path: string, embedded: boolean, w: Walk): void {
  const s = w.reg.resolve(schema);
  if (s['x-kubernetes-int-or-string']) return;
  if (Array.isArray(value)) {
    if (s.items) value.forEach((v, i) => walk(v, s.items!, `${path}[${i}]`, false, w));
    return;
  }
  if (!isPlainObject(value)) return;
  const props = s.properties;
  const extra = s.additionalProperties;
  // A schema that says nothing about objects accepts anything (it is not ours to type-check).
  if (s.type !== 'object' && !props && !extra) return;
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  const embeds = embedded || s['x-kubernetes-embedded-resource'] === true;
  for (const [key, v] of Object.entries(value)) {
    const known = props && Object.hasOwn(props, key) ? props[key]! : undefined;
    const sub = known ?? (typeof extra === 'object' ? extra : undefined) ?? (embeds ? typeMetaField(key) : undefined);
    if (sub) walk(v, sub, child(path, key), sub['x-kubernetes-embedded-resource'] === true, w);
    else if (!preserve && extra !== true) {
      w.out.push(`unknown field "${child(path, key)}"`);
      if (w.prune) delete value[key];
    }
  }
}

/**
 * The fields of `value` that `schema` does not declare, in document order, as Kubernetes'
 * strict decoder words them. Free-form places (`x-kubernetes-preserve-unknown-fields`,
 * `additionalProperties: true`, schemas without an object shape) are not descended into.
 * The root object may always carry apiVersion, kind and metadata, as custom resources do.
 * With `prune`, the reported fields are also deleted from `value`.
 *
 * @example
 * unknownFields({ spec: { replicaz: 3 } }, deploymentSchema, registry)
 * // ['unknown field "spec.replicaz"']
 */
export function unknownFields(value: unknown, schema: Schema, reg: SchemaResolver, opts: { prune?: boolean } = {}): string[] {
  const w: Walk = { reg, out: [], prune: opts.prune ?? false };
  walk(value, schema, '', true, w);
  return w.out;
}
