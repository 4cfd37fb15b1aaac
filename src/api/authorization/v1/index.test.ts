import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RbacAuthorizer } from '../../../apiserver/auth/rbac-authorizer.js';
import { rbacGroup, settle, startTestServer, type TestCatalog, testCatalog, type TestServer, user } from '../../../apiserver/auth/test-support.js';
import { decodeObject, encodeObject } from '../../../apiserver/protobuf/codec.js';
import { authorizationV1 } from './index.js';

const base = '/apis/authorization.k8s.io/v1';
const review = (kind: string, spec: unknown, metadata: unknown = { creationTimestamp: null }) =>
  JSON.stringify({ apiVersion: 'authorization.k8s.io/v1', kind, metadata, spec });

describe('authorization.k8s.io/v1 reviews', () => {
  let tc: TestCatalog;
  let rbac: RbacAuthorizer;
  let server: TestServer;
  const alice = user('alice');

  before(async () => {
    rbac = new RbacAuthorizer();
    tc = await testCatalog(authorizationV1(rbac));
    rbac.attach(tc.catalog);
    await tc.create(rbacGroup, 'clusterroles', { metadata: { name: 'pod-reader' }, rules: [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }] });
    await tc.create(rbacGroup, 'clusterroles', { metadata: { name: 'health' }, rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }] });
    await tc.create(rbacGroup, 'rolebindings', {
      metadata: { name: 'alice', namespace: 'dev' },
      roleRef: { apiGroup: rbacGroup, kind: 'ClusterRole', name: 'pod-reader' },
      subjects: [{ kind: 'User', name: 'alice' }],
    });
    await tc.create(rbacGroup, 'clusterrolebindings', {
      metadata: { name: 'health' },
      roleRef: { apiGroup: rbacGroup, kind: 'ClusterRole', name: 'health' },
      subjects: [{ kind: 'Group', name: 'system:authenticated' }],
    });
    await rbac.ready();
    await settle();
    server = await startTestServer(tc.catalog);
    server.user = alice;
  });
  after(async () => {
    rbac.stop();
    await server.close();
    await tc.close();
  });

  it('defines four create-only resources with the review kinds and scopes', () => {
    const defs = authorizationV1(rbac);
    assert.deepEqual(
      defs.map((d) => [d.plural, d.kind, d.namespaced, d.verbs, typeof d.virtualCreate]),
      [
        ['localsubjectaccessreviews', 'LocalSubjectAccessReview', true, ['create'], 'function'],
        ['selfsubjectaccessreviews', 'SelfSubjectAccessReview', false, ['create'], 'function'],
        ['selfsubjectrulesreviews', 'SelfSubjectRulesReview', false, ['create'], 'function'],
        ['subjectaccessreviews', 'SubjectAccessReview', false, ['create'], 'function'],
      ],
    );
  });

  describe('SelfSubjectAccessReview (kubectl auth can-i)', () => {
    const ssar = (spec: unknown, metadata?: unknown) => server.request('POST', `${base}/selfsubjectaccessreviews`, review('SelfSubjectAccessReview', spec, metadata));

    it('says yes with the RBAC reason, echoing the request', async () => {
      const res = await ssar({ resourceAttributes: { namespace: 'dev', verb: 'list', resource: 'pods' } });
      assert.equal(res.status, 201);
      const body = res.json();
      assert.equal(body.kind, 'SelfSubjectAccessReview');
      assert.deepEqual(body.spec, { resourceAttributes: { namespace: 'dev', verb: 'list', resource: 'pods' } });
      assert.deepEqual(body.status, { allowed: true, reason: 'RBAC: allowed by RoleBinding "alice/dev" of ClusterRole "pod-reader" to User "alice"' });
    });

    it('says no without a reason', async () => {
      const res = await ssar({ resourceAttributes: { namespace: 'default', verb: 'list', resource: 'pods' } });
      assert.deepEqual(res.json().status, { allowed: false });
    });

    it('checks non-resource paths', async () => {
      const health = (await ssar({ nonResourceAttributes: { path: '/healthz', verb: 'get' } })).json().status as { allowed: boolean };
      assert.equal(health.allowed, true);
      assert.deepEqual((await ssar({ nonResourceAttributes: { path: '/metrics', verb: 'get' } })).json().status, { allowed: false });
    });

    it('decodes kubectl 1.32+ protobuf bodies', async () => {
      const proto = 'application/vnd.kubernetes.protobuf';
      const body = encodeObject({
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        metadata: {},
        spec: { resourceAttributes: { namespace: 'dev', verb: 'get', group: '', resource: 'pods', name: 'web' } },
      });
      const res = await server.request('POST', `${base}/selfsubjectaccessreviews`, body, { 'content-type': proto, accept: `${proto},application/json` });
      assert.equal(res.status, 201);
      assert.equal((decodeObject(res.body).status as { allowed: boolean }).allowed, true);
    });

    it('requires exactly one kind of attributes', async () => {
      const none = await ssar({});
      assert.equal(none.status, 422);
      assert.equal(
        none.json().message,
        'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: null: exactly one of nonResourceAttributes or resourceAttributes must be specified',
      );
      const both = await ssar({ resourceAttributes: { verb: 'get' }, nonResourceAttributes: { path: '/x', verb: 'get' } });
      assert.equal(both.status, 422);
      assert.match(both.json().message as string, /spec\.nonResourceAttributes: .*cannot be specified in combination with resourceAttributes/);
    });

    it('requires empty metadata', async () => {
      const res = await ssar({ nonResourceAttributes: { path: '/x', verb: 'get' } }, { name: 'mine' });
      assert.equal(res.status, 422);
      assert.match(res.json().message as string, /metadata: Invalid value: .*: must be empty/);
    });

    it('only accepts create', async () => {
      assert.equal((await server.request('GET', `${base}/selfsubjectaccessreviews`)).status, 405);
    });
  });

  describe('SubjectAccessReview and LocalSubjectAccessReview', () => {
    it('answers for the user named in the spec', async () => {
      server.user = user('webhook');
      const res = await server.request('POST', `${base}/subjectaccessreviews`, review('SubjectAccessReview', { user: 'alice', resourceAttributes: { namespace: 'dev', verb: 'get', resource: 'pods' } }));
      server.user = alice;
      assert.equal(res.status, 201);
      assert.equal((res.json().status as { allowed: boolean }).allowed, true);
    });

    it('takes groups as given (no implicit system:authenticated)', async () => {
      const spec = { user: 'nobody', nonResourceAttributes: { path: '/healthz', verb: 'get' } };
      const without = await server.request('POST', `${base}/subjectaccessreviews`, review('SubjectAccessReview', spec));
      assert.deepEqual(without.json().status, { allowed: false });
      const withGroup = await server.request('POST', `${base}/subjectaccessreviews`, review('SubjectAccessReview', { ...spec, groups: ['system:authenticated'] }));
      assert.equal((withGroup.json().status as { allowed: boolean }).allowed, true);
    });

    it('needs a user or a group', async () => {
      const res = await server.request('POST', `${base}/subjectaccessreviews`, review('SubjectAccessReview', { resourceAttributes: { verb: 'get' } }));
      assert.equal(res.status, 422);
      assert.match(res.json().message as string, /spec\.user: Invalid value: "": at least one of user or group must be specified/);
    });

    it('keeps a LocalSubjectAccessReview in its namespace', async () => {
      const path = `${base}/namespaces/dev/localsubjectaccessreviews`;
      const ok = await server.request('POST', path, review('LocalSubjectAccessReview', { user: 'alice', resourceAttributes: { namespace: 'dev', verb: 'get', resource: 'pods' } }, { namespace: 'dev' }));
      assert.equal(ok.status, 201);
      assert.equal((ok.json().status as { allowed: boolean }).allowed, true);
      const other = await server.request('POST', path, review('LocalSubjectAccessReview', { user: 'alice', resourceAttributes: { namespace: 'default', verb: 'get', resource: 'pods' } }, { namespace: 'dev' }));
      assert.equal(other.status, 422);
      assert.match(other.json().message as string, /spec\.resourceAttributes\.namespace: Invalid value: "default": must match metadata\.namespace/);
      const paths = await server.request('POST', path, review('LocalSubjectAccessReview', { user: 'alice', nonResourceAttributes: { path: '/x', verb: 'get' } }, { namespace: 'dev' }));
      assert.match(paths.json().message as string, /spec\.nonResourceAttributes: .*disallowed on this kind of request/);
    });
  });

  describe('SelfSubjectRulesReview (kubectl auth can-i --list)', () => {
    const ssrr = (spec: unknown) => server.request('POST', `${base}/selfsubjectrulesreviews`, review('SelfSubjectRulesReview', spec));

    it('lists the caller’s rules in the namespace', async () => {
      const res = await ssrr({ namespace: 'dev' });
      assert.equal(res.status, 201);
      assert.deepEqual(res.json(), {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectRulesReview',
        metadata: {},
        spec: {},
        status: {
          resourceRules: [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }],
          nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }],
          incomplete: false,
        },
      });
    });

    it('omits other namespaces’ grants', async () => {
      assert.deepEqual((await ssrr({ namespace: 'default' })).json().status, {
        resourceRules: [],
        nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }],
        incomplete: false,
      });
    });

    it('gives system:masters everything', async () => {
      server.user = user('admin', 'system:masters');
      const status = (await ssrr({ namespace: 'dev' })).json().status as { resourceRules: unknown[]; nonResourceRules: unknown[] };
      server.user = alice;
      assert.deepEqual(status.resourceRules[0], { verbs: ['*'], apiGroups: ['*'], resources: ['*'] });
      assert.deepEqual(status.nonResourceRules[0], { verbs: ['*'], nonResourceURLs: ['*'] });
    });

    it('needs a namespace', async () => {
      const res = await ssrr({});
      assert.equal(res.status, 400);
      assert.equal(res.json().message, 'no namespace on request');
    });
  });
});
