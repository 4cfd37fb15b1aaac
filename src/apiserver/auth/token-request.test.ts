import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { decodeObject, encodeObject } from '../protobuf/codec.js';
import { peekJwtClaims } from './jwt.js';
import { serviceAccountKeyFromPem } from './service-account-key.js';
import { ServiceAccountTokens } from './service-account-tokens.js';
import { startTestServer, type TestCatalog, testCatalog, type TestServer } from './test-support.js';
import { serviceAccountTokenSubresource } from './token-request.js';

const key = serviceAccountKeyFromPem(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
const path = '/api/v1/namespaces/dev/serviceaccounts/builder/token';
const tokenRequest = (spec: Record<string, unknown> = {}) => JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec });

describe('serviceaccounts/token (TokenRequest)', () => {
  let tc: TestCatalog;
  let tokens: ServiceAccountTokens;
  let server: TestServer;

  before(async () => {
    tc = await testCatalog();
    tokens = new ServiceAccountTokens({ key, clock: tc.clock, catalog: tc.catalog });
    server = await startTestServer(tc.catalog, [serviceAccountTokenSubresource(tokens)]);
    await tc.create('', 'serviceaccounts', { metadata: { name: 'builder', namespace: 'dev' } });
    await tc.create('', 'serviceaccounts', { metadata: { name: 'other', namespace: 'dev' } });
    await tc.create('', 'nodes', { metadata: { name: 'n1' } });
    await tc.create('', 'pods', { metadata: { name: 'web', namespace: 'dev' }, spec: { serviceAccountName: 'builder', nodeName: 'n1' } });
  });
  after(async () => {
    await server.close();
    await tc.close();
  });

  it('describes itself for discovery', () => {
    const sub = serviceAccountTokenSubresource(tokens);
    assert.equal(`${sub.group}/${sub.plural}/${sub.info.name}`, '/serviceaccounts/token');
    assert.deepEqual(sub.info, { name: 'token', kind: 'TokenRequest', group: 'authentication.k8s.io', version: 'v1', verbs: ['create'] });
  });

  it('answers 201 with a working token, defaulting to one hour and the API audiences', async () => {
    const res = await server.request('POST', path, tokenRequest());
    assert.equal(res.status, 201);
    const body = res.json() as { metadata: unknown; spec: Record<string, unknown>; status: { token: string; expirationTimestamp: string } };
    assert.equal(body.metadata && (body.metadata as { name: string }).name, 'builder');
    assert.deepEqual(body.spec, { expirationSeconds: 3600, audiences: [...tokens.audiences] });
    assert.equal(body.status.expirationTimestamp, new Date(tc.clock.now() + 3600_000).toISOString().replace('.000Z', 'Z'));
    const review = await tokens.review(body.status.token);
    assert.ok(review.authenticated);
    assert.equal(review.user.name, 'system:serviceaccount:dev:builder');
  });

  it('honours audiences and expirationSeconds', async () => {
    const res = await server.request('POST', path, tokenRequest({ audiences: ['vault'], expirationSeconds: 7200 }));
    const claims = peekJwtClaims((res.json().status as { token: string }).token)!;
    assert.deepEqual(claims.aud, ['vault']);
    assert.equal((claims.exp as number) - (claims.iat as number), 7200);
  });

  it('speaks protobuf, as kubectl 1.32+ does', async () => {
    const body = encodeObject({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', metadata: {}, spec: { audiences: [] } });
    const proto = 'application/vnd.kubernetes.protobuf';
    const res = await server.request('POST', path, body, { 'content-type': proto, accept: `${proto},application/json` });
    assert.equal(res.status, 201);
    assert.equal(res.contentType, proto);
    const out = decodeObject(res.body) as { status: { token: string } };
    assert.equal((await tokens.review(out.status.token)).authenticated, true);
  });

  it('rejects lifetimes under ten minutes as Kubernetes does', async () => {
    const res = await server.request('POST', path, tokenRequest({ expirationSeconds: 60 }));
    assert.equal(res.status, 422);
    assert.equal(
      res.json().message,
      'TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes',
    );
  });

  it('404s for a missing service account', async () => {
    const res = await server.request('POST', '/api/v1/namespaces/dev/serviceaccounts/nope/token', tokenRequest());
    assert.equal(res.status, 404);
    assert.equal(res.json().message, 'serviceaccounts "nope" not found');
  });

  it('binds to a pod of the same service account, recording its node', async () => {
    const res = await server.request('POST', path, tokenRequest({ boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web' } }));
    assert.equal(res.status, 201);
    const k8s = peekJwtClaims((res.json().status as { token: string }).token)!['kubernetes.io'] as Record<string, { name: string }>;
    assert.equal(k8s.pod?.name, 'web');
    assert.equal(k8s.node?.name, 'n1');
  });

  it('refuses bindings Kubernetes refuses', async () => {
    const other = await server.request('POST', '/api/v1/namespaces/dev/serviceaccounts/other/token', tokenRequest({ boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web' } }));
    assert.equal(other.status, 400);
    assert.equal(other.json().message, 'cannot bind token for serviceaccount "other" to pod running with different serviceaccount name.');
    const stale = await server.request('POST', path, tokenRequest({ boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web', uid: 'old' } }));
    assert.equal(stale.status, 409);
    const kind = await server.request('POST', path, tokenRequest({ boundObjectRef: { kind: 'Deployment', apiVersion: 'apps/v1', name: 'web' } }));
    assert.equal(kind.status, 400);
    assert.equal(kind.json().message, 'cannot bind token to object of type apps/v1, Kind=Deployment');
    const missing = await server.request('POST', path, tokenRequest({ boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'gone' } }));
    assert.equal(missing.status, 404);
  });

  it('only answers POST', async () => {
    assert.equal((await server.request('GET', path)).status, 405);
  });
});
