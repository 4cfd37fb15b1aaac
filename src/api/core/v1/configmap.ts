import type { ResourceDefinition } from '../../../apiserver/registry/resource.js';
import { age } from '../../../apiserver/table/format.js';
import { type FieldError, duplicate, invalid } from '../../validation/field-errors.js';
import { isConfigMapKey } from '../../validation/names.js';
import type { KubeObject } from '../../types.js';

const maxConfigMapBytes = 1024 * 1024;

/** Keys of `data` and `binaryData`: config-key rule, no key in both, 1 MiB in all. */
export function validateConfigData(obj: KubeObject, kind: 'ConfigMap' | 'Secret'): FieldError[] {
  const errs: FieldError[] = [];
  const data = (obj.data ?? {}) as Record<string, string>;
  const second = kind === 'ConfigMap' ? 'binaryData' : 'stringData';
  const other = (obj[second] ?? {}) as Record<string, string>;
  let size = 0;
  for (const [k, v] of Object.entries(data)) {
    for (const msg of isConfigMapKey(k)) errs.push(invalid(`data[${k}]`, k, msg));
    size += String(v).length;
  }
  for (const [k, v] of Object.entries(other)) {
    for (const msg of isConfigMapKey(k)) errs.push(invalid(`${second}[${k}]`, k, msg));
    if (kind === 'ConfigMap' && k in data) errs.push(duplicate(`data[${k}]`, k));
    size += String(v).length;
  }
  if (size > maxConfigMapBytes) {
    errs.push({ type: 'FieldValueTooLong', field: '', message: `Too long: must have at most ${maxConfigMapBytes} bytes` });
  }
  return errs;
}

export const configMaps: ResourceDefinition = {
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  plural: 'configmaps',
  singular: 'configmap',
  namespaced: true,
  shortNames: ['cm'],
  protobufMessage: 'k8s.io.api.core.v1.ConfigMap',
  validate: (obj) => validateConfigData(obj, 'ConfigMap'),
  validateUpdate: (obj, old) =>
    old.immutable === true && JSON.stringify([obj.data, obj.binaryData]) !== JSON.stringify([old.data, old.binaryData])
      ? [{ type: 'FieldValueForbidden', field: 'data', message: 'Forbidden: field is immutable when `immutable` is set' }]
      : [],
  columns: [
    { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.' },
    { name: 'Data', type: 'string', description: 'Data contains the configuration data.' },
    { name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' },
  ],
  cells: (obj, now) => [
    obj.metadata.name,
    Object.keys(obj.data ?? {}).length + Object.keys(obj.binaryData ?? {}).length,
    age(obj.metadata.creationTimestamp, now),
  ],
};
