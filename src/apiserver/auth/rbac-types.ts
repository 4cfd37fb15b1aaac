import type { KubeObject } from '../../api/types.js';

/** The RBAC API group every role, binding and roleRef lives in. */
export const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** rbacv1.PolicyRule: what a role grants. Either resource rules or nonResourceURLs. */
export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  /** `pods`, `pods/log`, `*`, `*\/scale`. */
  resources?: string[];
  resourceNames?: string[];
  /** `/healthz`, `/apis/*`, `*`. */
  nonResourceURLs?: string[];
}

/** rbacv1.Subject: who a binding grants to. */
export interface Subject {
  kind: string;
  name: string;
  /** ServiceAccount subjects; a RoleBinding defaults it to its own namespace. */
  namespace?: string;
  apiGroup?: string;
}

/** rbacv1.RoleRef: the Role or ClusterRole a binding grants. */
export interface RoleRef {
  apiGroup: string;
  kind: string;
  name: string;
}

/** A RoleBinding (namespace set) or ClusterRoleBinding (namespace undefined), reduced to what evaluation needs. */
export interface Binding {
  name: string;
  namespace?: string;
  roleRef: RoleRef;
  subjects: Subject[];
}

function strings(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : undefined;
}

/**
 * Reads `rules` from a stored Role or ClusterRole, tolerating absent or malformed fields
 * (validation is the RBAC kinds' job; evaluation must never throw on a stored object).
 *
 * @example
 * rulesOf(clusterRole); // [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }]
 */
export function rulesOf(role: KubeObject): PolicyRule[] {
  if (!Array.isArray(role.rules)) return [];
  const out: PolicyRule[] = [];
  for (const raw of role.rules as unknown[]) {
    if (raw === null || typeof raw !== 'object') continue;
    const r = raw as Record<string, unknown>;
    const rule: PolicyRule = { verbs: strings(r.verbs) ?? [] };
    const apiGroups = strings(r.apiGroups);
    const resources = strings(r.resources);
    const resourceNames = strings(r.resourceNames);
    const nonResourceURLs = strings(r.nonResourceURLs);
    if (apiGroups) rule.apiGroups = apiGroups;
    if (resources) rule.resources = resources;
    if (resourceNames) rule.resourceNames = resourceNames;
    if (nonResourceURLs) rule.nonResourceURLs = nonResourceURLs;
    out.push(rule);
  }
  return out;
}

/**
 * Reads a stored RoleBinding or ClusterRoleBinding; undefined when it has no usable roleRef.
 *
 * @example
 * bindingOf(roleBinding); // { name: 'read-pods', namespace: 'dev', roleRef: {...}, subjects: [...] }
 */
export function bindingOf(obj: KubeObject): Binding | undefined {
  const ref = obj.roleRef as Partial<RoleRef> | undefined;
  if (!ref || typeof ref.name !== 'string' || typeof ref.kind !== 'string') return undefined;
  const subjects: Subject[] = [];
  if (Array.isArray(obj.subjects)) {
    for (const s of obj.subjects as Partial<Subject>[]) {
      if (s && typeof s.kind === 'string' && typeof s.name === 'string') subjects.push(s as Subject);
    }
  }
  return {
    name: obj.metadata.name ?? '',
    ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
    roleRef: { apiGroup: ref.apiGroup ?? RBAC_GROUP, kind: ref.kind, name: ref.name },
    subjects,
  };
}
