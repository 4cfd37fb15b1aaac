import type { KubeObject, ManagedFieldsEntry } from '../../api/types.js';
import type { Schema } from '../openapi/schema-types.js';
import { compare } from './compare.js';
import { applyConflictError, type ManagerConflict } from './conflict.js';
import { FieldSet } from './field-set.js';
import { decodeManagedFields, encodeManagedFields, managerId, type ManagerEntry, type Managers } from './managed-fields.js';
import { merge, removeItems } from './merge.js';
import { same } from './list-elements.js';
import { toFieldSet } from './to-field-set.js';
import { TypeView, type SchemaResolver, type TypeNode } from './type-view.js';

/** Where to find the schema of a kind (SchemaRegistry is one). */
export interface KindSchemas extends SchemaResolver {
  schemaFor(apiVersion: string, kind: string): Schema | undefined;
}

/** Who writes, and where. */
export interface WriteInfo {
  manager: string;
  /** The version the writer speaks (`apps/v1`). */
  apiVersion: string;
  kind: string;
  /** `status`, `scale` …; undefined for the object itself. */
  subresource?: string;
  /** RFC 3339 time of the write. */
  now: string;
  /** The kind has a status subresource: its main endpoint then never owns `status`. */
  statusSplit: boolean;
}

/** Fields every manager's set leaves out: identity and bookkeeping, not content. */
const NOT_OWNED = (() => {
  const s = new FieldSet();
  for (const p of [['f:apiVersion'], ['f:kind'], ['f:metadata']]) s.insert(p);
  for (const f of ['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion']) {
    s.insert(['f:metadata', `f:${f}`]);
  }
  return s;
})();

/** The object without its managedFields: what ownership is computed over. */
function bare(obj: KubeObject | undefined): Record<string, unknown> {
  if (!obj) return {};
  const { managedFields: _m, ...meta } = obj.metadata ?? {};
  return { ...obj, metadata: meta };
}

/**
 * Server-side apply and field ownership (`metadata.managedFields`), over the OpenAPI schemas:
 * every write records which manager set which fields; an apply merges its configuration into
 * the object, removes the fields its manager stopped setting, and refuses (409) to change
 * fields other managers own unless forced.
 *
 * @example
 * const fm = new FieldManager(defaultSchemaRegistry());
 * const obj = fm.apply(undefined, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' } }, info, false);
 * obj.metadata.managedFields // [{ manager: 'kubectl', operation: 'Apply', …, fieldsV1: { 'f:data': { 'f:a': {} } } }]
 */
export class FieldManager {
  readonly view: TypeView;

  constructor(private readonly schemas: KindSchemas) {
    this.view = new TypeView(schemas);
  }

