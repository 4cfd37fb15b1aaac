import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiError } from '../errors.js';
import type { Attributes } from './authorizer.js';
import { bootstrapRbac } from './bootstrap-policy.js';
import { RbacAuthorizer } from './rbac-authorizer.js';
import { anonymousUser } from './user.js';
import { rbacGroup, settle, type TestCatalog, testCatalog, user } from './test-support.js';

const pods = (u: Attributes['user'], verb: string, namespace?: string): Attributes => ({
  user: u,
  verb,
  resource: { group: '', version: 'v1', resource: 'pods', ...(namespace ? { namespace } : {}) },
});

describe('RbacAuthorizer over a real store', () => {
  let tc: TestCatalog;
  let rbac: RbacAuthorizer;
  const alice = user('alice');

  before(async () => {
    tc = await testCatalog();
    rbac = new RbacAuthorizer();
    rbac.attach(tc.catalog);
    await rbac.ready();
  });
  after(async () => {
    rbac.stop();
    await tc.close();
  });

  it('allows system:masters without any policy', async () => {
    assert.deepEqual(await new RbacAuthorizer().authorize(pods(user('admin', 'system:masters'), 'delete', 'dev')), { allowed: true });
  });

  it('denies everyone else while nothing is bound', async () => {
    assert.equal((await rbac.authorize(pods(alice, 'get', 'dev'))).allowed, false);
  });

  it('follows roles and bindings as they are created, changed and deleted', async () => {
    await tc.create(rbacGroup, 'roles', {
      metadata: { name: 'reader', namespace: 'dev' },
      rules: [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }],
    });
    await tc.create(rbacGroup, 'rolebindings', {
      metadata: { name: 'alice-reads', namespace: 'dev' },
      roleRef: { apiGroup: rbacGroup, kind: 'Role', name: 'reader' },
      subjects: [{ kind: 'User', name: 'alice', apiGroup: rbacGroup }],
    });
    await settle();
    assert.equal((await rbac.authorize(pods(alice, 'list', 'dev'))).allowed, true);
    assert.equal((await rbac.authorize(pods(alice, 'list', 'default'))).allowed, false);

    await tc.catalog.lookup(rbacGroup, 'v1', 'roles')!.update('dev', 'reader', (r) => ({ ...r, rules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }] }));
    await settle();
    assert.equal((await rbac.authorize(pods(alice, 'list', 'dev'))).allowed, false);
    assert.equal((await rbac.authorize(pods(alice, 'get', 'dev'))).allowed, true);

    await tc.remove(rbacGroup, 'rolebindings', 'dev', 'alice-reads');
    await settle();
    assert.equal((await rbac.authorize(pods(alice, 'get', 'dev'))).allowed, false);
  });

  it('reads objects that existed before it started', async () => {
    await tc.create(rbacGroup, 'clusterroles', { metadata: { name: 'node-lister' }, rules: [{ verbs: ['list'], apiGroups: [''], resources: ['nodes'] }] });
    await tc.create(rbacGroup, 'clusterrolebindings', {
      metadata: { name: 'bob-lists-nodes' },
      roleRef: { apiGroup: rbacGroup, kind: 'ClusterRole', name: 'node-lister' },
      subjects: [{ kind: 'User', name: 'bob' }],
    });
    const late = new RbacAuthorizer(tc.catalog);
    await late.ready();
    const listNodes: Attributes = { user: user('bob'), verb: 'list', resource: { group: '', version: 'v1', resource: 'nodes' } };
    assert.equal((await late.authorize(listNodes)).allowed, true);
    late.stop();
  });

  it('stops following after stop()', async () => {
    const stopped = new RbacAuthorizer(tc.catalog);
    await stopped.ready();
    stopped.stop();
    await tc.create(rbacGroup, 'clusterrolebindings', {
      metadata: { name: 'carol-lists-nodes' },
      roleRef: { apiGroup: rbacGroup, kind: 'ClusterRole', name: 'node-lister' },
      subjects: [{ kind: 'User', name: 'carol' }],
    });
    await settle();
    const listNodes: Attributes = { user: user('carol'), verb: 'list', resource: { group: '', version: 'v1', resource: 'nodes' } };
    assert.equal((await stopped.authorize(listNodes)).allowed, false);
    assert.equal((await rbac.authorize(listNodes)).allowed, true);
  });

  it('starts over from a fresh list when a watch is lost', async () => {
    const store = tc.catalog.lookup(rbacGroup, 'v1', 'clusterrolebindings')!;
    const original = store.watch.bind(store);
    let lose: (() => void) | undefined;
    store.watch = async (ns, opts) => {
      let lost = false;
      const w = await original(ns, { ...opts, onEvent: (t, o) => lost || opts.onEvent(t, o) });
      lose = () => {
        lost = true;
        w.stop();
        opts.onError(ApiError.expired('too old resource version: 1 (2)'));
      };
      return w;
    };
    const a = new RbacAuthorizer(tc.catalog, { retryDelayMs: 0 });
    await a.ready();
    store.watch = original;
    const listNodes: Attributes = { user: user('dave'), verb: 'list', resource: { group: '', version: 'v1', resource: 'nodes' } };
    lose!();
    await tc.create(rbacGroup, 'clusterrolebindings', {
      metadata: { name: 'dave-lists-nodes' },
      roleRef: { apiGroup: rbacGroup, kind: 'ClusterRole', name: 'node-lister' },
      subjects: [{ kind: 'User', name: 'dave' }],
    });
    // The retry runs from a timer; wait for it by turns of the event loop, not by a deadline.
    let allowed = false;
    for (let i = 0; i < 1000 && !allowed; i++) {
      await new Promise((r) => setTimeout(r, 1));
      allowed = (await a.authorize(listNodes)).allowed;
    }
    a.stop();
    assert.equal(allowed, true);
  });

  it('lists superuser rules for system:masters', async () => {
    const { rules } = await rbac.rulesFor(user('admin', 'system:masters'), 'dev');
    assert.deepEqual(rules.slice(0, 2), [
      { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
      { verbs: ['*'], nonResourceURLs: ['*'] },
    ]);
  });
});

