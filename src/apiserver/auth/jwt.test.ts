import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { JwtError, peekJwtClaims, signJwt, verifyJwt } from './jwt.js';
import { serviceAccountKeyFromPem } from './service-account-key.js';

const pkcs8 = { type: 'pkcs8', format: 'pem' } as const;
const ecPem = () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export(pkcs8).toString();
const es256 = serviceAccountKeyFromPem(ecPem());
const rs256 = serviceAccountKeyFromPem(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export(pkcs8).toString());
const other = serviceAccountKeyFromPem(ecPem());

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('JWT', () => {
  for (const key of [es256, rs256]) {
    it(`signs and verifies with ${key.alg}`, () => {
      const token = signJwt({ sub: 'x', n: 1 }, key);
      const [header] = token.split('.');
      assert.deepEqual(JSON.parse(Buffer.from(header!, 'base64url').toString()), { alg: key.alg, kid: key.kid });
      assert.deepEqual(verifyJwt(token, key), { sub: 'x', n: 1 });
    });
  }

  it('uses raw r‖s ECDSA signatures (64 bytes for P-256), as JWS requires', () => {
    const sig = signJwt({}, es256).split('.')[2]!;
    assert.equal(Buffer.from(sig, 'base64url').length, 64);
  });

  it('rejects tampered claims', () => {
    const [h, , s] = signJwt({ sub: 'x' }, es256).split('.');
    assert.throws(() => verifyJwt(`${h}.${b64({ sub: 'admin' })}.${s}`, es256), JwtError);
  });

  it('rejects another key', () => {
    assert.throws(() => verifyJwt(signJwt({}, other), es256), /unknown key/);
    const [, c, s] = signJwt({}, other).split('.');
    assert.throws(() => verifyJwt(`${b64({ alg: 'ES256' })}.${c}.${s}`, es256), /invalid JWT signature/);
  });

  it('rejects alg none and HMAC forgeries', () => {
    const claims = b64({ sub: 'admin' });
    assert.throws(() => verifyJwt(`${b64({ alg: 'none' })}.${claims}.`, es256), /unexpected JWT algorithm/);
    const header = b64({ alg: 'HS256' });
    const mac = createHmac('sha256', es256.publicKey.export({ type: 'spki', format: 'pem' })).update(`${header}.${claims}`).digest('base64url');
    assert.throws(() => verifyJwt(`${header}.${claims}.${mac}`, es256), /unexpected JWT algorithm/);
    assert.throws(() => verifyJwt(signJwt({}, rs256), es256), /unexpected JWT algorithm/);
  });

  it('rejects malformed tokens', () => {
    assert.throws(() => verifyJwt('abc', es256), /three segments/);
    assert.throws(() => verifyJwt('a.b.c', es256), /malformed JWT header/);
  });

  it('peeks at claims without verifying', () => {
    assert.deepEqual(peekJwtClaims(signJwt({ iss: 'me' }, other)), { iss: 'me' });
    assert.equal(peekJwtClaims('not-a-jwt'), undefined);
    assert.equal(peekJwtClaims('a.!!!.c'), undefined);
  });
});
