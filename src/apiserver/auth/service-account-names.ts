import type { UserInfo } from './user.js';

const prefix = 'system:serviceaccount:';

/** The group every service account is in. */
export const ALL_SERVICE_ACCOUNTS_GROUP = 'system:serviceaccounts';

/**
 * The user name a service account authenticates as.
 *
 * @example
 * serviceAccountUsername('kube-system', 'default'); // 'system:serviceaccount:kube-system:default'
 */
export function serviceAccountUsername(namespace: string, name: string): string {
  return `${prefix}${namespace}:${name}`;
}

/**
 * Splits a service account user name; undefined for other users.
 *
 * @example
 * parseServiceAccountUsername('system:serviceaccount:dev:builder'); // { namespace: 'dev', name: 'builder' }
 */
export function parseServiceAccountUsername(username: string): { namespace: string; name: string } | undefined {
  if (!username.startsWith(prefix)) return undefined;
  const rest = username.slice(prefix.length);
  const colon = rest.indexOf(':');
  // Namespace and name are DNS labels/subdomains, so neither may contain ':'.
  if (colon <= 0 || colon === rest.length - 1 || rest.indexOf(':', colon + 1) !== -1) return undefined;
  return { namespace: rest.slice(0, colon), name: rest.slice(colon + 1) };
}

/**
 * The identity a service account token stands for, with the groups Kubernetes gives it
 * (`system:serviceaccounts`, `system:serviceaccounts:<ns>`, `system:authenticated`).
 *
 * @example
 * serviceAccountUser('dev', 'builder', uid).groups;
 * // ['system:serviceaccounts', 'system:serviceaccounts:dev', 'system:authenticated']
 */
export function serviceAccountUser(namespace: string, name: string, uid?: string, extra?: Record<string, string[]>): UserInfo {
  const user: UserInfo = {
    name: serviceAccountUsername(namespace, name),
    groups: [ALL_SERVICE_ACCOUNTS_GROUP, `${ALL_SERVICE_ACCOUNTS_GROUP}:${namespace}`, 'system:authenticated'],
  };
  if (uid) user.uid = uid;
  if (extra && Object.keys(extra).length) user.extra = extra;
  return user;
}
