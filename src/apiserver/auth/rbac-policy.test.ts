import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../api/types.js';
import type { Attributes } from './authorizer.js';
import { authorizeWithPolicy, policyFrom, rulesForUser } from './rbac-policy.js';
import type { PolicyRule, Subject } from './rbac-types.js';
import { serviceAccountUser } from './service-account-names.js';
import { user } from './test-support.js';

const role = (name: string, rules: PolicyRule[], namespace?: string): KubeObject => ({ metadata: { name, namespace }, rules });
const binding = (name: string, roleKind: string, roleName: string, subjects: Subject[], namespace?: string): KubeObject => ({
  metadata: { name, namespace },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: roleKind, name: roleName },
  subjects,
});
const User = (name: string): Subject => ({ kind: 'User', name });
const Group = (name: string): Subject => ({ kind: 'Group', name });
const SA = (name: string, namespace?: string): Subject => ({ kind: 'ServiceAccount', name, ...(namespace ? { namespace } : {}) });

const policy = policyFrom({
  clusterRoles: [
    role('pod-reader', [{ verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['pods'] }]),
    role('secret-getter', [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['s1'] }]),
    role('log-reader', [{ verbs: ['get'], apiGroups: [''], resources: ['pods/log'] }]),
    role('scaler', [{ verbs: ['update'], apiGroups: ['', 'apps'], resources: ['*/scale'] }]),
    role('everything', [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }]),
    role('health', [{ verbs: ['get'], nonResourceURLs: ['/healthz', '/apis/*'] }]),
  ],
  roles: [role('deployer', [{ verbs: ['create', 'update'], apiGroups: ['apps'], resources: ['deployments'] }], 'dev')],
  clusterRoleBindings: [
    binding('carol-secrets', 'ClusterRole', 'secret-getter', [User('carol')]),
    binding('ops-scale', 'ClusterRole', 'scaler', [Group('ops')]),
    binding('root', 'ClusterRole', 'everything', [User('root')]),
    binding('health', 'ClusterRole', 'health', [Group('system:authenticated')]),
    binding('ci', 'ClusterRole', 'pod-reader', [SA('ci', 'tools')]),
    binding('sa-without-namespace', 'ClusterRole', 'pod-reader', [SA('nons')]),
  ],
  roleBindings: [
    binding('alice-deployer', 'Role', 'deployer', [User('alice')], 'dev'),
    binding('bob-pods', 'ClusterRole', 'pod-reader', [User('someone-else'), User('bob')], 'dev'),
    binding('builder-pods', 'ClusterRole', 'pod-reader', [SA('builder')], 'dev'),
    binding('dev-sa-logs', 'ClusterRole', 'log-reader', [Group('system:serviceaccounts:dev')], 'dev'),
    binding('dangling', 'Role', 'missing', [User('carol')], 'dev'),
  ],
});

const alice = user('alice');
const bob = user('bob');
const carol = user('carol');
const ops = user('olga', 'ops');
const root = user('root');
const builder = serviceAccountUser('dev', 'builder');
const otherBuilder = serviceAccountUser('default', 'builder');
const ci = serviceAccountUser('tools', 'ci');
const nons = serviceAccountUser('default', 'nons');

function res(u: Attributes['user'], verb: string, group: string, resource: string, more: { ns?: string; name?: string; sub?: string } = {}): Attributes {
  return {
    user: u,
    verb,
    resource: { group, version: 'v1', resource, ...(more.sub ? { subresource: more.sub } : {}), ...(more.ns ? { namespace: more.ns } : {}), ...(more.name ? { name: more.name } : {}) },
  };
}
const path = (u: Attributes['user'], verb: string, p: string): Attributes => ({ user: u, verb, path: p });

