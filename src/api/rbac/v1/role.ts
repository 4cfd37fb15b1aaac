import type { ResourceDefinition } from '../../../apiserver/registry/resource.js';
import type { KubeObject, LabelSelector } from '../../types.js';
import { type FieldError, required } from '../../validation/field-errors.js';
import { goLabelSelector, goStringSlice, invalidRendered } from '../../common/go-format.js';
import { selectorInvalid, validateLabelSelector } from '../../common/label-selector.js';

export const rbacGroup = 'rbac.authorization.k8s.io';

export interface PolicyRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

/** RBAC names only need to be usable as a path segment (checked for every kind already). */
export const rbacName = (): string[] => [];

/** ValidatePolicyRule: verbs always; either non-resource URLs (cluster only) or groups+resources. */
export function validatePolicyRule(rule: PolicyRule, namespaced: boolean, field: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!rule.verbs?.length) errs.push(required(`${field}.verbs`, 'verbs must contain at least one value'));
  const urls = rule.nonResourceURLs ?? [];
  if (urls.length > 0) {
    if (namespaced) errs.push(invalidRendered(`${field}.nonResourceURLs`, goStringSlice(urls), 'namespaced rules cannot apply to non-resource URLs'));
    if (rule.apiGroups?.length || rule.resources?.length || rule.resourceNames?.length) {
      errs.push(invalidRendered(`${field}.nonResourceURLs`, goStringSlice(urls), 'rules cannot apply to both regular resources and non-resource URLs'));
    }
    return errs;
  }
  if (!rule.apiGroups?.length) errs.push(required(`${field}.apiGroups`, 'resource rules must supply at least one api group'));
  if (!rule.resources?.length) errs.push(required(`${field}.resources`, 'resource rules must supply at least one resource'));
  return errs;
}

function validateRules(obj: KubeObject, namespaced: boolean): FieldError[] {
  const rules = Array.isArray(obj.rules) ? (obj.rules as PolicyRule[]) : [];
  return rules.flatMap((r, i) => validatePolicyRule(r, namespaced, `rules[${i}]`));
}

function validateAggregation(obj: KubeObject): FieldError[] {
  const rule = obj.aggregationRule as { clusterRoleSelectors?: LabelSelector[] } | null | undefined;
  if (!rule) return [];
  const selectors = rule.clusterRoleSelectors ?? [];
  const f = 'aggregationRule.clusterRoleSelectors';
  if (selectors.length === 0) return [required(f, 'at least one clusterRoleSelector required if aggregationRule is non-nil')];
  return selectors.flatMap((sel, i) => [
    ...validateLabelSelector(sel, `${f}[${i}]`),
    ...(selectorInvalid(sel) ? [invalidRendered(`${f}[${i}]`, goLabelSelector(sel), 'invalid label selector.')] : []),
  ]);
}

export const roles: ResourceDefinition = {
  group: rbacGroup,
  version: 'v1',
  kind: 'Role',
  plural: 'roles',
  singular: 'role',
  namespaced: true,
  validateName: rbacName,
  protobufMessage: 'k8s.io.api.rbac.v1.Role',
  validate: (obj) => validateRules(obj, true),
  // No printer upstream: the default NAME / CREATED AT table.
};

export const clusterRoles: ResourceDefinition = {
  group: rbacGroup,
  version: 'v1',
  kind: 'ClusterRole',
  plural: 'clusterroles',
  singular: 'clusterrole',
  namespaced: false,
  validateName: rbacName,
  protobufMessage: 'k8s.io.api.rbac.v1.ClusterRole',
  validate: (obj) => [...validateRules(obj, false), ...validateAggregation(obj)],
};
