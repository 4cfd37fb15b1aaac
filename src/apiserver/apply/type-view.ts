import type { Schema } from '../openapi/schema-types.js';
import { zeroFields, type ZeroValue } from './zero-fields.js';

/** Resolves `$ref`s and names (SchemaRegistry is one). */
export interface SchemaResolver {
  resolve(schema: Schema): Schema;
  get(name: string): Schema | undefined;
}

/**
 * How server-side apply sees one place in an object: a scalar (owned whole), a map (its
 * entries owned one by one unless atomic), or a list (atomic, a set of values, or a map of
 * elements by key). A place without a schema is `untyped`: objects are granular maps and lists
 * atomic, as Kubernetes treats free-form data.
 */
export type TypeNode =
  | { readonly kind: 'scalar' }
  | { readonly kind: 'untyped' }
  | {
      readonly kind: 'map';
      readonly atomic: boolean;
      /** Named fields of a struct; entries of a map when `structFields` is false. */
      readonly structFields: boolean;
      child(key: string): Schema | undefined;
      /** What Go's zero object holds for an absent field (see zero-fields.ts); undefined: nothing. */
      zero(key: string): ZeroValue | undefined;
    }
  | {
      readonly kind: 'list';
      readonly listType: 'atomic' | 'set' | 'map';
      readonly keys: readonly string[];
      /** Values a missing key field takes (`protocol: TCP`), so `{containerPort: 80}` finds its element. */
      readonly keyDefaults: Readonly<Record<string, unknown>>;
      readonly item: Schema | undefined;
    };

const SCALAR: TypeNode = { kind: 'scalar' };
const UNTYPED: TypeNode = { kind: 'untyped' };

/** Describes schemas, caching per schema object: the same definitions are walked on every write. */
export class TypeView {
  private readonly cache = new WeakMap<Schema, TypeNode>();
  private zeros?: WeakMap<Schema, Map<string, ZeroValue>>;

  constructor(private readonly reg: SchemaResolver) {}

  /** Zero stand-ins of a resolved definition schema, matched by identity with the registry's. */
  private zerosOf(s: Schema): Map<string, ZeroValue> | undefined {
    if (!this.zeros) {
      this.zeros = new WeakMap();
      for (const [name, fields] of zeroFields()) {
        const schema = this.reg.get(name);
        if (schema) this.zeros.set(schema, fields);
      }
    }
    return this.zeros.get(s);
  }

  node(schema: Schema | undefined): TypeNode {
    if (!schema) return UNTYPED;
    let n = this.cache.get(schema);
    if (!n) this.cache.set(schema, (n = this.describe(schema)));
    return n;
  }

  private describe(raw: Schema): TypeNode {
    const s = this.reg.resolve(raw);
    if (s['x-kubernetes-int-or-string'] || s.oneOf) return SCALAR;
    if (s.type === 'array') {
      const item = s.items;
      const listType = s['x-kubernetes-list-type'] ?? 'atomic';
      const keys = listType === 'map' ? [...(s['x-kubernetes-list-map-keys'] ?? [])] : [];
      const keyDefaults: Record<string, unknown> = {};
      if (item && keys.length) {
        const props = this.reg.resolve(item).properties ?? {};
        for (const k of keys) if (props[k]?.default !== undefined) keyDefaults[k] = props[k]!.default;
      }
      return { kind: 'list', listType, keys, keyDefaults, item };
    }
    const props = s.properties;
    const extra = s.additionalProperties;
    if (s.type === 'object' || props || extra) {
      if (!props && !extra) return UNTYPED; // free-form (preserve-unknown-fields, RawExtension)
      const atomic = s['x-kubernetes-map-type'] === 'atomic';
      const zeros = props ? this.zerosOf(s) : undefined;
      return {
        kind: 'map',
        atomic,
        structFields: !!props,
        child: (key) => (props && Object.hasOwn(props, key) ? props[key] : typeof extra === 'object' ? extra : undefined),
        zero: (key) => zeros?.get(key),
      };
    }
    return SCALAR;
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The type of `value` at a node, falling back to its own shape where the schema says nothing. */
export function shapeOf(node: TypeNode, value: unknown): TypeNode {
  if (node.kind !== 'untyped') {
    // A value of the wrong shape is owned whole rather than walked by a schema that does not fit.
    if (node.kind === 'map' && !isObject(value) && value !== undefined && value !== null) return SCALAR;
    if (node.kind === 'list' && !Array.isArray(value) && value !== undefined && value !== null) return SCALAR;
    return node;
  }
  if (isObject(value)) return { kind: 'map', atomic: false, structFields: false, child: () => undefined, zero: () => undefined };
  if (Array.isArray(value)) return { kind: 'list', listType: 'atomic', keys: [], keyDefaults: {}, item: undefined };
  return SCALAR;
}
