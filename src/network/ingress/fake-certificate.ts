import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { randomBytes } from 'node:crypto';
import { exportPrivateKeyPem, webCrypto } from '../../pki/keys.js';
import type { CertificateAndKey } from '../../pki/certificates.js';

x509.cryptoProvider.set(webCrypto);

const rsa = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) };

/**
 * A self-signed certificate for TLS hosts without a usable Secret, named like
 * ingress-nginx's ("Kubernetes Ingress Controller Fake Certificate", SAN ingress.local,
 * RSA 2048), so clients see the same thing they would see there. RSA also matters for SNI:
 * OpenSSL keeps the listener's default certificate in its key-type slot when SNI switches
 * context, so an ECDSA default would shadow users' RSA certificates.
 */
export async function fakeCertificate(now = new Date()): Promise<CertificateAndKey> {
  const keys = (await webCrypto.subtle.generateKey(rsa, true, ['sign', 'verify'])) as CryptoKeyPair;
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x01;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial.toString('hex'),
    name: [{ O: ['Acme Co'] }, { CN: ['Kubernetes Ingress Controller Fake Certificate'] }],
    notBefore: new Date(now.getTime() - 5 * 60_000),
    notAfter: new Date(now.getTime() + 365 * 24 * 3600_000),
    keys,
    signingAlgorithm: rsa,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'ingress.local' }]),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await exportPrivateKeyPem(keys.privateKey) };
}
