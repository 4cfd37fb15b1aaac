import type { Authorizer } from '../../../apiserver/auth/authorizer.js';
import type { RuleResolver } from '../../../apiserver/auth/rbac-authorizer.js';
import type { ResourceDefinition } from '../../../apiserver/registry/resource.js';
import { localSubjectAccessReviews, selfSubjectAccessReviews, subjectAccessReviews } from './access-reviews.js';
import { selfSubjectRulesReviews } from './rules-review.js';

export { AUTHORIZATION_GROUP } from './access-reviews.js';

/**
 * Every authorization.k8s.io/v1 resource: the four create-only reviews, answered by
 * `authorizer` (and by its rulesFor, when it has one, for SelfSubjectRulesReview).
 *
 * @example
 * const rbac = new RbacAuthorizer();
 * const catalog = new ResourceCatalog([...builtinResources, ...authorizationV1(rbac)], store, clock);
 * rbac.attach(catalog);
 */
export function authorizationV1(authorizer: Authorizer & Partial<RuleResolver>): ResourceDefinition[] {
  const resolver: RuleResolver | undefined = authorizer.rulesFor ? { rulesFor: (u, ns) => authorizer.rulesFor!(u, ns) } : undefined;
  return [
    localSubjectAccessReviews(authorizer),
    selfSubjectAccessReviews(authorizer),
    selfSubjectRulesReviews(resolver),
    subjectAccessReviews(authorizer),
  ];
}
