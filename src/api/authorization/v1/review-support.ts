import type { Attributes, Decision } from '../../../apiserver/auth/authorizer.js';
import type { UserInfo } from '../../../apiserver/auth/user.js';
import { type FieldError, invalid } from '../../validation/field-errors.js';
import type { ObjectMeta } from '../../types.js';

/** authorization/v1 ResourceAttributes. */
export interface ResourceAttributes {
  namespace?: string;
  verb?: string;
  group?: string;
  version?: string;
  resource?: string;
  subresource?: string;
  name?: string;
}

/** authorization/v1 NonResourceAttributes. */
export interface NonResourceAttributes {
  path?: string;
  verb?: string;
}

/** The spec fields every access review shares (SubjectAccessReviewSpec adds the subject). */
export interface AccessReviewSpec {
  resourceAttributes?: ResourceAttributes | null;
  nonResourceAttributes?: NonResourceAttributes | null;
  user?: string;
  groups?: string[] | null;
  uid?: string;
  extra?: Record<string, string[]> | null;
}

function isBlank(v: unknown): boolean {
  if (v === undefined || v === null || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === 'object' && Object.keys(v).length === 0;
}

/**
 * Kubernetes rejects review objects that carry object metadata (they are never stored).
 * Clients send `{"creationTimestamp": null}`, which counts as empty, as do managedFields.
 */
export function metadataErrors(meta: ObjectMeta | undefined, except: (keyof ObjectMeta)[] = []): FieldError[] {
  const rest = Object.entries(meta ?? {}).filter(([k, v]) => k !== 'managedFields' && !except.includes(k as keyof ObjectMeta) && !isBlank(v));
  if (rest.length === 0) return [];
  const detail = except.includes('namespace') ? 'must be empty except for namespace' : 'must be empty';
  return [invalid('metadata', meta, detail)];
}

/** Exactly one of resourceAttributes / nonResourceAttributes (ValidateSelfSubjectAccessReviewSpec). */
export function attributeErrors(spec: AccessReviewSpec): FieldError[] {
  const hasResource = !!spec.resourceAttributes;
  const hasNonResource = !!spec.nonResourceAttributes;
  if (hasResource && hasNonResource) {
    return [invalid('spec.nonResourceAttributes', spec.nonResourceAttributes, 'cannot be specified in combination with resourceAttributes')];
  }
  if (!hasResource && !hasNonResource) {
    return [invalid('spec.resourceAttributes', null, 'exactly one of nonResourceAttributes or resourceAttributes must be specified')];
  }
  return [];
}

/**
 * Turns a review spec into the authorizer's request attributes for `user`.
 *
 * @example
 * attributesFrom(user, { resourceAttributes: { namespace: 'default', verb: 'create', resource: 'pods' } });
 */
export function attributesFrom(user: UserInfo, spec: AccessReviewSpec): Attributes {
  const nr = spec.nonResourceAttributes;
  if (nr) return { user, verb: nr.verb ?? '', path: nr.path ?? '' };
  const ra = spec.resourceAttributes ?? {};
  return {
    user,
    verb: ra.verb ?? '',
    resource: {
      group: ra.group ?? '',
      version: ra.version ?? '',
      resource: ra.resource ?? '',
      ...(ra.subresource ? { subresource: ra.subresource } : {}),
      ...(ra.namespace ? { namespace: ra.namespace } : {}),
      ...(ra.name ? { name: ra.name } : {}),
    },
  };
}

/** SubjectAccessReviewStatus from a decision (omitempty fields left out, as Go prints them). */
export function accessReviewStatus(decision: Decision): Record<string, unknown> {
  return { allowed: decision.allowed, ...(decision.reason ? { reason: decision.reason } : {}) };
}
