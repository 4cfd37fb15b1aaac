import type { ResourceDefinition } from '../../../apiserver/registry/resource.js';
import { age } from '../../../apiserver/table/format.js';
import type { KubeObject } from '../../types.js';
import { isDeepStrictEqual } from 'node:util';
import { type FieldError, invalid, required } from '../../validation/field-errors.js';
import { nonNegative } from '../../common/checks.js';
import { ageColumn, nameColumn } from '../../common/columns.js';

/** `statefulset.apps/web`: the controlling owner as lower-case Kind.group/name, `<none>` without one. */
export function controllerName(obj: KubeObject): string {
  const ref = obj.metadata.ownerReferences?.find((r) => r.controller === true);
  if (!ref) return '<none>';
  const apiVersion = ref.apiVersion ?? '';
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  const kind = ref.kind ?? '';
  if (!kind && !group) return ref.name;
  return `${(group ? `${kind}.${group}` : kind).toLowerCase()}/${ref.name}`;
}

function validateRevision(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  if (obj.data === undefined || obj.data === null) errs.push(required('data', 'data is mandatory'));
  errs.push(...nonNegative(obj.revision, 'revision'));
  return errs;
}

/** Immutable snapshots of a workload's template (StatefulSet and DaemonSet history). */
export const controllerRevisions: ResourceDefinition = {
  group: 'apps',
  version: 'v1',
  kind: 'ControllerRevision',
  plural: 'controllerrevisions',
  singular: 'controllerrevision',
  namespaced: true,
  protobufMessage: 'k8s.io.api.apps.v1.ControllerRevision',
  defaults: (obj) => {
    // revision is a required int64 in v1: Go decodes a missing one as 0 and prints it.
    obj.revision ??= 0;
  },
  validate: validateRevision,
  // data is raw bytes upstream, so any difference at all counts.
  validateUpdate: (obj, old) => (isDeepStrictEqual(obj.data, old.data) ? [] : [invalid('data', obj.data ?? null, 'field is immutable')]),
  columns: [
    nameColumn,
    { name: 'Controller', type: 'string', description: 'Controller of the object' },
    { name: 'Revision', type: 'string', description: 'Revision indicates the revision of the state represented by Data.' },
    ageColumn,
  ],
  cells: (obj, now) => [obj.metadata.name, controllerName(obj), obj.revision ?? 0, age(obj.metadata.creationTimestamp, now)],
};
