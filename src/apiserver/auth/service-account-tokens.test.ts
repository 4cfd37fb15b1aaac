import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../api/types.js';
import { signJwt } from './jwt.js';
import { serviceAccountKeyFromPem } from './service-account-key.js';
import { DEFAULT_API_AUDIENCES, DEFAULT_ISSUER, ServiceAccountTokens } from './service-account-tokens.js';
import { type TestCatalog, testCatalog } from './test-support.js';

const newKey = () => serviceAccountKeyFromPem(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
const key = newKey();

describe('ServiceAccountTokens', () => {
  let tc: TestCatalog;
  let tokens: ServiceAccountTokens;
  let sa: KubeObject;
  const subjectOf = (obj: KubeObject) => ({ namespace: obj.metadata.namespace!, serviceAccount: { name: obj.metadata.name!, uid: obj.metadata.uid! } });

  before(async () => {
    tc = await testCatalog();
    tokens = new ServiceAccountTokens({ key, clock: tc.clock, catalog: tc.catalog });
    sa = await tc.create('', 'serviceaccounts', { metadata: { name: 'builder', namespace: 'dev' } });
  });
  after(() => tc.close());

  it('issues Kubernetes-shaped bound token claims', () => {
    const { claims, expirationTimestamp } = tokens.issue(subjectOf(sa), 3600);
    const now = tc.clock.now() / 1000;
    assert.equal(claims.iss, DEFAULT_ISSUER);
    assert.equal(claims.sub, 'system:serviceaccount:dev:builder');
    assert.deepEqual(claims.aud, DEFAULT_API_AUDIENCES);
    assert.deepEqual([claims.iat, claims.nbf, claims.exp], [now, now, now + 3600]);
    assert.match(claims.jti, /^[0-9a-f-]{36}$/);
    assert.deepEqual(claims['kubernetes.io'], { namespace: 'dev', serviceaccount: { name: 'builder', uid: sa.metadata.uid } });
    assert.equal(expirationTimestamp, new Date((now + 3600) * 1000).toISOString().replace('.000Z', 'Z'));
  });

  it('authenticates its tokens as the service account', async () => {
    const { token, claims } = tokens.issue(subjectOf(sa), 3600);
    const review = await tokens.review(token);
    assert.deepEqual(review, {
      authenticated: true,
      audiences: DEFAULT_API_AUDIENCES,
      user: {
        name: 'system:serviceaccount:dev:builder',
        uid: sa.metadata.uid,
        groups: ['system:serviceaccounts', 'system:serviceaccounts:dev', 'system:authenticated'],
        extra: { 'authentication.kubernetes.io/credential-id': [`JTI=${claims.jti}`] },
      },
    });
    assert.equal((await tokens.authenticate(token))?.name, 'system:serviceaccount:dev:builder');
  });

  it('rejects expired tokens, allowing a minute of clock skew', async () => {
    const { token } = tokens.issue(subjectOf(sa), 600);
    tc.clock.advance(600 + 59);
    assert.equal((await tokens.review(token)).authenticated, true);
    tc.clock.advance(2);
    assert.deepEqual(await tokens.review(token), { authenticated: false, error: '[invalid bearer token, service account token has expired]' });
    assert.equal(await tokens.authenticate(token), undefined);
  });

  it('rejects tokens not valid yet', async () => {
    const { token } = tokens.issue(subjectOf(sa), 600);
    tc.clock.advance(-120);
    const r = await tokens.review(token);
    tc.clock.advance(120);
    assert.deepEqual(r, { authenticated: false, error: '[invalid bearer token, service account token is not valid yet]' });
  });

  it('checks audiences', async () => {
    const { token } = tokens.issue(subjectOf(sa), 3600, ['vault', 'other']);
    const r = await tokens.review(token);
    assert.equal(r.authenticated, false);
    assert.match((r as { error: string }).error, /token audiences \["vault","other"\] is invalid for the target audiences/);
    assert.deepEqual((await tokens.review(token, ['x', 'vault'])) as { audiences: string[] }, { ...(await tokens.review(token, ['vault'])), audiences: ['vault'] });
  });

  it('stops working when the service account is deleted or recreated', async () => {
    const temp = await tc.create('', 'serviceaccounts', { metadata: { name: 'temp', namespace: 'dev' } });
    const { token } = tokens.issue(subjectOf(temp), 3600);
    await tc.remove('', 'serviceaccounts', 'dev', 'temp');
    assert.deepEqual(await tokens.review(token), { authenticated: false, error: '[invalid bearer token, serviceaccount "temp" not found]' });
    const again = await tc.create('', 'serviceaccounts', { metadata: { name: 'temp', namespace: 'dev' } });
    assert.deepEqual(await tokens.review(token), {
      authenticated: false,
      error: `[invalid bearer token, ServiceAccount UID (${again.metadata.uid}) does not match claim (${temp.metadata.uid})]`,
    });
  });

  it('binds to a pod: extra names it, and the token dies with it', async () => {
    const pod = await tc.create('', 'pods', { metadata: { name: 'p', namespace: 'dev' }, spec: { serviceAccountName: 'builder' } });
    const { token } = tokens.issue({ ...subjectOf(sa), pod: { name: 'p', uid: pod.metadata.uid! } }, 3600);
    const r = await tokens.review(token);
    assert.ok(r.authenticated);
    assert.deepEqual(r.user.extra?.['authentication.kubernetes.io/pod-name'], ['p']);
    assert.deepEqual(r.user.extra?.['authentication.kubernetes.io/pod-uid'], [pod.metadata.uid]);
    await tc.remove('', 'pods', 'dev', 'p');
    assert.deepEqual(await tokens.review(token), { authenticated: false, error: '[invalid bearer token, pod "p" not found]' });
  });

  it('ignores tokens from other issuers and rejects forgeries of its own', async () => {
    const foreign = signJwt({ iss: 'https://accounts.example.com', sub: 'x' }, newKey());
    assert.deepEqual(await tokens.review(foreign), { authenticated: false });
    assert.deepEqual(await tokens.review('opaque-bootstrap-token'), { authenticated: false });
    const forged = new ServiceAccountTokens({ key: newKey(), clock: tc.clock }).issue(subjectOf(sa), 3600).token;
    assert.deepEqual(await tokens.review(forged), { authenticated: false, error: '[invalid bearer token, JWT signed by an unknown key]' });
  });

  it('publishes a JWKS that verifies its tokens', () => {
    const { token } = tokens.issue(subjectOf(sa), 3600);
    const [jwk] = tokens.jwks().keys;
    assert.equal(jwk!.kid, key.kid);
    assert.equal(jwk!.alg, 'ES256');
    const [h, c, s] = token.split('.');
    const pub = createPublicKey({ key: jwk as never, format: 'jwk' });
    assert.ok(verify('sha256', Buffer.from(`${h}.${c}`), { key: pub, dsaEncoding: 'ieee-p1363' }, Buffer.from(s!, 'base64url')));
    assert.equal(tokens.openIdConfiguration().jwks_uri, `${DEFAULT_ISSUER}/openid/v1/jwks`);
  });
});
