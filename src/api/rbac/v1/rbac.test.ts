import { test } from 'node:test';
import assert from 'node:assert/strict';
import { at, created, lines, updated } from '../../common/testing.js';
import { clusterRoleBindings, roleBindings } from './binding.js';
import { clusterRoles, roles } from './role.js';

test('role rules need verbs and either resources or non-resource URLs', () => {
  assert.deepEqual(
    created(roles, { metadata: { name: 'pod-reader', namespace: 'default' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }] }).errs,
    [],
  );
  const { errs } = created(roles, {
    metadata: { name: 'bad', namespace: 'default' },
    rules: [{ apiGroups: [''], resources: ['pods'] }, { verbs: ['get'] }, { verbs: ['get'], nonResourceURLs: ['/healthz'] }],
  });
  assert.deepEqual(lines(errs), [
    'rules[0].verbs: Required value: verbs must contain at least one value',
    'rules[1].apiGroups: Required value: resource rules must supply at least one api group',
    'rules[1].resources: Required value: resource rules must supply at least one resource',
    'rules[2].nonResourceURLs: Invalid value: []string{"/healthz"}: namespaced rules cannot apply to non-resource URLs',
  ]);
  assert.equal(roles.columns, undefined);
});

test('cluster roles allow non-resource URLs and check aggregation selectors', () => {
  assert.deepEqual(created(clusterRoles, { metadata: { name: 'health' }, rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }] }).errs, []);
  assert.deepEqual(lines(created(clusterRoles, { metadata: { name: 'agg' }, aggregationRule: { clusterRoleSelectors: [] } }).errs), [
    'aggregationRule.clusterRoleSelectors: Required value: at least one clusterRoleSelector required if aggregationRule is non-nil',
  ]);
  assert.equal(roles.validateName!('system:controller:foo').length, 0);
});

test('bindings default API groups and print their subjects', () => {
  const { obj, errs } = created(roleBindings, {
    metadata: { name: 'read-pods', namespace: 'default' },
    roleRef: { kind: 'Role', name: 'pod-reader' },
    subjects: [
      { kind: 'User', name: 'jane' },
      { kind: 'Group', name: 'devs' },
      { kind: 'ServiceAccount', name: 'builder', namespace: 'ci' },
      { kind: 'User', name: 'joe' },
    ],
  });
  assert.deepEqual(errs, []);
  assert.equal((obj.roleRef as any).apiGroup, 'rbac.authorization.k8s.io');
  assert.deepEqual((obj.subjects as any[]).map((s) => s.apiGroup), ['rbac.authorization.k8s.io', 'rbac.authorization.k8s.io', '', 'rbac.authorization.k8s.io']);
  assert.deepEqual(roleBindings.cells!(obj, at(7200)), ['read-pods', 'Role/pod-reader', '120m', 'jane, joe', 'devs', 'ci/builder']);
});

test('binding validation wording and immutable roleRef', () => {
  const { errs } = created(clusterRoleBindings, {
    metadata: { name: 'x' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: '' },
    subjects: [{ kind: 'ServiceAccount', name: 'default' }, { kind: 'Robot', name: 'r2' }],
  });
  assert.deepEqual(lines(errs), [
    'roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"',
    'roleRef.name: Required value',
    'subjects[0].namespace: Required value',
    'subjects[1].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"',
  ]);
  const { obj: old } = created(clusterRoleBindings, { metadata: { name: 'admins' }, roleRef: { kind: 'ClusterRole', name: 'admin' } });
  const next = structuredClone(old);
  (next.roleRef as any).name = 'cluster-admin';
  assert.deepEqual(lines(updated(clusterRoleBindings, next, old)), [
    'roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"cluster-admin"}: cannot change roleRef',
  ]);
});
