// @peculiar/x509 uses tsyringe, which needs the Reflect metadata API loaded first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { X509Certificate as NodeX509Certificate, createPrivateKey, randomBytes } from 'node:crypto';
import { canonicalIP } from './ip-address.js';
import { exportPrivateKeyPem, generateKeyPair, importSigningKeyPem, webCrypto } from './keys.js';

x509.cryptoProvider.set(webCrypto);

/** A certificate and its private key, both PEM. */
export interface CertificateAndKey {
  certPem: string;
  keyPem: string;
}

/** Who a certificate names. Kubernetes reads a client's user from CN and groups from O. */
export interface Subject {
  commonName: string;
  organizations?: readonly string[];
}

/** What a leaf certificate may be used for (its extended key usage). */
export type LeafUsage = 'server' | 'client';

/** Options for {@link issueCertificate}. */
export interface IssueOptions {
  subject: Subject;
  usage: LeafUsage;
  /** Subject alternative names; only meaningful for `server` certificates. */
  dnsNames?: readonly string[];
  ips?: readonly string[];
  /** Issue time; validity starts a little before it (see {@link CLOCK_SKEW_MS}). */
  now: Date;
  days: number;
}

/** What {@link inspectCertificate} reads back from a certificate. */
export interface CertificateInfo {
  commonName: string | undefined;
  organizations: string[];
  dnsNames: string[];
  /** Canonical spelling (see `canonicalIP`), so callers can compare with `===`. */
  ips: string[];
  notBefore: Date;
  notAfter: Date;
  isCA: boolean;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/**
 * Validity starts this much before issue time so that a peer whose clock runs a little
 * behind ours (another node, a laptop running kubectl) does not reject a brand-new cert.
 */
export const CLOCK_SKEW_MS = 5 * 60 * 1000;

/**
 * A positive 127-bit random serial. RFC 5280 wants serials unique per CA; randomness gives
 * that without keeping a counter file, and users signing with `openssl x509 -CA` without a
 * serial file get random serials too.
 */
function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x01;
  return bytes.toString('hex');
}

/** Go's order (pkix.Name): organizations before the common name. */
function toName(subject: Subject): x509.JsonName {
  return [...(subject.organizations ?? []).map((o) => ({ O: [o] })), { CN: [subject.commonName] }];
}

function validity(now: Date, days: number): { notBefore: Date; notAfter: Date } {
  return { notBefore: new Date(now.getTime() - CLOCK_SKEW_MS), notAfter: new Date(now.getTime() + days * DAY_MS) };
}

/**
 * Creates a self-signed certificate authority with a new ECDSA P-256 key.
 *
 * @example
 * const ca = await createCertificateAuthority({ commonName: `k8ts-ca@${unix}`, now: new Date(), days: 3650 });
 * await writeFile('ca.crt', ca.certPem);
 */
export async function createCertificateAuthority(opts: { commonName: string; now: Date; days: number }): Promise<CertificateAndKey> {
  const keys = await generateKeyPair();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: toName({ commonName: opts.commonName }),
    ...validity(opts.now, opts.days),
    keys,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } as EcdsaParams,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: pem(cert), keyPem: await exportPrivateKeyPem(keys.privateKey) };
}

/**
 * Issues a leaf certificate with a new ECDSA P-256 key, signed by `ca` (whose key may be
 * ECDSA or RSA, so a user-supplied CA works too).
 *
 * @example
 * const admin = await issueCertificate(ca, {
 *   subject: { commonName: 'admin', organizations: ['system:masters'] },
 *   usage: 'client', now: new Date(), days: 365,
 * });
 */
export async function issueCertificate(ca: CertificateAndKey, opts: IssueOptions): Promise<CertificateAndKey> {
  const caCert = new x509.X509Certificate(ca.certPem);
  const signer = await importSigningKeyPem(ca.keyPem);
  const keys = await generateKeyPair();
  // Point at the CA's own key id when it has one, so chain building matches it exactly.
  const caKeyId = caCert.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  const authorityKeyId = caKeyId
    ? new x509.AuthorityKeyIdentifierExtension(caKeyId)
    : await x509.AuthorityKeyIdentifierExtension.create(signer.publicKey);
  const names = [
    ...(opts.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(opts.ips ?? []).map((value) => ({ type: 'ip' as const, value: canonicalIP(value) })),
  ];
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension([opts.usage === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth]),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    authorityKeyId,
  ];
  if (names.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(names));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: toName(opts.subject),
    // The CA's subject as parsed, not re-spelled: Go (kubectl) matches issuer to subject byte for byte.
    issuer: caCert.subjectName,
    ...validity(opts.now, opts.days),
    publicKey: keys.publicKey,
    signingKey: signer.privateKey,
    signingAlgorithm: signer.signingAlgorithm,
    extensions,
  });
  return { certPem: pem(cert), keyPem: await exportPrivateKeyPem(keys.privateKey) };
}

function pem(cert: x509.X509Certificate): string {
  // One trailing newline, like openssl writes, so files concatenate into bundles cleanly.
  return `${cert.toString('pem').replace(/\r\n/g, '\n').trimEnd()}\n`;
}

/**
 * Reads the parts of a certificate the PKI checks on restart.
 *
 * @example
 * inspectCertificate(servingPem).ips.includes('10.43.0.1');
 */
export function inspectCertificate(certPem: string): CertificateInfo {
  const cert = new x509.X509Certificate(certPem);
  const sans = cert.getExtension(x509.SubjectAlternativeNameExtension)?.names.items ?? [];
  return {
    commonName: cert.subjectName.getField('CN')[0],
    organizations: cert.subjectName.getField('O'),
    dnsNames: sans.filter((n) => n.type === 'dns').map((n) => n.value),
    ips: sans.filter((n) => n.type === 'ip').map((n) => canonicalIP(n.value)),
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    isCA: cert.getExtension(x509.BasicConstraintsExtension)?.ca ?? false,
  };
}

/**
 * Whether `certPem` names `caCertPem` as issuer and carries a valid signature from its key.
 * Dates are not checked here: callers decide what "about to expire" means.
 *
 * @example
 * if (!isIssuedBy(servingPem, caPem)) await reissue();
 */
export function isIssuedBy(certPem: string, caCertPem: string): boolean {
  const cert = new NodeX509Certificate(certPem);
  const ca = new NodeX509Certificate(caCertPem);
  return cert.checkIssued(ca) && cert.verify(ca.publicKey);
}

/**
 * Whether `keyPem` is the private key of `certPem`: a crash between writing a key and its
 * certificate, or a hand-edited file, must not leave a pair TLS would refuse.
 *
 * @example
 * keyMatchesCertificate(adminKeyPem, adminCertPem); // true
 */
export function keyMatchesCertificate(keyPem: string, certPem: string): boolean {
  return new NodeX509Certificate(certPem).checkPrivateKey(createPrivateKey(keyPem));
}
