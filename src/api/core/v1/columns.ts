/** Table column definitions shared by the core/v1 kinds. */
import type { ColumnDefinition } from '../../../apiserver/registry/resource.js';

export const nameColumn: ColumnDefinition = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace.',
};

export const ageColumn: ColumnDefinition = {
  name: 'Age',
  type: 'string',
  description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
};

/** A plain string column; `wide` columns only show with `-o wide`. */
export function column(name: string, description: string, wide = false, type: ColumnDefinition['type'] = 'string'): ColumnDefinition {
  return wide ? { name, type, description, priority: 1 } : { name, type, description };
}
