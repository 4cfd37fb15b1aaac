import type { ResourceDefinition } from '../../../apiserver/registry/resource.js';
import { age } from '../../../apiserver/table/format.js';
import type { KubeObject } from '../../types.js';
import { canonicalQuantity } from '../../quantity.js';
import { type FieldError, invalid, notSupported, required } from '../../validation/field-errors.js';
import { ageColumn, column, nameColumn } from './columns.js';
import { objectOr, objectsOf, stringsOf } from './json.js';
import { validateResourceList } from './resources.js';

const scopes = ['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort', 'PriorityClass', 'CrossNamespacePodAffinity'];
const selectorOperators = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

function validateQuota(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = objectOr(obj.spec);
  validateResourceList(spec.hard, 'spec.hard', errs);
  for (const s of stringsOf(spec.scopes)) if (!scopes.includes(s)) errs.push(invalid('spec.scopes', s, 'unsupported scope'));
  const scopeSelector = objectOr(spec.scopeSelector);
  for (const [i, e] of objectsOf(scopeSelector.matchExpressions).entries()) {
    const f = `spec.scopeSelector.matchExpressions[${i}]`;
    if (!scopes.includes(e.scopeName)) errs.push(invalid(`${f}.scopeName`, e.scopeName ?? '', 'unsupported scope'));
    if (!selectorOperators.includes(e.operator)) errs.push(notSupported(`${f}.operator`, e.operator ?? '', selectorOperators));
    const values = stringsOf(e.values);
    if ((e.operator === 'In' || e.operator === 'NotIn') && values.length === 0) {
      errs.push(required(`${f}.values`, 'must be at least one value when `operator` is \'In\' or \'NotIn\' for scope selector'));
    }
  }
  const status = objectOr(obj.status);
  validateResourceList(status.hard, 'status.hard', errs);
  validateResourceList(status.used, 'status.used', errs);
  return errs;
}

/** `name: used/hard` pairs, requests (and plain counts) in one column, limits.* in the other. */
function quotaColumns(obj: KubeObject): [string, string] {
  const status = objectOr(obj.status);
  const hard = objectOr(status.hard);
  const used = objectOr(status.used);
  const request: string[] = [];
  const limit: string[] = [];
  for (const name of Object.keys(hard).sort()) {
    const text = `${name}: ${canonicalQuantity(used[name] ?? '0')}/${canonicalQuantity(hard[name])}`;
    const parts = name.split('.');
    (parts.length > 1 && parts[0] === 'limits' ? limit : request).push(text);
  }
  return [request.join(', '), limit.join(', ')];
}

export const resourceQuotas: ResourceDefinition = {
  group: '',
  version: 'v1',
  kind: 'ResourceQuota',
  plural: 'resourcequotas',
  singular: 'resourcequota',
  namespaced: true,
  shortNames: ['quota'],
  statusSubresource: true,
  protobufMessage: 'k8s.io.api.core.v1.ResourceQuota',
  prepareForCreate(obj) {
    // The quota controller fills status in with what the namespace uses.
    delete obj.status;
  },
  validate: validateQuota,
  columns: [
    nameColumn,
    column('Request', 'Request represents a minimum amount of cpu/memory that a container may consume.'),
    column('Limit', 'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.'),
    ageColumn,
  ],
  cells(obj, now) {
    const [request, limit] = quotaColumns(obj);
    return [obj.metadata.name, request, limit, age(obj.metadata.creationTimestamp, now)];
  },
};
