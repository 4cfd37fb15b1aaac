import type { ResourceDefinition } from '../../../apiserver/registry/resource.js';
import { age } from '../../../apiserver/table/format.js';
import { type FieldError, required } from '../../validation/field-errors.js';
import { ageColumn, column, nameColumn } from './columns.js';
import { objectsOf } from './json.js';

export const serviceAccounts: ResourceDefinition = {
  group: '',
  version: 'v1',
  kind: 'ServiceAccount',
  plural: 'serviceaccounts',
  singular: 'serviceaccount',
  namespaced: true,
  shortNames: ['sa'],
  protobufMessage: 'k8s.io.api.core.v1.ServiceAccount',
  validate(obj) {
    const errs: FieldError[] = [];
    for (const [i, s] of objectsOf(obj.imagePullSecrets).entries()) if (!s.name) errs.push(required(`imagePullSecrets[${i}].name`));
    return errs;
  },
  columns: [nameColumn, column('Secrets', 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.'), ageColumn],
  cells: (obj, now) => [obj.metadata.name, objectsOf(obj.secrets).length, age(obj.metadata.creationTimestamp, now)],
};
