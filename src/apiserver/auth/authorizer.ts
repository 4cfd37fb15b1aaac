import type { UserInfo } from './user.js';

/** What a request wants to do, in RBAC's terms (authorizer.Attributes). */
export interface Attributes {
  user: UserInfo;
  verb: string;
  /** Resource requests. */
  resource?: { group: string; version: string; resource: string; subresource?: string; namespace?: string; name?: string };
  /** Non-resource requests such as `/healthz`. */
  path?: string;
}

export interface Decision {
  allowed: boolean;
  /** Why (shown in SubjectAccessReview status and logs). */
  reason?: string;
}

/** Decides whether a request may proceed. */
export interface Authorizer {
  authorize(attrs: Attributes): Promise<Decision>;
}

/** Kubernetes' Forbidden message for a denied request. */
export function forbiddenMessage(attrs: Attributes): string {
  const user = `User "${attrs.user.name}"`;
  const r = attrs.resource;
  if (!r) return `forbidden: ${user} cannot ${attrs.verb} path "${attrs.path}"`;
  const res = r.subresource ? `${r.resource}/${r.subresource}` : r.resource;
  const where = r.namespace ? ` in the namespace "${r.namespace}"` : '';
  const what = r.name ? `${r.group ? `${r.resource}.${r.group}` : r.resource} "${r.name}"` : r.group ? `${r.resource}.${r.group}` : r.resource;
  const scope = r.namespace ? '' : r.resource === 'namespaces' && r.name ? '' : ' at the cluster scope';
  return `${what} is forbidden: ${user} cannot ${attrs.verb} resource "${res}" in API group "${r.group}"${where || scope}`;
}

/** The always-on rules: system:masters may do anything; everyone may read health and version. */
export const publicInfoPaths = ['/healthz', '/livez', '/readyz', '/version', '/version/'];

export function isSuperUser(user: UserInfo): boolean {
  return user.groups.includes('system:masters');
}
