import type { KubeObject } from '../../api/types.js';
import type { Attributes, Decision } from './authorizer.js';
import { appliesToUser, describeSubject, ruleAllows } from './rbac-rules.js';
import { type Binding, type PolicyRule, bindingOf, rulesOf } from './rbac-types.js';
import type { UserInfo } from './user.js';

/**
 * Objects of one kind by namespace ('' for cluster-scoped ones) and name.
 *
 * @example
 * const roles = new ObjectTable<PolicyRule[]>();
 * roles.set('dev', 'reader', rules);
 * roles.get('dev', 'reader'); // rules
 */
export class ObjectTable<T> {
  private readonly byNamespace = new Map<string, Map<string, T>>();

  set(namespace: string, name: string, value: T): void {
    let names = this.byNamespace.get(namespace);
    if (!names) this.byNamespace.set(namespace, (names = new Map()));
    names.set(name, value);
  }

  delete(namespace: string, name: string): void {
    const names = this.byNamespace.get(namespace);
    if (!names) return;
    names.delete(name);
    if (names.size === 0) this.byNamespace.delete(namespace);
  }

  get(namespace: string, name: string): T | undefined {
    return this.byNamespace.get(namespace)?.get(name);
  }

  /** Every value in one namespace, in insertion order. */
  in(namespace: string): Iterable<T> {
    return this.byNamespace.get(namespace)?.values() ?? [];
  }
}

/**
 * Everything RBAC evaluation reads: roles reduced to their rules, bindings to roleRef and
 * subjects. A plain in-memory value, so evaluation is a pure function of (policy, request).
 */
export interface RbacPolicy {
  clusterRoles: ObjectTable<PolicyRule[]>;
  roles: ObjectTable<PolicyRule[]>;
  clusterRoleBindings: ObjectTable<Binding>;
  roleBindings: ObjectTable<Binding>;
}

export function emptyPolicy(): RbacPolicy {
  return { clusterRoles: new ObjectTable(), roles: new ObjectTable(), clusterRoleBindings: new ObjectTable(), roleBindings: new ObjectTable() };
}

/** Stored RBAC objects, by kind. */
export interface RbacObjects {
  clusterRoles?: KubeObject[];
  roles?: KubeObject[];
  clusterRoleBindings?: KubeObject[];
  roleBindings?: KubeObject[];
}

/**
 * Builds a policy from stored objects (tests, one-off checks).
 *
 * @example
 * const policy = policyFrom({ clusterRoles: [view], roleBindings: [aliceViewsDev] });
 * authorizeWithPolicy(policy, { user: alice, verb: 'get', resource: { group: '', version: 'v1', resource: 'pods', namespace: 'dev' } });
 */
export function policyFrom(objects: RbacObjects): RbacPolicy {
  const p = emptyPolicy();
  for (const o of objects.clusterRoles ?? []) p.clusterRoles.set('', o.metadata.name ?? '', rulesOf(o));
  for (const o of objects.roles ?? []) p.roles.set(o.metadata.namespace ?? '', o.metadata.name ?? '', rulesOf(o));
  for (const o of objects.clusterRoleBindings ?? []) {
    const b = bindingOf(o);
    if (b) p.clusterRoleBindings.set('', b.name, b);
  }
  for (const o of objects.roleBindings ?? []) {
    const b = bindingOf(o);
    if (b) p.roleBindings.set(b.namespace ?? '', b.name, b);
  }
  return p;
}

/** The rules a binding's roleRef points at, or why they cannot be read. */
function roleRules(policy: RbacPolicy, binding: Binding): PolicyRule[] | string {
  const ref = binding.roleRef;
  if (ref.kind === 'ClusterRole') {
    return policy.clusterRoles.get('', ref.name) ?? `clusterrole.rbac.authorization.k8s.io "${ref.name}" not found`;
  }
  // A Role is always looked up in the binding's own namespace (ClusterRoleBindings cannot name one).
  if (ref.kind === 'Role' && binding.namespace) {
    return policy.roles.get(binding.namespace, ref.name) ?? `role.rbac.authorization.k8s.io "${ref.name}" not found`;
  }
  return `unsupported role reference kind: "${ref.kind}"`;
}

