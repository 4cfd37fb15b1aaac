import { builtinComponentSchemas } from './component-schemas.js';
import { parseApiVersion } from './definition-names.js';
import { refName, type GroupVersionKind, type Schema, type SchemaMap } from './schema-types.js';

const gvkKey = (g: GroupVersionKind): string => `${g.group}/${g.version}/${g.kind}`;

/**
 * The named schemas the OpenAPI documents and field validation share: the built-in types plus
 * whatever is added later (custom resources). A schema carrying `x-kubernetes-group-version-kind`
 * becomes the schema of those kinds.
 *
 * @example
 * const reg = new SchemaRegistry();
 * reg.add({ 'com.example.v1.Widget': { type: 'object', 'x-kubernetes-group-version-kind': [{ group: 'example.com', version: 'v1', kind: 'Widget' }], … } });
 * reg.nameFor({ group: 'example.com', version: 'v1', kind: 'Widget' }) // 'com.example.v1.Widget'
 */
export class SchemaRegistry {
  private readonly schemas = new Map<string, Schema>();
  private readonly byKind = new Map<string, string>();
  private changes = 0;

  constructor(initial: SchemaMap = builtinComponentSchemas()) {
    this.add(initial);
  }

  /** Adds or replaces schemas by definition name, indexing their kinds. */
  add(schemas: SchemaMap): void {
    for (const [name, schema] of Object.entries(schemas)) {
      this.remove(name);
      this.schemas.set(name, schema);
      for (const gvk of schema['x-kubernetes-group-version-kind'] ?? []) this.byKind.set(gvkKey(gvk), name);
    }
    this.changes++;
  }

  /** Drops a schema (a deleted custom resource) and its kinds. */
  remove(name: string): void {
    const old = this.schemas.get(name);
    if (!old) return;
    this.schemas.delete(name);
    for (const gvk of old['x-kubernetes-group-version-kind'] ?? []) {
      if (this.byKind.get(gvkKey(gvk)) === name) this.byKind.delete(gvkKey(gvk));
    }
    this.changes++;
  }

  /** Bumped on every change, so callers can tell when cached documents went stale. */
  get generation(): number {
    return this.changes;
  }

  get(name: string): Schema | undefined {
    return this.schemas.get(name);
  }

  /**
   * The definition name describing a kind. The meta kinds (Status, DeleteOptions …) are served
   * under every group-version; other kinds only under their own.
   */
  nameFor(gvk: GroupVersionKind): string | undefined {
    const exact = this.byKind.get(gvkKey(gvk));
    if (exact) return exact;
    const meta = this.byKind.get(gvkKey({ group: '', version: 'v1', kind: gvk.kind }));
    return meta?.startsWith('io.k8s.apimachinery.pkg.apis.meta.v1.') ? meta : undefined;
  }

  /** The schema of `kind` in `apiVersion` (`apps/v1`, `v1`), or undefined when none is known. */
  schemaFor(apiVersion: string, kind: string): Schema | undefined {
    const name = this.nameFor({ ...parseApiVersion(apiVersion), kind });
    return name === undefined ? undefined : this.schemas.get(name);
  }

  /** Follows `$ref` (and a lone `allOf`) to the schema that holds the content. */
  resolve(schema: Schema): Schema {
    let s = schema;
    for (let depth = 0; depth < 32; depth++) {
      const target = s.$ref ? refName(s.$ref) : undefined;
      if (target !== undefined) {
        const next = this.schemas.get(target);
        if (!next) return s;
        s = next;
      } else if (s.allOf?.length === 1 && !s.properties) s = s.allOf[0]!;
      else return s;
    }
    return s;
  }

  /**
   * The named schemas reachable from `roots`, each once, sorted by name: what one OpenAPI
   * document's `components.schemas` must hold.
   */
  closure(roots: Iterable<string>): SchemaMap {
    const seen = new Set<string>();
    const pending = [...roots];
    while (pending.length) {
      const name = pending.pop()!;
      if (seen.has(name)) continue;
      const schema = this.schemas.get(name);
      if (!schema) continue;
      seen.add(name);
      collectRefs(schema, pending);
    }
    return Object.fromEntries([...seen].sort().map((n) => [n, this.schemas.get(n)!]));
  }
}

/**
 * Pushes every definition name referenced anywhere inside `value`.
 *
 * @example const out: string[] = []; collectRefs({ items: refTo('a.B') }, out); out // ['a.B']
 */
export function collectRefs(value: unknown, out: string[]): void {
  if (Array.isArray(value)) {
    for (const v of value) collectRefs(v, out);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [k, v] of Object.entries(value)) {
    if (k === '$ref' && typeof v === 'string') {
      const name = refName(v);
      if (name !== undefined) out.push(name);
    } else collectRefs(v, out);
  }
}
