import type { ResourceDefinition } from '../../../apiserver/registry/resource.js';
import { age } from '../../../apiserver/table/format.js';
import type { KubeObject } from '../../types.js';
import { type FieldError, invalid, notSupported, required } from '../../validation/field-errors.js';
import { isDNS1123Subdomain, isValidPathSegmentName } from '../../validation/names.js';
import { ageColumn, nameColumn } from '../../common/columns.js';
import { goQuote, invalidRendered } from '../../common/go-format.js';
import { rbacGroup, rbacName } from './role.js';

interface RoleRef {
  apiGroup?: string;
  kind?: string;
  name?: string;
}

interface Subject {
  kind?: string;
  apiGroup?: string;
  name?: string;
  namespace?: string;
}

function roleRefOf(obj: KubeObject): RoleRef {
  if (obj.roleRef === null || typeof obj.roleRef !== 'object') obj.roleRef = {};
  return obj.roleRef as RoleRef;
}

function subjectsOf(obj: KubeObject): Subject[] {
  return Array.isArray(obj.subjects) ? (obj.subjects as Subject[]) : [];
}

/** SetDefaults_RoleBinding / _ClusterRoleBinding / _Subject: fill in the RBAC API group. */
export function defaultBinding(obj: KubeObject): void {
  const ref = roleRefOf(obj);
  ref.apiGroup ||= rbacGroup;
  for (const s of subjectsOf(obj)) {
    if (!s.apiGroup) s.apiGroup = s.kind === 'User' || s.kind === 'Group' ? rbacGroup : '';
  }
}

function validateSubject(s: Subject, namespaced: boolean, f: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = s.name ?? '';
  if (!name) errs.push(required(`${f}.name`));
  switch (s.kind) {
    case 'ServiceAccount':
      if (name) for (const m of isDNS1123Subdomain(name)) errs.push(invalid(`${f}.name`, name, m));
      if (s.apiGroup) errs.push(notSupported(`${f}.apiGroup`, s.apiGroup, ['']));
      if (!namespaced && !s.namespace) errs.push(required(`${f}.namespace`));
      break;
    case 'User':
    case 'Group':
      if (s.apiGroup !== rbacGroup) errs.push(notSupported(`${f}.apiGroup`, s.apiGroup ?? '', [rbacGroup]));
      break;
    default:
      errs.push(notSupported(`${f}.kind`, s.kind ?? '', ['ServiceAccount', 'User', 'Group']));
  }
  return errs;
}

function validateBinding(obj: KubeObject, namespaced: boolean): FieldError[] {
  const ref = roleRefOf(obj);
  const errs: FieldError[] = [];
  if (ref.apiGroup !== rbacGroup) errs.push(notSupported('roleRef.apiGroup', ref.apiGroup ?? '', [rbacGroup]));
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(ref.kind ?? '')) errs.push(notSupported('roleRef.kind', ref.kind ?? '', kinds));
  const name = ref.name ?? '';
  if (!name) errs.push(required('roleRef.name'));
  else for (const m of isValidPathSegmentName(name)) errs.push(invalid('roleRef.name', name, m));
  subjectsOf(obj).forEach((s, i) => errs.push(...validateSubject(s, namespaced, `subjects[${i}]`)));
  return errs;
}

/** The role a binding grants may not be swapped: `cannot change roleRef`. */
function validateRoleRefUnchanged(obj: KubeObject, old: KubeObject): FieldError[] {
  const a = roleRefOf(obj);
  const b = roleRefOf(old);
  if (a.apiGroup === b.apiGroup && a.kind === b.kind && a.name === b.name) return [];
  const rendered = `rbac.RoleRef{APIGroup:${goQuote(a.apiGroup ?? '')}, Kind:${goQuote(a.kind ?? '')}, Name:${goQuote(a.name ?? '')}}`;
  return [invalidRendered('roleRef', rendered, 'cannot change roleRef')];
}

/** rbac.SubjectsStrings: users, groups and `namespace/name` service accounts. */
export function subjectColumns(obj: KubeObject): [string, string, string] {
  const users: string[] = [];
  const groups: string[] = [];
  const sas: string[] = [];
  for (const s of subjectsOf(obj)) {
    if (s.kind === 'User') users.push(s.name ?? '');
    else if (s.kind === 'Group') groups.push(s.name ?? '');
    else if (s.kind === 'ServiceAccount') sas.push(`${s.namespace ?? ''}/${s.name ?? ''}`);
  }
  return [users.join(', '), groups.join(', '), sas.join(', ')];
}

function bindingDefinition(kind: 'RoleBinding' | 'ClusterRoleBinding', namespaced: boolean): ResourceDefinition {
  const lower = kind.toLowerCase();
  const what = namespaced ? 'roleBinding' : 'clusterRoleBinding';
  return {
    group: rbacGroup,
    version: 'v1',
    kind,
    plural: `${lower}s`,
    singular: lower,
    namespaced,
    validateName: rbacName,
    protobufMessage: `k8s.io.api.rbac.v1.${kind}`,
    defaults: defaultBinding,
    validate: (obj) => validateBinding(obj, namespaced),
    validateUpdate: validateRoleRefUnchanged,
    columns: [
      nameColumn,
      { name: 'Role', type: 'string', description: 'RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error.' },
      ageColumn,
      { name: 'Users', type: 'string', priority: 1, description: `Users in the ${what}` },
      { name: 'Groups', type: 'string', priority: 1, description: `Groups in the ${what}` },
      { name: 'ServiceAccounts', type: 'string', priority: 1, description: `ServiceAccounts in the ${what}` },
    ],
    cells: (obj, now) => {
      const ref = roleRefOf(obj);
      return [obj.metadata.name, `${ref.kind ?? ''}/${ref.name ?? ''}`, age(obj.metadata.creationTimestamp, now), ...subjectColumns(obj)];
    },
  };
}

export const roleBindings = bindingDefinition('RoleBinding', true);
export const clusterRoleBindings = bindingDefinition('ClusterRoleBinding', false);