/** Called for each rule that applies to the user; return false to stop visiting. */
export type RuleVisitor = (source: () => string, rule: PolicyRule) => boolean;

/**
 * Visits every rule granted to `user` in `namespace`, as Kubernetes does: ClusterRoleBindings
 * first, then (for a namespaced request) the RoleBindings of that namespace. Missing roles are
 * reported to `onError` and skipped. `source` lazily describes the grant for reasons.
 */
export function visitRulesFor(policy: RbacPolicy, user: UserInfo, namespace: string, visit: RuleVisitor, onError: (message: string) => void): void {
  const scopes: [Iterable<Binding>, string, string][] = [[policy.clusterRoleBindings.in(''), 'ClusterRoleBinding', '']];
  if (namespace) scopes.push([policy.roleBindings.in(namespace), 'RoleBinding', namespace]);
  for (const [bindings, bindingKind, bindingNs] of scopes) {
    for (const binding of bindings) {
      const subject = binding.subjects.find((s) => appliesToUser(user, s, bindingNs));
      if (!subject) continue;
      const rules = roleRules(policy, binding);
      if (typeof rules === 'string') {
        onError(rules);
        continue;
      }
      const bindingName = bindingNs ? `${binding.name}/${bindingNs}` : binding.name;
      const source = () =>
        `${bindingKind} "${bindingName}" of ${binding.roleRef.kind} "${binding.roleRef.name}" to ${describeSubject(subject, bindingNs)}`;
      for (const rule of rules) if (!visit(source, rule)) return;
    }
  }
}

function aggregateErrors(errors: string[]): string {
  return errors.length === 1 ? errors[0]! : `[${errors.join(', ')}]`;
}

/**
 * RBAC's decision for one request: allowed with the grant as the reason, or not allowed
 * (RBAC has no explicit deny) with the evaluation errors, if any, as the reason.
 *
 * @example
 * authorizeWithPolicy(policy, { user, verb: 'list', resource: { group: 'apps', version: 'v1', resource: 'deployments', namespace: 'dev' } });
 * // { allowed: true, reason: 'RBAC: allowed by RoleBinding "devs/dev" of ClusterRole "edit" to Group "devs"' }
 */
export function authorizeWithPolicy(policy: RbacPolicy, attrs: Attributes): Decision {
  let reason: string | undefined;
  const errors: string[] = [];
  visitRulesFor(
    policy,
    attrs.user,
    attrs.resource?.namespace ?? '',
    (source, rule) => {
      if (!ruleAllows(rule, attrs)) return true;
      reason = `RBAC: allowed by ${source()}`;
      return false;
    },
    (message) => errors.push(message),
  );
  if (reason) return { allowed: true, reason };
  return errors.length ? { allowed: false, reason: `RBAC: ${aggregateErrors(errors)}` } : { allowed: false };
}

/** Every rule that applies to a user in a namespace (for SelfSubjectRulesReview). */
export interface UserRules {
  rules: PolicyRule[];
  /** Why some rules may be missing (dangling role references). */
  evaluationError?: string;
}

/**
 * Collects the rules granted to `user` in `namespace` ('' for cluster-wide grants only).
 *
 * @example
 * rulesForUser(policy, alice, 'dev').rules; // [{ verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['pods'] }, …]
 */
export function rulesForUser(policy: RbacPolicy, user: UserInfo, namespace: string): UserRules {
  const rules: PolicyRule[] = [];
  const errors: string[] = [];
  visitRulesFor(
    policy,
    user,
    namespace,
    (_source, rule) => {
      rules.push(rule);
      return true;
    },
    (message) => errors.push(message),
  );
  return errors.length ? { rules, evaluationError: aggregateErrors(errors) } : { rules };
}
