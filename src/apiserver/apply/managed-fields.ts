import type { ManagedFieldsEntry } from '../../api/types.js';
import { FieldSet } from './field-set.js';

/** One manager's share of an object, decoded from a `metadata.managedFields` entry. */
export interface ManagerEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  subresource?: string;
  time?: string;
  set: FieldSet;
}

/** Managers by identity: name, operation, subresource and (for Update) apiVersion. */
export type Managers = Map<string, ManagerEntry>;

/**
 * The identity of a manager entry. Appliers keep one entry whatever version they apply with;
 * updaters get one per version, as Kubernetes keys them.
 */
export function managerId(e: Pick<ManagerEntry, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  return JSON.stringify([e.manager, e.operation, e.operation === 'Apply' ? '' : e.apiVersion, e.subresource ?? '']);
}

/** Reads `metadata.managedFields`; entries that are not FieldsV1 are dropped. */
export function decodeManagedFields(entries: readonly ManagedFieldsEntry[] | undefined): Managers {
  const out: Managers = new Map();
  for (const e of entries ?? []) {
    if (!e || typeof e !== 'object' || (e.fieldsType !== undefined && e.fieldsType !== 'FieldsV1')) continue;
    const entry: ManagerEntry = {
      manager: e.manager ?? '',
      operation: e.operation === 'Apply' ? 'Apply' : 'Update',
      apiVersion: e.apiVersion ?? '',
      set: FieldSet.fromFieldsV1(e.fieldsV1),
    };
    if (e.subresource) entry.subresource = e.subresource;
    if (e.time) entry.time = e.time;
    const id = managerId(entry);
    const prev = out.get(id);
    out.set(id, prev ? { ...entry, set: prev.set.union(entry.set) } : entry);
  }
  return out;
}

const unixSeconds = (t: string | undefined): number => (t ? Math.floor(Date.parse(t) / 1000) : 0);

/**
 * Writes managers back as `metadata.managedFields`, in Kubernetes' order: Apply before Update,
 * then by time, manager, apiVersion and subresource. Empty managers are left out.
 */
export function encodeManagedFields(managers: Managers): ManagedFieldsEntry[] {
  const list = [...managers.values()].filter((m) => !m.set.empty);
  list.sort(
    (p, q) =>
      cmp(p.operation, q.operation) ||
      unixSeconds(p.time) - unixSeconds(q.time) ||
      cmp(p.manager, q.manager) ||
      cmp(p.apiVersion, q.apiVersion) ||
      cmp(p.subresource ?? '', q.subresource ?? ''),
  );
  return list.map((m) => {
    const e: ManagedFieldsEntry = { manager: m.manager, operation: m.operation, apiVersion: m.apiVersion };
    if (m.time) e.time = m.time;
    e.fieldsType = 'FieldsV1';
    e.fieldsV1 = m.set.toFieldsV1();
    if (m.subresource) e.subresource = m.subresource;
    return e;
  });
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * How an apply conflict names a manager: `"a"`, or `"kubectl-edit" using apps/v1` for
 * updaters, with ` with subresource "status"` for subresource writers.
 */
export function printManager(m: Pick<ManagerEntry, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  let out = JSON.stringify(m.manager);
  if (m.subresource) out += ` with subresource ${JSON.stringify(m.subresource)}`;
  if (m.operation === 'Update') out += ` using ${m.apiVersion}`;
  return out;
}
