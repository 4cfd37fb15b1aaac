import type { ResourceDefinition } from '../../../apiserver/registry/resource.js';
import { age } from '../../../apiserver/table/format.js';
import type { KubeObject } from '../../types.js';
import { type FieldError, duplicate, forbidden, invalid, notSupported, required } from '../../validation/field-errors.js';
import { isQualifiedName } from '../../validation/names.js';
import { immutableField } from '../../common/checks.js';
import { ageColumn, nameColumn } from '../../common/columns.js';
import { semanticEqual } from '../../common/semantic.js';

const maxParameters = 512;
const maxParameterBytes = 256 * 1024;

/** Annotations that make a class the cluster default (GA and the older beta key). */
const defaultClassAnnotations = ['storageclass.kubernetes.io/is-default-class', 'storageclass.beta.kubernetes.io/is-default-class'];

interface TopologyTerm {
  matchLabelExpressions?: { key?: string; values?: string[] }[];
}

export function isDefaultClass(obj: KubeObject): boolean {
  return defaultClassAnnotations.some((a) => obj.metadata.annotations?.[a] === 'true');
}

function validateParameters(params: unknown): FieldError[] {
  const entries = Object.entries((params ?? {}) as Record<string, string>);
  if (entries.length > maxParameters) {
    return [{ type: 'FieldValueTooLong', field: 'parameters', message: `Too long: may not be more than ${maxParameters} bytes` }];
  }
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of entries) {
    if (k.length < 1) errs.push(invalid('parameters', k, 'field can not be empty.'));
    size += k.length + String(v).length;
  }
  if (size > maxParameterBytes) {
    errs.push({ type: 'FieldValueTooLong', field: 'parameters', message: `Too long: may not be more than ${maxParameterBytes} bytes` });
  }
  return errs;
}

function validateTopologies(terms: TopologyTerm[]): FieldError[] {
  const errs: FieldError[] = [];
  const seen: Record<string, string[]>[] = [];
  terms.forEach((term, i) => {
    const keys: Record<string, string[]> = {};
    (term.matchLabelExpressions ?? []).forEach((req, j) => {
      const f = `allowedTopologies[${i}].matchLabelExpressions[${j}]`;
      const values = req.values ?? [];
      if (values.length === 0) errs.push(required(`${f}.values`, 'must specify as least one value'));
      values.forEach((v, k) => {
        if (values.indexOf(v) !== k) errs.push(duplicate(`${f}.values[${k}]`, v));
      });
      for (const m of isQualifiedName(req.key ?? '')) errs.push(invalid(`${f}.key`, req.key ?? '', m));
      if (req.key !== undefined && req.key in keys) errs.push(duplicate(`${f}.key`, req.key));
      keys[req.key ?? ''] = [...new Set(values)].sort();
    });
    if (seen.some((s) => semanticEqual(s, keys))) errs.push(duplicate(`allowedTopologies[${i}].matchLabelExpressions`, ''));
    seen.push(keys);
  });
  return errs;
}

/** ValidateStorageClass beyond ObjectMeta. */
export function validateStorageClass(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const provisioner = typeof obj.provisioner === 'string' ? obj.provisioner : '';
  if (!provisioner) errs.push(required('provisioner'));
  else for (const m of isQualifiedName(provisioner.toLowerCase())) errs.push(invalid('provisioner', provisioner.toLowerCase(), m));
  errs.push(...validateParameters(obj.parameters));
  const policy = obj.reclaimPolicy;
  if (typeof policy === 'string' && policy && policy !== 'Delete' && policy !== 'Retain') {
    errs.push(notSupported('reclaimPolicy', policy, ['Delete', 'Retain']));
  }
  const mode = obj.volumeBindingMode;
  if (mode === undefined || mode === null) errs.push(required('volumeBindingMode'));
  else if (mode !== 'Immediate' && mode !== 'WaitForFirstConsumer') {
    errs.push(notSupported('volumeBindingMode', mode, ['Immediate', 'WaitForFirstConsumer']));
  }
  if (Array.isArray(obj.allowedTopologies)) errs.push(...validateTopologies(obj.allowedTopologies as TopologyTerm[]));
  return errs;
}

/** Provisioner, parameters, reclaim policy and binding mode are fixed once the class exists. */
export function validateStorageClassUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  if (!semanticEqual(obj.parameters ?? {}, old.parameters ?? {})) errs.push(forbidden('parameters', 'updates to parameters are forbidden.'));
  if (obj.provisioner !== old.provisioner) errs.push(forbidden('provisioner', 'updates to provisioner are forbidden.'));
  if (obj.reclaimPolicy !== old.reclaimPolicy) errs.push(forbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
  errs.push(...immutableField(obj.volumeBindingMode, old.volumeBindingMode, 'volumeBindingMode'));
  return errs;
}

export const storageClasses: ResourceDefinition = {
  group: 'storage.k8s.io',
  version: 'v1',
  kind: 'StorageClass',
  plural: 'storageclasses',
  singular: 'storageclass',
  namespaced: false,
  shortNames: ['sc'],
  protobufMessage: 'k8s.io.api.storage.v1.StorageClass',
  // SetDefaults_StorageClass.
  defaults: (obj) => {
    obj.reclaimPolicy ??= 'Delete';
    obj.volumeBindingMode ??= 'Immediate';
  },
  validate: validateStorageClass,
  validateUpdate: validateStorageClassUpdate,
  columns: [
    nameColumn,
    { name: 'Provisioner', type: 'string', description: 'provisioner indicates the type of the provisioner.' },
    { name: 'ReclaimPolicy', type: 'string', description: 'reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class. Defaults to Delete.' },
    { name: 'VolumeBindingMode', type: 'string', description: 'volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.  When unset, VolumeBindingImmediate is used. This field is only honored by servers that enable the VolumeScheduling feature.' },
    { name: 'AllowVolumeExpansion', type: 'string', description: 'allowVolumeExpansion shows whether the storage class allow volume expand.' },
    ageColumn,
  ],
  cells: (obj, now) => [
    isDefaultClass(obj) ? `${obj.metadata.name} (default)` : obj.metadata.name,
    obj.provisioner ?? '',
    obj.reclaimPolicy ?? 'Delete',
    obj.volumeBindingMode ?? 'Immediate',
    obj.allowVolumeExpansion === true,
    age(obj.metadata.creationTimestamp, now),
  ],
};
