import type { RuleResolver } from '../../../apiserver/auth/rbac-authorizer.js';
import type { PolicyRule } from '../../../apiserver/auth/rbac-types.js';
import { ApiError } from '../../../apiserver/errors.js';
import type { ResourceDefinition } from '../../../apiserver/registry/resource.js';
import { reviewDefinition } from './access-reviews.js';

/** authorization/v1 ResourceRule / NonResourceRule, empty lists left out as Go's omitempty does. */
function toRules(rules: PolicyRule[]): { resourceRules: Record<string, unknown>[]; nonResourceRules: Record<string, unknown>[] } {
  const resourceRules: Record<string, unknown>[] = [];
  const nonResourceRules: Record<string, unknown>[] = [];
  for (const r of rules) {
    // A rule may list both (invalid but storable); each half shows up in its own list.
    if (r.resources?.length) {
      const out: Record<string, unknown> = { verbs: [...r.verbs] };
      if (r.apiGroups?.length) out.apiGroups = [...r.apiGroups];
      out.resources = [...r.resources];
      if (r.resourceNames?.length) out.resourceNames = [...r.resourceNames];
      resourceRules.push(out);
    }
    if (r.nonResourceURLs?.length) nonResourceRules.push({ verbs: [...r.verbs], nonResourceURLs: [...r.nonResourceURLs] });
  }
  return { resourceRules, nonResourceRules };
}

/**
 * SelfSubjectRulesReview (`kubectl auth can-i --list`): every rule that applies to the caller
 * in spec.namespace. Without a resolver the answer is empty and marked incomplete.
 *
 * @example
 * // POST {"spec":{"namespace":"default"}} → status.resourceRules, status.nonResourceRules, status.incomplete
 */
export function selfSubjectRulesReviews(resolver: RuleResolver | undefined): ResourceDefinition {
  return {
    ...reviewDefinition('SelfSubjectRulesReview', 'selfsubjectrulesreviews', false),
    async virtualCreate(obj, user) {
      const spec = (obj.spec ?? {}) as { namespace?: string };
      if (!spec.namespace) throw ApiError.badRequest('no namespace on request');
      if (!resolver) {
        return { apiVersion: obj.apiVersion, kind: obj.kind, metadata: {}, spec: {}, status: { resourceRules: [], nonResourceRules: [], incomplete: true } };
      }
      const found = await resolver.rulesFor(user, spec.namespace);
      const status: Record<string, unknown> = { ...toRules(found.rules), incomplete: false };
      if (found.evaluationError) status.evaluationError = found.evaluationError;
      // Kubernetes answers with an empty spec: the review is about the status only.
      return { apiVersion: obj.apiVersion, kind: obj.kind, metadata: {}, spec: {}, status };
    },
  };
}
