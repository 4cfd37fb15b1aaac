import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../pki/atomic-write.js';

/** JWS algorithms a service account key can sign with (by key type and curve). */
export type JwtAlgorithm = 'ES256' | 'ES384' | 'ES512' | 'RS256';

/** The key pair that signs and verifies service account tokens. */
export interface ServiceAccountKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  alg: JwtAlgorithm;
  /** JWS `kid`: base64url SHA-256 of the DER public key, as kube-apiserver derives it. */
  kid: string;
}

/** File name of the signing key inside the TLS directory. */
export const SERVICE_ACCOUNT_KEY_FILE = 'service-account.key';

const curveAlgorithms: Record<string, JwtAlgorithm> = { prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' };

/**
 * Reads a PEM private key (PKCS#8, SEC1 or PKCS#1) as a service account signing key: EC keys
 * sign with ES256/384/512 by curve, RSA keys with RS256 (what users bring from kubeadm).
 *
 * @example
 * const key = serviceAccountKeyFromPem(await readFile('sa.key', 'utf8')); // key.alg === 'ES256'
 * @throws {Error} for other key types or curves.
 */
export function serviceAccountKeyFromPem(pem: string): ServiceAccountKey {
  const privateKey = createPrivateKey(pem);
  const publicKey = createPublicKey(privateKey);
  let alg: JwtAlgorithm | undefined;
  if (privateKey.asymmetricKeyType === 'rsa') alg = 'RS256';
  else if (privateKey.asymmetricKeyType === 'ec') alg = curveAlgorithms[privateKey.asymmetricKeyDetails?.namedCurve ?? ''];
  if (!alg) throw new Error(`unsupported service account key type ${privateKey.asymmetricKeyType}`);
  const der = publicKey.export({ type: 'spki', format: 'der' });
  const kid = createHash('sha256').update(der).digest('base64url');
  return { privateKey, publicKey, alg, kid };
}

/**
 * Loads `<tlsDir>/service-account.key`, creating an ECDSA P-256 key (PKCS#8 PEM, mode 0600)
 * when it is missing. Every server of a cluster must share this file: tokens one signs are
 * verified by all.
 *
 * @example
 * const key = await loadOrCreateServiceAccountKey(join(dataDir, 'tls'));
 */
export async function loadOrCreateServiceAccountKey(tlsDir: string): Promise<ServiceAccountKey> {
  const path = join(tlsDir, SERVICE_ACCOUNT_KEY_FILE);
  try {
    return serviceAccountKeyFromPem(await readFile(path, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  await writeFileAtomic(path, pem, { mode: 0o600, dirMode: 0o700 });
  // Read back what is on disk: if another process raced us, its key won and we must use it.
  return serviceAccountKeyFromPem(await readFile(path, 'utf8'));
}
