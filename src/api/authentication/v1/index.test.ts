import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { serviceAccountKeyFromPem } from '../../../apiserver/auth/service-account-key.js';
import { ServiceAccountTokens } from '../../../apiserver/auth/service-account-tokens.js';
import { startTestServer, type TestCatalog, testCatalog, type TestServer } from '../../../apiserver/auth/test-support.js';
import { decodeObject, encodeObject } from '../../../apiserver/protobuf/codec.js';
import { authenticationV1, tokenReviews } from './index.js';

const base = '/apis/authentication.k8s.io/v1';
const key = serviceAccountKeyFromPem(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());

describe('authentication.k8s.io/v1 reviews', () => {
  let tc: TestCatalog;
  let tokens: ServiceAccountTokens;
  let server: TestServer;
  let saUid: string;

  before(async () => {
    tokens = new ServiceAccountTokens({ key });
    tc = await testCatalog(authenticationV1({ reviewer: tokens, clock: { now: () => Date.UTC(2025, 5, 1, 12) } }));
    tokens.attach(tc.catalog);
    saUid = (await tc.create('', 'serviceaccounts', { metadata: { name: 'ci', namespace: 'dev' } })).metadata.uid!;
    server = await startTestServer(tc.catalog);
  });
  after(async () => {
    await server.close();
    await tc.close();
  });

  it('defines create-only, cluster-scoped selfsubjectreviews and tokenreviews', () => {
    assert.deepEqual(
      authenticationV1().map((d) => [d.plural, d.kind, d.namespaced, d.verbs, typeof d.virtualCreate]),
      [
        ['selfsubjectreviews', 'SelfSubjectReview', false, ['create'], 'function'],
        ['tokenreviews', 'TokenReview', false, ['create'], 'function'],
      ],
    );
  });

  describe('SelfSubjectReview (kubectl auth whoami)', () => {
    it('tells callers who they are', async () => {
      server.user = { name: 'alice', uid: 'u-1', groups: ['devs', 'system:authenticated'], extra: { scopes: ['a'] } };
      const res = await server.request('POST', `${base}/selfsubjectreviews`, JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview', metadata: { creationTimestamp: null } }));
      assert.equal(res.status, 201);
      assert.deepEqual(res.json(), {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'SelfSubjectReview',
        metadata: { creationTimestamp: '2025-06-01T12:00:00Z' },
        status: { userInfo: { username: 'alice', uid: 'u-1', groups: ['devs', 'system:authenticated'], extra: { scopes: ['a'] } } },
      });
    });

    it('answers kubectl’s protobuf request in protobuf', async () => {
      server.user = { name: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] };
      const proto = 'application/vnd.kubernetes.protobuf';
      const body = encodeObject({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview', metadata: {} });
      const res = await server.request('POST', `${base}/selfsubjectreviews`, body, { 'content-type': proto, accept: `${proto},application/json` });
      assert.equal(res.contentType, proto);
      assert.deepEqual((decodeObject(res.body).status as { userInfo: unknown }).userInfo, { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] });
    });
  });

  describe('TokenReview', () => {
    const post = (spec: unknown) => server.request('POST', `${base}/tokenreviews`, JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec }));

    it('authenticates a service account token', async () => {
      const { token } = tokens.issue({ namespace: 'dev', serviceAccount: { name: 'ci', uid: saUid } }, 3600);
      const res = await post({ token });
      assert.equal(res.status, 201);
      const status = res.json().status as { authenticated: boolean; user: Record<string, unknown>; audiences: string[] };
      assert.equal(status.authenticated, true);
      assert.equal(status.user.username, 'system:serviceaccount:dev:ci');
      assert.equal(status.user.uid, saUid);
      assert.deepEqual(status.user.groups, ['system:serviceaccounts', 'system:serviceaccounts:dev', 'system:authenticated']);
      assert.deepEqual(status.audiences, [...tokens.audiences]);
    });

    it('checks the audiences asked for', async () => {
      const { token } = tokens.issue({ namespace: 'dev', serviceAccount: { name: 'ci', uid: saUid } }, 3600, ['vault']);
      const ok = (await post({ token, audiences: ['x', 'vault'] })).json().status as { authenticated: boolean; audiences: string[] };
      assert.equal(ok.authenticated, true);
      assert.deepEqual(ok.audiences, ['vault']);
      const wrong = (await post({ token })).json().status as { authenticated: boolean; error: string };
      assert.equal(wrong.authenticated, false);
      assert.match(wrong.error, /token audiences \["vault"\] is invalid/);
    });

    it('reports unknown tokens as unauthenticated', async () => {
      assert.deepEqual((await post({ token: 'garbage' })).json().status, { authenticated: false, error: 'invalid bearer token' });
    });

    it('requires a token', async () => {
      const res = await post({});
      assert.equal(res.status, 400);
      assert.equal(res.json().message, 'token is required for TokenReview in authentication');
    });

    it('echoes the review when no reviewer is configured', async () => {
      const obj = { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', metadata: {}, spec: { token: 't' } };
      assert.deepEqual(await tokenReviews(undefined).virtualCreate!(obj, { name: 'x', groups: [] }), obj);
    });
  });
});
