import type { Authorizer } from '../../../apiserver/auth/authorizer.js';
import type { UserInfo } from '../../../apiserver/auth/user.js';
import { ApiError } from '../../../apiserver/errors.js';
import type { ResourceDefinition } from '../../../apiserver/registry/resource.js';
import { type FieldError, invalid } from '../../validation/field-errors.js';
import type { KubeObject } from '../../types.js';
import { type AccessReviewSpec, accessReviewStatus, attributeErrors, attributesFrom, metadataErrors } from './review-support.js';

export const AUTHORIZATION_GROUP = 'authorization.k8s.io';

/** The identity/definition fields every create-only review shares. */
export function reviewDefinition(kind: string, plural: string, namespaced: boolean): Omit<ResourceDefinition, 'virtualCreate'> {
  return {
    group: AUTHORIZATION_GROUP,
    version: 'v1',
    kind,
    plural,
    singular: kind.toLowerCase(),
    namespaced,
    verbs: ['create'],
    protobufMessage: `k8s.io.api.authorization.v1.${kind}`,
  };
}

function specOf(obj: KubeObject): AccessReviewSpec {
  const spec = obj.spec;
  return spec && typeof spec === 'object' && !Array.isArray(spec) ? (spec as AccessReviewSpec) : {};
}

function rejectInvalid(kind: string, errs: FieldError[]): void {
  if (errs.length) throw ApiError.invalid({ group: AUTHORIZATION_GROUP, kind }, '', errs);
}

/** The subject a (Local)SubjectAccessReview asks about; at least a user or a group. */
function subjectErrors(spec: AccessReviewSpec): FieldError[] {
  if (spec.user || spec.groups?.length) return [];
  return [invalid('spec.user', spec.user ?? '', 'at least one of user or group must be specified')];
}

function subjectOf(spec: AccessReviewSpec): UserInfo {
  const user: UserInfo = { name: spec.user ?? '', groups: [...(spec.groups ?? [])] };
  if (spec.uid) user.uid = spec.uid;
  if (spec.extra && Object.keys(spec.extra).length) user.extra = spec.extra;
  return user;
}

async function answer(authorizer: Authorizer, obj: KubeObject, user: UserInfo, spec: AccessReviewSpec): Promise<KubeObject> {
  const decision = await authorizer.authorize(attributesFrom(user, spec));
  return { ...obj, status: accessReviewStatus(decision) };
}

/**
 * SelfSubjectAccessReview (`kubectl auth can-i`): may the caller do this?
 *
 * @example
 * // POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews
 * // {"spec":{"resourceAttributes":{"namespace":"default","verb":"create","resource":"pods"}}} → status.allowed
 */
export function selfSubjectAccessReviews(authorizer: Authorizer): ResourceDefinition {
  const kind = 'SelfSubjectAccessReview';
  return {
    ...reviewDefinition(kind, 'selfsubjectaccessreviews', false),
    async virtualCreate(obj, user) {
      const spec = specOf(obj);
      rejectInvalid(kind, [...attributeErrors(spec), ...metadataErrors(obj.metadata)]);
      return answer(authorizer, obj, user, spec);
    },
  };
}

/**
 * SubjectAccessReview: may spec.user / spec.groups do this? (For webhooks and proxies that
 * authorize on another user's behalf; the caller needs `create subjectaccessreviews`.)
 */
export function subjectAccessReviews(authorizer: Authorizer): ResourceDefinition {
  const kind = 'SubjectAccessReview';
  return {
    ...reviewDefinition(kind, 'subjectaccessreviews', false),
    async virtualCreate(obj) {
      const spec = specOf(obj);
      rejectInvalid(kind, [...attributeErrors(spec), ...subjectErrors(spec), ...metadataErrors(obj.metadata)]);
      return answer(authorizer, obj, subjectOf(spec), spec);
    },
  };
}

/**
 * LocalSubjectAccessReview: a SubjectAccessReview confined to one namespace (what namespace
 * admins may create). The namespace is read from metadata.namespace, which the request's
 * namespace must have filled in.
 */
export function localSubjectAccessReviews(authorizer: Authorizer): ResourceDefinition {
  const kind = 'LocalSubjectAccessReview';
  return {
    ...reviewDefinition(kind, 'localsubjectaccessreviews', true),
    async virtualCreate(obj) {
      const spec = specOf(obj);
      const namespace = obj.metadata?.namespace ?? '';
      if (!namespace) throw ApiError.badRequest('namespace is required on this type: ');
      const errs = [...attributeErrors(spec), ...subjectErrors(spec), ...metadataErrors(obj.metadata, ['namespace'])];
      if (spec.resourceAttributes && (spec.resourceAttributes.namespace ?? '') !== namespace) {
        errs.push(invalid('spec.resourceAttributes.namespace', spec.resourceAttributes.namespace ?? '', 'must match metadata.namespace'));
      }
      if (spec.nonResourceAttributes) errs.push(invalid('spec.nonResourceAttributes', spec.nonResourceAttributes, 'disallowed on this kind of request'));
      rejectInvalid(kind, errs);
      return answer(authorizer, obj, subjectOf(spec), spec);
    },
  };
}
