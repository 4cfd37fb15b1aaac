import type { KubeObject } from '../../api/types.js';
import { rfc3339 } from '../../util/clock.js';
import type { ColumnDefinition, ResourceDefinition } from '../registry/resource.js';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface Table {
  kind: 'Table';
  apiVersion: string;
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  columnDefinitions: Required<ColumnDefinition>[];
  rows: { cells: unknown[]; object?: unknown }[];
}

const defaultColumns: ColumnDefinition[] = [
  { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.' },
  { name: 'Created At', type: 'date', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' },
];

function columnsOf(def: ResourceDefinition): Required<ColumnDefinition>[] {
  return (def.columns ?? defaultColumns).map((c) => ({
    name: c.name,
    type: c.type,
    format: c.format ?? '',
    description: c.description ?? '',
    priority: c.priority ?? 0,
  }));
}

function cellsOf(def: ResourceDefinition, obj: KubeObject, now: number): unknown[] {
  if (def.cells) return def.cells(obj, now);
  return [obj.metadata.name, obj.metadata.creationTimestamp ?? rfc3339(now)];
}

export function partialObjectMetadata(obj: KubeObject, apiVersion = 'meta.k8s.io/v1'): KubeObject {
  return { kind: 'PartialObjectMetadata', apiVersion, metadata: obj.metadata };
}

/**
 * Renders objects as a meta.k8s.io Table with the kind's columns — what `kubectl get` prints.
 * Rows carry the object's metadata by default, so `-A`, `--show-labels` and `-L` work.
 */
export function toTable(
  def: ResourceDefinition,
  items: KubeObject[],
  opts: { now: number; includeObject?: IncludeObject; asVersion?: string; listMeta?: Table['metadata']; withColumns?: boolean },
): Table {
  const apiVersion = `meta.k8s.io/${opts.asVersion ?? 'v1'}`;
  const include = opts.includeObject ?? 'Metadata';
  return {
    kind: 'Table',
    apiVersion,
    metadata: opts.listMeta ?? {},
    columnDefinitions: opts.withColumns === false ? [] : columnsOf(def),
    rows: items.map((obj) => {
      const row: { cells: unknown[]; object?: unknown } = { cells: cellsOf(def, obj, opts.now) };
      if (include === 'Object') row.object = obj;
      else if (include === 'Metadata') row.object = partialObjectMetadata(obj, apiVersion);
      return row;
    }),
  };
}