describe('the bootstrap policy, evaluated', () => {
  let tc: TestCatalog;
  let rbac: RbacAuthorizer;

  before(async () => {
    tc = await testCatalog();
    rbac = new RbacAuthorizer(tc.catalog);
    await bootstrapRbac(tc.catalog);
    for (const [name, role] of [
      ['viewer', 'view'],
      ['editor', 'edit'],
      ['nsadmin', 'admin'],
    ]) {
      await tc.create(rbacGroup, 'rolebindings', {
        metadata: { name, namespace: 'dev' },
        roleRef: { apiGroup: rbacGroup, kind: 'ClusterRole', name: role! },
        subjects: [{ kind: 'User', name: name! }],
      });
    }
    await settle();
  });
  after(async () => {
    rbac.stop();
    await tc.close();
  });

  const can = async (u: Attributes['user'], verb: string, group: string, resource: string, namespace?: string, subresource?: string) =>
    (await rbac.authorize({ user: u, verb, resource: { group, version: 'v1', resource, namespace, subresource } })).allowed;
  const canPath = async (u: Attributes['user'], verb: string, path: string) => (await rbac.authorize({ user: u, verb, path })).allowed;

  it('lets anyone read public info and authenticated users discover the API', async () => {
    assert.equal(await canPath(anonymousUser, 'get', '/version'), true);
    assert.equal(await canPath(anonymousUser, 'get', '/readyz'), true);
    assert.equal(await canPath(anonymousUser, 'get', '/apis'), false);
    assert.equal(await canPath(user('x'), 'get', '/apis/apps/v1'), true);
    assert.equal(await canPath(user('x'), 'get', '/openapi/v3'), true);
    assert.equal(await canPath(user('x'), 'get', '/metrics'), false);
  });

  it('lets authenticated users ask about themselves', async () => {
    assert.equal(await can(user('x'), 'create', 'authorization.k8s.io', 'selfsubjectaccessreviews'), true);
    assert.equal(await can(user('x'), 'create', 'authorization.k8s.io', 'selfsubjectrulesreviews'), true);
    assert.equal(await can(user('x'), 'create', 'authentication.k8s.io', 'selfsubjectreviews'), true);
    assert.equal(await can(user('x'), 'create', 'authorization.k8s.io', 'subjectaccessreviews'), false);
    assert.equal(await can(anonymousUser, 'create', 'authorization.k8s.io', 'selfsubjectaccessreviews'), false);
  });

  it('view reads but does not write, and never reads secrets', async () => {
    const viewer = user('viewer');
    assert.equal(await can(viewer, 'list', 'apps', 'deployments', 'dev'), true);
    assert.equal(await can(viewer, 'get', '', 'pods', 'dev', 'log'), true);
    assert.equal(await can(viewer, 'create', 'apps', 'deployments', 'dev'), false);
    assert.equal(await can(viewer, 'get', '', 'secrets', 'dev'), false);
    assert.equal(await can(viewer, 'list', 'apps', 'deployments', 'default'), false);
  });

  it('edit adds writes, secrets and tokens but not RBAC', async () => {
    const editor = user('editor');
    assert.equal(await can(editor, 'list', '', 'pods', 'dev'), true);
    assert.equal(await can(editor, 'create', 'apps', 'deployments', 'dev'), true);
    assert.equal(await can(editor, 'patch', 'apps', 'deployments', 'dev', 'scale'), true);
    assert.equal(await can(editor, 'get', '', 'secrets', 'dev'), true);
    assert.equal(await can(editor, 'create', '', 'pods', 'dev', 'exec'), true);
    assert.equal(await can(editor, 'create', '', 'serviceaccounts', 'dev', 'token'), true);
    assert.equal(await can(editor, 'create', rbacGroup, 'rolebindings', 'dev'), false);
  });

  it('treats connect requests (exec, attach, port-forward) as create', async () => {
    assert.equal(await can(user('editor'), 'connect', '', 'pods', 'dev', 'exec'), true);
    assert.equal(await can(user('viewer'), 'connect', '', 'pods', 'dev', 'exec'), false);
  });

  it('admin adds namespace RBAC', async () => {
    const nsadmin = user('nsadmin');
    assert.equal(await can(nsadmin, 'create', rbacGroup, 'rolebindings', 'dev'), true);
    assert.equal(await can(nsadmin, 'create', 'authorization.k8s.io', 'localsubjectaccessreviews', 'dev'), true);
    assert.equal(await can(nsadmin, 'list', 'apps', 'deployments', 'dev'), true);
    assert.equal(await can(nsadmin, 'create', rbacGroup, 'clusterrolebindings'), false);
  });

  it('binds nodes to system:node and kube-proxy to system:node-proxier', async () => {
    const node = { name: 'system:node:n1', groups: ['system:nodes', 'system:authenticated'] };
    assert.equal(await can(node, 'patch', '', 'nodes', undefined, 'status'), true);
    assert.equal(await can(node, 'create', '', 'pods'), true);
    assert.equal(await can(node, 'delete', '', 'namespaces'), false);
    assert.equal(await can(user('system:kube-proxy'), 'watch', 'discovery.k8s.io', 'endpointslices'), true);
  });

  it('is idempotent and keeps what administrators changed', async () => {
    const roles = tc.catalog.lookup(rbacGroup, 'v1', 'clusterroles')!;
    await roles.update(undefined, 'system:basic-user', (r) => ({ ...r, rules: [] }));
    await bootstrapRbac(tc.catalog);
    assert.deepEqual((await roles.get(undefined, 'system:basic-user')).rules, []);
  });
});
