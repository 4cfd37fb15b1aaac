import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadOrCreateServiceAccountKey, SERVICE_ACCOUNT_KEY_FILE, serviceAccountKeyFromPem } from './service-account-key.js';

describe('service account signing key', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'k8ts-sakey-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('creates an ES256 key, private to its owner, and loads the same one next time', async () => {
    const tlsDir = join(dir, 'tls');
    const first = await loadOrCreateServiceAccountKey(tlsDir);
    const path = join(tlsDir, SERVICE_ACCOUNT_KEY_FILE);
    assert.equal(first.alg, 'ES256');
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.match(await readFile(path, 'utf8'), /^-----BEGIN PRIVATE KEY-----/);
    const second = await loadOrCreateServiceAccountKey(tlsDir);
    assert.equal(second.kid, first.kid);
  });

  it('uses a key the administrator put there, RSA included', async () => {
    const tlsDir = join(dir, 'rsa');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await loadOrCreateServiceAccountKey(tlsDir); // creates the directory
    await writeFile(join(tlsDir, SERVICE_ACCOUNT_KEY_FILE), privateKey.export({ type: 'pkcs1', format: 'pem' }));
    const key = await loadOrCreateServiceAccountKey(tlsDir);
    assert.equal(key.alg, 'RS256');
  });

  it('derives kid from the public key (base64url SHA-256 of its DER)', () => {
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ type: 'sec1', format: 'pem' }).toString();
    const key = serviceAccountKeyFromPem(pem);
    assert.equal(key.alg, 'ES384');
    assert.match(key.kid, /^[A-Za-z0-9_-]{43}$/);
  });

  it('refuses keys that cannot sign JWTs here', () => {
    const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    assert.throws(() => serviceAccountKeyFromPem(pem), /unsupported service account key type ed25519/);
  });
});