  root(apiVersion: string, kind: string): TypeNode {
    return this.view.node(this.schemas.schemaFor(apiVersion, kind) ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true });
  }

  /** Drops what no manager owns and what this endpoint may not change (status, or all but status). */
  private scoped(set: FieldSet, w: WriteInfo): FieldSet {
    const out = set.difference(NOT_OWNED);
    if (w.subresource === 'status') {
      for (const k of [...out.children.keys()]) if (k !== 'f:status') out.children.delete(k);
    } else if (w.statusSplit && !w.subresource) out.children.delete('f:status');
    return out;
  }

  /**
   * Records an Update-operation write (`old` undefined for a create) in `obj.metadata.managedFields`:
   * the writer takes the fields it added or changed from everyone, removed fields leave every set.
   */
  trackUpdate(obj: KubeObject, old: KubeObject | undefined, w: WriteInfo): void {
    const incoming = obj.metadata.managedFields;
    let managers: Managers;
    if (old && incoming !== undefined && incoming.length > 0 && !same(incoming, old.metadata.managedFields)) {
      // A client that writes `[{}]` asks for the bookkeeping to be dropped.
      if (incoming.every((e) => e && typeof e === 'object' && Object.keys(e).length === 0)) {
        delete obj.metadata.managedFields;
        return;
      }
      managers = decodeManagedFields(incoming);
    } else managers = decodeManagedFields(old?.metadata.managedFields);
    const cmp = compare(this.view, bare(old), bare(obj), this.root(w.apiVersion, w.kind));
    const changed = this.scoped(cmp.added.union(cmp.modified), w);
    const removed = this.scoped(cmp.removed, w);
    const id = managerId({ manager: w.manager, operation: 'Update', apiVersion: w.apiVersion, subresource: w.subresource });
    for (const [key, m] of managers) if (key !== id) m.set = m.set.difference(changed).difference(removed);
    const mine = managers.get(id);
    const set = (mine?.set ?? new FieldSet()).difference(removed).union(changed);
    managers.set(id, this.entry(mine, { manager: w.manager, operation: 'Update', apiVersion: w.apiVersion, subresource: w.subresource, set }, w.now));
    this.store(obj, managers);
  }

  /**
   * Applies a configuration (already checked to be this kind) to `live` (undefined: create).
   * Throws the 409 conflict error unless `force`. Returns the new object with its managedFields.
   */
  apply(live: KubeObject | undefined, config: KubeObject, w: WriteInfo, force: boolean): KubeObject {
    const root = this.root(w.apiVersion, w.kind);
    const cfg = stripNulls(bare(config)) as Record<string, unknown>;
    const liveBare = bare(live);
    let merged = merge(this.view, liveBare, cfg, root) as KubeObject;
    const managers = decodeManagedFields(live?.metadata.managedFields);
    const id = managerId({ manager: w.manager, operation: 'Apply', apiVersion: w.apiVersion, subresource: w.subresource });
    const previous = managers.get(id);
    const set = this.scoped(toFieldSet(this.view, cfg, root), w);
    // Fields this manager applied before and dropped now go, unless someone else still holds them.
    if (previous) {
      let kept = set;
      for (const [key, m] of managers) if (key !== id) kept = kept.union(m.set);
      const dropped = previous.set.difference(kept);
      if (!dropped.empty) {
        merged = structuredClone(merged);
        removeItems(this.view, merged, dropped, root, kept);
      }
    }
    const cmp = compare(this.view, liveBare, merged, root);
    const changed = this.scoped(cmp.added.union(cmp.modified), w);
    const removed = this.scoped(cmp.removed, w);
    const conflicts: ManagerConflict[] = [];
    for (const [key, m] of managers) {
      if (key === id) continue;
      const taken = m.set.intersection(changed);
      if (!taken.empty) conflicts.push({ manager: m, fields: taken });
    }
    if (conflicts.length && !force) throw applyConflictError(conflicts);
    for (const [key, m] of managers) if (key !== id) m.set = m.set.difference(changed).difference(removed);
    managers.set(id, this.entry(previous, { manager: w.manager, operation: 'Apply', apiVersion: w.apiVersion, subresource: w.subresource, set }, w.now));
    this.store(merged, managers);
    return merged;
  }

  /** The new entry, keeping its old time when its fields did not change (so a no-op stays one). */
  private entry(previous: ManagerEntry | undefined, next: Omit<ManagerEntry, 'time'>, now: string): ManagerEntry {
    const time = previous && previous.set.equals(next.set) && previous.apiVersion === next.apiVersion ? previous.time : now;
    return time ? { ...next, time } : next;
  }

  private store(obj: KubeObject, managers: Managers): void {
    obj.metadata ??= {};
    const list: ManagedFieldsEntry[] = encodeManagedFields(managers);
    if (list.length) obj.metadata.managedFields = list;
    else delete obj.metadata.managedFields;
  }
}

/** Nulls in an apply configuration set nothing (Kubernetes drops them when it decodes). */
function stripNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripNulls);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = stripNulls(v);
  return out;
}