describe('RBAC evaluation', () => {
  const table: [string, Attributes, boolean][] = [
    ['Role grants in its namespace', res(alice, 'create', 'apps', 'deployments', { ns: 'dev' }), true],
    ['Role grants nothing elsewhere', res(alice, 'create', 'apps', 'deployments', { ns: 'default' }), false],
    ['Role grants only its verbs', res(alice, 'delete', 'apps', 'deployments', { ns: 'dev', name: 'web' }), false],
    ['apiGroup must match', res(alice, 'create', '', 'deployments', { ns: 'dev' }), false],
    ['RoleBinding to a ClusterRole grants in the binding namespace', res(bob, 'list', '', 'pods', { ns: 'dev' }), true],
    ['… but not in another namespace', res(bob, 'list', '', 'pods', { ns: 'default' }), false],
    ['… nor cluster-wide', res(bob, 'list', '', 'pods'), false],
    ['resourceNames allow the named object', res(carol, 'get', '', 'secrets', { ns: 'default', name: 's1' }), true],
    ['resourceNames deny other names', res(carol, 'get', '', 'secrets', { ns: 'default', name: 's2' }), false],
    ['resourceNames deny requests without a name', res(carol, 'get', '', 'secrets', { ns: 'default' }), false],
    ['a resource does not cover its subresources', res(bob, 'get', '', 'pods', { ns: 'dev', name: 'p', sub: 'log' }), false],
    ['*/subresource matches any resource', res(ops, 'update', 'apps', 'deployments', { ns: 'x', name: 'd', sub: 'scale' }), true],
    ['*/subresource matches in the core group', res(ops, 'update', '', 'replicationcontrollers', { ns: 'x', name: 'r', sub: 'scale' }), true],
    ['*/subresource does not match the parent', res(ops, 'update', 'apps', 'deployments', { ns: 'x', name: 'd' }), false],
    ['*/subresource does not match other subresources', res(ops, 'update', 'apps', 'deployments', { ns: 'x', name: 'd', sub: 'status' }), false],
    ['wildcards match any verb, group and resource', res(root, 'deletecollection', 'example.com', 'widgets', { ns: 'q' }), true],
    ['wildcards match subresources', res(root, 'create', '', 'pods', { ns: 'q', name: 'p', sub: 'exec' }), true],
    ['resource rules never grant paths', path(root, 'get', '/metrics'), false],
    ['nonResourceURL exact match', path(bob, 'get', '/healthz'), true],
    ['nonResourceURL prefix with *', path(bob, 'get', '/apis/apps/v1'), true],
    ['nonResourceURL prefix is literal', path(bob, 'get', '/api'), false],
    ['nonResourceURL verb must match', path(bob, 'post', '/healthz'), false],
    ['path rules never grant resources', res(bob, 'get', '', 'healthz'), false],
    ['ServiceAccount subject defaults to the binding namespace', res(builder, 'get', '', 'pods', { ns: 'dev', name: 'p' }), true],
    ['… and is not a same-named account elsewhere', res(otherBuilder, 'get', '', 'pods', { ns: 'dev', name: 'p' }), false],
    ['ServiceAccount subject with a namespace in a ClusterRoleBinding', res(ci, 'list', '', 'pods'), true],
    ['ServiceAccount subject without a namespace in a ClusterRoleBinding matches nobody', res(nons, 'list', '', 'pods'), false],
    ['system:serviceaccounts:<ns> group', res(builder, 'get', '', 'pods', { ns: 'dev', name: 'p', sub: 'log' }), true],
    ['… only for that namespace’s accounts', res(otherBuilder, 'get', '', 'pods', { ns: 'dev', name: 'p', sub: 'log' }), false],
    ['unbound users get nothing', res(user('mallory'), 'get', '', 'pods', { ns: 'dev', name: 'p' }), false],
  ];
  for (const [name, attrs, allowed] of table) {
    it(name, () => assert.equal(authorizeWithPolicy(policy, attrs).allowed, allowed));
  }

  it('explains an allow the way Kubernetes does', () => {
    assert.equal(
      authorizeWithPolicy(policy, res(alice, 'create', 'apps', 'deployments', { ns: 'dev' })).reason,
      'RBAC: allowed by RoleBinding "alice-deployer/dev" of Role "deployer" to User "alice"',
    );
    assert.equal(
      authorizeWithPolicy(policy, res(builder, 'get', '', 'pods', { ns: 'dev', name: 'p' })).reason,
      'RBAC: allowed by RoleBinding "builder-pods/dev" of ClusterRole "pod-reader" to ServiceAccount "builder/dev"',
    );
    assert.equal(
      authorizeWithPolicy(policy, path(bob, 'get', '/healthz')).reason,
      'RBAC: allowed by ClusterRoleBinding "health" of ClusterRole "health" to Group "system:authenticated"',
    );
  });

  it('a denial carries no reason unless a binding is dangling', () => {
    assert.deepEqual(authorizeWithPolicy(policy, res(bob, 'delete', '', 'pods', { ns: 'dev', name: 'p' })), { allowed: false });
    assert.deepEqual(authorizeWithPolicy(policy, res(carol, 'get', '', 'pods', { ns: 'dev', name: 'p' })), {
      allowed: false,
      reason: 'RBAC: role.rbac.authorization.k8s.io "missing" not found',
    });
  });

  it('a dangling binding does not hide other grants', () => {
    assert.equal(authorizeWithPolicy(policy, res(carol, 'get', '', 'secrets', { ns: 'dev', name: 's1' })).allowed, true);
  });
});

describe('rulesForUser', () => {
  it('lists cluster-wide grants first, then the namespace’s', () => {
    assert.deepEqual(rulesForUser(policy, bob, 'dev'), {
      rules: [
        { verbs: ['get'], nonResourceURLs: ['/healthz', '/apis/*'] },
        { verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['pods'] },
      ],
    });
  });

  it('leaves out other namespaces', () => {
    assert.deepEqual(rulesForUser(policy, bob, 'default').rules, [{ verbs: ['get'], nonResourceURLs: ['/healthz', '/apis/*'] }]);
  });

  it('reports dangling references', () => {
    assert.equal(rulesForUser(policy, carol, 'dev').evaluationError, 'role.rbac.authorization.k8s.io "missing" not found');
  });
});
