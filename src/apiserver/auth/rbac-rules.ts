import type { Attributes } from './authorizer.js';
import type { PolicyRule, Subject } from './rbac-types.js';
import { serviceAccountUsername } from './service-account-names.js';
import type { UserInfo } from './user.js';

/** `*` in verbs, apiGroups, resources or nonResourceURLs matches everything. */
const ALL = '*';

function verbMatches(rule: PolicyRule, verb: string): boolean {
  return rule.verbs.some((v) => v === ALL || v === verb);
}

function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  return (rule.apiGroups ?? []).some((g) => g === ALL || g === group);
}

/** `pods/log` must be granted as `pods/log`, `*\/log` or `*`; `pods` alone does not cover it. */
function resourceMatches(rule: PolicyRule, resource: string, subresource: string | undefined): boolean {
  const combined = subresource ? `${resource}/${subresource}` : resource;
  for (const r of rule.resources ?? []) {
    if (r === ALL || r === combined) return true;
    if (subresource && r === `*/${subresource}`) return true;
  }
  return false;
}

/** An empty resourceNames list means every name; otherwise the request must name one of them. */
function resourceNameMatches(rule: PolicyRule, name: string | undefined): boolean {
  const names = rule.resourceNames ?? [];
  if (names.length === 0) return true;
  return names.includes(name ?? '');
}

/** Exact paths, `*`, and prefixes written with a trailing `*` (`/apis/*`). */
function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  for (const url of rule.nonResourceURLs ?? []) {
    if (url === ALL || url === path) return true;
    if (url.endsWith('*') && path.startsWith(url.replace(/\*+$/, ''))) return true;
  }
  return false;
}

/**
 * Whether one rule grants the request, with Kubernetes' RBAC semantics. Resource rules never
 * grant non-resource requests and vice versa.
 *
 * @example
 * ruleAllows({ verbs: ['get'], apiGroups: [''], resources: ['pods/log'] },
 *   { user, verb: 'get', resource: { group: '', version: 'v1', resource: 'pods', subresource: 'log' } }); // true
 */
export function ruleAllows(rule: PolicyRule, attrs: Attributes): boolean {
  const r = attrs.resource;
  if (r) {
    return (
      verbMatches(rule, attrs.verb) &&
      apiGroupMatches(rule, r.group) &&
      resourceMatches(rule, r.resource, r.subresource) &&
      resourceNameMatches(rule, r.name)
    );
  }
  return verbMatches(rule, attrs.verb) && nonResourceURLMatches(rule, attrs.path ?? '');
}

/**
 * Whether a binding subject names this user. `bindingNamespace` is the RoleBinding's
 * namespace ('' for ClusterRoleBindings); a ServiceAccount subject without a namespace
 * means one in the binding's namespace, and matches nothing in a ClusterRoleBinding.
 *
 * @example
 * appliesToUser(user, { kind: 'Group', name: 'system:authenticated' }, ''); // true for any authenticated user
 */
export function appliesToUser(user: UserInfo, subject: Subject, bindingNamespace: string): boolean {
  switch (subject.kind) {
    case 'User':
      return user.name === subject.name;
    case 'Group':
      return user.groups.includes(subject.name);
    case 'ServiceAccount': {
      const ns = subject.namespace || bindingNamespace;
      return ns !== '' && user.name === serviceAccountUsername(ns, subject.name);
    }
    default:
      return false;
  }
}

/**
 * How Kubernetes names a subject in an RBAC reason: `User "alice"`, `Group "devs"`,
 * `ServiceAccount "builder/dev"` (name/namespace).
 */
export function describeSubject(subject: Subject, bindingNamespace: string): string {
  if (subject.kind === 'ServiceAccount') return `${subject.kind} "${subject.name}/${subject.namespace || bindingNamespace}"`;
  return `${subject.kind} "${subject.name}"`;
}
