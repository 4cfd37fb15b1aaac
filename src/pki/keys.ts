import { createPrivateKey, createPublicKey, webcrypto } from 'node:crypto';

/** WebCrypto as the X.509 code uses it (Node's own implementation). */
export const webCrypto = webcrypto as unknown as Crypto;

/** A private key ready to sign certificates, with the algorithm that goes with it. */
export interface SigningKey {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** The signature algorithm certificates signed by this key carry. */
  signingAlgorithm: Algorithm | EcdsaParams;
}

/** Same algorithm as k3s: ECDSA P-256 is small, fast, and every TLS client accepts it. */
const LEAF_KEY_ALGORITHM: EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };

/**
 * Generates a fresh ECDSA P-256 key pair (extractable, so it can be written to disk).
 *
 * @example
 * const keys = await generateKeyPair();
 * const pem = await exportPrivateKeyPem(keys.privateKey);
 */
export async function generateKeyPair(): Promise<CryptoKeyPair> {
  return webCrypto.subtle.generateKey(LEAF_KEY_ALGORITHM, true, ['sign', 'verify']);
}

/**
 * PEM-encodes a private key as PKCS#8 (`-----BEGIN PRIVATE KEY-----`), the format both
 * `openssl` and Node's `tls` read without further options.
 *
 * @example
 * await writeFile('admin.key', await exportPrivateKeyPem(keys.privateKey), { mode: 0o600 });
 */
export async function exportPrivateKeyPem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webCrypto.subtle.exportKey('pkcs8', key));
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }).export({ type: 'pkcs8', format: 'pem' }).toString();
}

const EC_CURVES: Record<string, { namedCurve: string; hash: string }> = {
  prime256v1: { namedCurve: 'P-256', hash: 'SHA-256' },
  secp384r1: { namedCurve: 'P-384', hash: 'SHA-384' },
  secp521r1: { namedCurve: 'P-521', hash: 'SHA-512' },
};

/**
 * Reads a PEM private key for signing. Besides our own PKCS#8 ECDSA keys it accepts what
 * users bring when they supply their own CA: SEC1 (`EC PRIVATE KEY`) and RSA keys in
 * PKCS#1 or PKCS#8, because Node's parser normalises them all.
 *
 * @example
 * const ca = await importSigningKeyPem(await readFile('tls/ca.key', 'utf8'));
 * @throws {Error} when the PEM is not a private key, or its type cannot sign certificates.
 */
export async function importSigningKeyPem(pem: string): Promise<SigningKey> {
  const keyObject = createPrivateKey(pem);
  const pkcs8 = keyObject.export({ type: 'pkcs8', format: 'der' });
  const spki = createPublicKey(keyObject).export({ type: 'spki', format: 'der' });
  const type = keyObject.asymmetricKeyType;
  let importParams: EcKeyImportParams | RsaHashedImportParams;
  let signingAlgorithm: Algorithm | EcdsaParams;
  if (type === 'ec') {
    const curve = EC_CURVES[keyObject.asymmetricKeyDetails?.namedCurve ?? ''];
    if (!curve) throw new Error(`unsupported EC curve ${keyObject.asymmetricKeyDetails?.namedCurve}`);
    importParams = { name: 'ECDSA', namedCurve: curve.namedCurve };
    signingAlgorithm = { name: 'ECDSA', hash: curve.hash };
  } else if (type === 'rsa') {
    importParams = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    signingAlgorithm = { name: 'RSASSA-PKCS1-v1_5' };
  } else {
    throw new Error(`unsupported signing key type ${type}`);
  }
  const [privateKey, publicKey] = await Promise.all([
    webCrypto.subtle.importKey('pkcs8', pkcs8, importParams, false, ['sign']),
    webCrypto.subtle.importKey('spki', spki, importParams, true, ['verify']),
  ]);
  return { privateKey, publicKey, signingAlgorithm };
}
