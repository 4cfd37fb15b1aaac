import type { TokenReviewer } from '../../../apiserver/auth/token-review.js';
import type { UserInfo } from '../../../apiserver/auth/user.js';
import { ApiError } from '../../../apiserver/errors.js';
import type { ResourceDefinition } from '../../../apiserver/registry/resource.js';
import { type Clock, rfc3339, systemClock } from '../../../util/clock.js';

export const AUTHENTICATION_GROUP = 'authentication.k8s.io';

function definition(kind: string, plural: string): Omit<ResourceDefinition, 'virtualCreate'> {
  return {
    group: AUTHENTICATION_GROUP,
    version: 'v1',
    kind,
    plural,
    singular: kind.toLowerCase(),
    namespaced: false,
    verbs: ['create'],
    protobufMessage: `k8s.io.api.authentication.v1.${kind}`,
  };
}

/** authentication/v1 UserInfo (username, uid, groups, extra), empty fields left out. */
export function userInfoOf(user: UserInfo): Record<string, unknown> {
  const out: Record<string, unknown> = { username: user.name };
  if (user.uid) out.uid = user.uid;
  out.groups = [...user.groups];
  if (user.extra && Object.keys(user.extra).length) out.extra = structuredClone(user.extra);
  return out;
}

/**
 * SelfSubjectReview (`kubectl auth whoami`): who the server thinks the caller is.
 *
 * @example
 * // POST /apis/authentication.k8s.io/v1/selfsubjectreviews {} → status.userInfo {username, groups}
 */
export function selfSubjectReviews(clock: Clock = systemClock): ResourceDefinition {
  return {
    ...definition('SelfSubjectReview', 'selfsubjectreviews'),
    async virtualCreate(obj, user) {
      return {
        apiVersion: obj.apiVersion,
        kind: obj.kind,
        metadata: { creationTimestamp: rfc3339(clock.now()) },
        status: { userInfo: userInfoOf(user) },
      };
    },
  };
}

/**
 * TokenReview: is spec.token valid, and for whom? Answered by `reviewer` (the service account
 * token issuer); spec.audiences default to the API server's own.
 *
 * @example
 * // POST {"spec":{"token":"eyJ…"}} → status {authenticated: true, user: {username: 'system:serviceaccount:…'}, audiences}
 */
export function tokenReviews(reviewer: TokenReviewer | undefined): ResourceDefinition {
  return {
    ...definition('TokenReview', 'tokenreviews'),
    async virtualCreate(obj) {
      const spec = (obj.spec ?? {}) as { token?: string; audiences?: string[] | null };
      if (!spec.token) throw ApiError.badRequest('token is required for TokenReview in authentication');
      if (!reviewer) return obj;
      const result = await reviewer.review(spec.token, spec.audiences?.length ? spec.audiences : undefined);
      const status: Record<string, unknown> = result.authenticated
        ? { authenticated: true, user: userInfoOf(result.user), audiences: result.audiences }
        : { authenticated: false, error: result.error ?? 'invalid bearer token' };
      return { ...obj, status };
    },
  };
}

/**
 * Every authentication.k8s.io/v1 resource served through the catalog (TokenRequest is a
 * subresource of serviceaccounts, registered separately).
 *
 * @example
 * const defs = authenticationV1({ reviewer: tokens, clock });
 */
export function authenticationV1(opts: { reviewer?: TokenReviewer; clock?: Clock } = {}): ResourceDefinition[] {
  return [selfSubjectReviews(opts.clock), tokenReviews(opts.reviewer)];
}
