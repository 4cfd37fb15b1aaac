import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { randomBytes } from 'node:crypto';
import { exportPrivateKeyPem, generateKeyPair, webCrypto } from '../../pki/keys.js';
import type { CertificateAndKey } from '../../pki/certificates.js';

x509.cryptoProvider.set(webCrypto);

/**
 * A self-signed certificate for TLS hosts without a usable Secret, named like
 * ingress-nginx's ("Kubernetes Ingress Controller Fake Certificate", SAN ingress.local),
 * so clients see the same thing they would see there.
 */
export async function fakeCertificate(now = new Date()): Promise<CertificateAndKey> {
  const keys = await generateKeyPair();
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x01;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial.toString('hex'),
    name: [{ O: ['Acme Co'] }, { CN: ['Kubernetes Ingress Controller Fake Certificate'] }],
    notBefore: new Date(now.getTime() - 5 * 60_000),
    notAfter: new Date(now.getTime() + 365 * 24 * 3600_000),
    keys,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } as EcdsaParams,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'ingress.local' }]),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await exportPrivateKeyPem(keys.privateKey) };
}
