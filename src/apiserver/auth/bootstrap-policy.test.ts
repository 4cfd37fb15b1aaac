import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../api/types.js';
import { aggregatedRules, bootstrapClusterRoleBindings, bootstrapClusterRoles } from './bootstrap-policy.js';

const roles = bootstrapClusterRoles();
const byName = (name: string): KubeObject => roles.find((r) => r.metadata.name === name)!;

describe('bootstrap ClusterRoles', () => {
  it('marks every default object as Kubernetes does', () => {
    for (const obj of [...roles, ...bootstrapClusterRoleBindings()]) {
      assert.equal(obj.metadata.labels?.['kubernetes.io/bootstrapping'], 'rbac-defaults', obj.metadata.name);
      assert.equal(obj.metadata.annotations?.['rbac.authorization.kubernetes.io/autoupdate'], 'true', obj.metadata.name);
    }
  });

  it('includes the roles clients expect', () => {
    for (const name of ['cluster-admin', 'admin', 'edit', 'view', 'system:discovery', 'system:basic-user', 'system:public-info-viewer']) {
      assert.ok(byName(name), name);
    }
  });

  it('stores admin, edit and view already aggregated, keeping their aggregationRule', () => {
    const view = byName('view');
    const edit = byName('edit');
    const admin = byName('admin');
    // Sources in name order: system:aggregate-to-view, then the metrics reader (kubectl top).
    assert.deepEqual(view.rules, [...(byName('system:aggregate-to-view').rules as unknown[]), ...(byName('system:aggregated-metrics-reader').rules as unknown[])]);
    // Sources in name order: system:aggregate-to-edit, the metrics reader, then view (without the rule already taken).
    const metrics = byName('system:aggregated-metrics-reader').rules as unknown[];
    const viewOwn = (view.rules as unknown[]).slice(0, -metrics.length);
    assert.deepEqual(edit.rules, [...(byName('system:aggregate-to-edit').rules as unknown[]), ...metrics, ...viewOwn]);
    // Sources in name order: edit, then system:aggregate-to-admin.
    assert.deepEqual(admin.rules, [...(edit.rules as unknown[]), ...(byName('system:aggregate-to-admin').rules as unknown[])]);
    assert.deepEqual(view.aggregationRule, { clusterRoleSelectors: [{ matchLabels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } }] });
    assert.equal(view.metadata.labels?.['rbac.authorization.k8s.io/aggregate-to-edit'], 'true');
    assert.equal(edit.metadata.labels?.['rbac.authorization.k8s.io/aggregate-to-admin'], 'true');
  });

  it('aggregation drops duplicate rules and skips the role itself', () => {
    const rule = { verbs: ['get'], apiGroups: [''], resources: ['pods'] };
    const label = 'x/aggregate';
    const sources: KubeObject[] = [
      { metadata: { name: 'b', labels: { [label]: 'true' } }, rules: [rule] },
      { metadata: { name: 'a', labels: { [label]: 'true' } }, rules: [rule, { verbs: ['list'], apiGroups: [''], resources: ['pods'] }] },
      { metadata: { name: 'self', labels: { [label]: 'true' } }, rules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }] },
      { metadata: { name: 'c' }, rules: [{ verbs: ['delete'], apiGroups: [''], resources: ['pods'] }] },
    ];
    assert.deepEqual(aggregatedRules('self', label, sources), [rule, { verbs: ['list'], apiGroups: [''], resources: ['pods'] }]);
  });

  it('returns fresh objects each time', () => {
    const a = bootstrapClusterRoles();
    (a[0]!.rules as unknown[]).length = 0;
    assert.notDeepEqual(bootstrapClusterRoles()[0]!.rules, []);
  });
});

describe('bootstrap ClusterRoleBindings', () => {
  const bindings = bootstrapClusterRoleBindings();
  const subjectsOf = (name: string) => bindings.find((b) => b.metadata.name === name)!.subjects;

  it('binds each to the ClusterRole of its name, which exists', () => {
    for (const b of bindings) {
      assert.deepEqual(b.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: b.metadata.name });
      assert.ok(byName(b.metadata.name!), b.metadata.name);
    }
  });

  it('grants the defaults to the usual groups', () => {
    const g = (name: string) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name });
    assert.deepEqual(subjectsOf('cluster-admin'), [g('system:masters')]);
    assert.deepEqual(subjectsOf('system:discovery'), [g('system:authenticated')]);
    assert.deepEqual(subjectsOf('system:basic-user'), [g('system:authenticated')]);
    assert.deepEqual(subjectsOf('system:public-info-viewer'), [g('system:authenticated'), g('system:unauthenticated')]);
  });
});
