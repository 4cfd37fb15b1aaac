import type { ResourceDefinition } from '../../../apiserver/registry/resource.js';
import { age } from '../../../apiserver/table/format.js';
import type { KubeObject } from '../../types.js';
import { type FieldError, forbidden, immutable, invalid, required, tooLong } from '../../validation/field-errors.js';
import { isConfigMapKey } from '../../validation/names.js';
import { ageColumn, column, nameColumn } from './columns.js';
import { isObject, jsonEqual, objectOr } from './json.js';

const maxSecretBytes = 1024 * 1024;

/** v1 accepts write-only `stringData`; it lands base64-encoded in `data` (and wins over it). */
function mergeStringData(obj: KubeObject): void {
  if (!obj.type) obj.type = 'Opaque';
  if (!isObject(obj.stringData)) {
    delete obj.stringData;
    return;
  }
  const data = isObject(obj.data) ? obj.data : {};
  for (const [k, v] of Object.entries(obj.stringData)) data[k] = Buffer.from(String(v), 'utf8').toString('base64');
  obj.data = data;
  delete obj.stringData;
}

function decoded(obj: KubeObject, key: string): Buffer | undefined {
  const v = objectOr(obj.data)[key];
  return typeof v === 'string' ? Buffer.from(v, 'base64') : undefined;
}

function validateJSONKey(obj: KubeObject, key: string, errs: FieldError[]): void {
  const bytes = decoded(obj, key);
  if (!bytes) {
    errs.push(required(`data[${key}]`));
    return;
  }
  try {
    const parsed: unknown = JSON.parse(bytes.toString('utf8'));
    if (!isObject(parsed)) throw new SyntaxError('json: cannot unmarshal into Go value of type map[string]interface {}');
  } catch (err) {
    errs.push(invalid(`data[${key}]`, '<secret contents redacted>', (err as Error).message));
  }
}

/** The checks every secret type shares plus each type's required keys (ValidateSecret). */
function validateSecret(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(objectOr(obj.data))) {
    for (const m of isConfigMapKey(k)) errs.push(invalid(`data[${k}]`, k, m));
    if (typeof v !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(v)) {
      errs.push(invalid(`data[${k}]`, '<secret contents redacted>', 'illegal base64 data'));
      continue;
    }
    size += Buffer.from(v, 'base64').length;
  }
  if (size > maxSecretBytes) errs.push(tooLong('data', maxSecretBytes));
  const data = objectOr(obj.data);
  switch (obj.type) {
    case 'kubernetes.io/service-account-token':
      if (!obj.metadata.annotations?.['kubernetes.io/service-account.name']) {
        errs.push(required('metadata.annotations[kubernetes.io/service-account.name]'));
      }
      break;
    case 'kubernetes.io/dockercfg':
      validateJSONKey(obj, '.dockercfg', errs);
      break;
    case 'kubernetes.io/dockerconfigjson':
      validateJSONKey(obj, '.dockerconfigjson', errs);
      break;
    case 'kubernetes.io/basic-auth':
      // Kubernetes really reports these paths with a literal `[%s]`.
      if (!('username' in data) && !('password' in data)) errs.push(required('data[%s][username]'), required('data[%s][password]'));
      break;
    case 'kubernetes.io/ssh-auth':
      if (!decoded(obj, 'ssh-privatekey')?.length) errs.push(required('data[%s][ssh-privatekey]'));
      break;
    case 'kubernetes.io/tls':
      if (!('tls.crt' in data)) errs.push(required('data[tls.crt]'));
      if (!('tls.key' in data)) errs.push(required('data[tls.key]'));
      break;
  }
  return errs;
}

function validateSecretUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  if ((obj.type ?? 'Opaque') !== (old.type ?? 'Opaque')) errs.push(immutable('type', obj.type));
  if (old.immutable === true) {
    if (obj.immutable !== true) errs.push(forbidden('immutable', 'field is immutable when `immutable` is set'));
    if (!jsonEqual(obj.data ?? {}, old.data ?? {})) errs.push(forbidden('data', 'field is immutable when `immutable` is set'));
  }
  return errs;
}

export const secrets: ResourceDefinition = {
  group: '',
  version: 'v1',
  kind: 'Secret',
  plural: 'secrets',
  singular: 'secret',
  namespaced: true,
  protobufMessage: 'k8s.io.api.core.v1.Secret',
  defaults: mergeStringData,
  validate: validateSecret,
  validateUpdate: validateSecretUpdate,
  columns: [
    nameColumn,
    column('Type', 'Used to facilitate programmatic handling of secret data.'),
    column('Data', 'Data contains the secret data.'),
    ageColumn,
  ],
  cells: (obj, now) => [obj.metadata.name, obj.type ?? '', Object.keys(objectOr(obj.data)).length, age(obj.metadata.creationTimestamp, now)],
  fieldSelectors: { type: (o) => String(o.type ?? '') },
};
