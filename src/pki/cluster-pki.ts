import { chmod, mkdir, readFile } from 'node:fs/promises';
import type { NetworkInterfaceInfo } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';
import {
  createCertificateAuthority,
  inspectCertificate,
  isIssuedBy,
  issueCertificate,
  keyMatchesCertificate,
  type CertificateAndKey,
  type CertificateInfo,
} from './certificates.js';
import { mergeServingNames, missingServingNames, servingNames } from './serving-names.js';

/**
 * File names inside `<dataDir>/tls`. One CA signs the serving cert and every client cert;
 * extended key usage keeps them apart (TLS refuses the serving cert as a client cert).
 * Users sign their own client certificates with the CA files (CN = user, each O = a group):
 *
 * ```sh
 * TLS=/var/lib/k8ts/server/tls   # <dataDir>/tls
 * openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out alice.key
 * openssl req -new -key alice.key -subj "/O=developers/O=ops/CN=alice" -out alice.csr
 * printf 'keyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n' > client.ext
 * openssl x509 -req -in alice.csr -CA "$TLS/ca.crt" -CAkey "$TLS/ca.key" \
 *   -set_serial "0x$(openssl rand -hex 16)" -days 365 -sha256 -extfile client.ext -out alice.crt
 * ```
 * (cluster-pki.test.ts runs exactly these commands.)
 */
export const PKI_FILES = {
  caCert: 'ca.crt',
  caKey: 'ca.key',
  servingCert: 'serving.crt',
  servingKey: 'serving.key',
  adminCert: 'admin.crt',
  adminKey: 'admin.key',
} as const;

/** The parts of the cluster PKI; {@link ClusterPki.issued} lists those a call (re)created. */
export type PkiPart = 'ca' | 'serving' | 'admin';

/** Options for {@link ensureClusterPki}. */
export interface ClusterPkiOptions {
  /** k3s's `--data-dir`; the PKI lives in `<dataDir>/tls`. */
  dataDir: string;
  /** Extra serving-cert names, like k3s's `--tls-san` (an IP given here counts as an IP). */
  serverHostnames?: readonly string[];
  serverIPs?: readonly string[];
  /** `--service-cidr`; the first address of each is named in the serving cert. Default k3s's `10.43.0.0/16`. */
  serviceCIDRs?: readonly string[];
  /** Injected clock (issue times, expiry checks). Default `() => new Date()`. */
  now?: () => Date;
  /** Injected host facts, for tests; default the real `os.hostname()` / `os.networkInterfaces()`. */
  hostname?: string;
  interfaces?: NodeJS.Dict<NetworkInterfaceInfo[]>;
}

/** The cluster's CA and the certificates `k8ts server` needs, all PEM. */
export interface ClusterPki {
  tlsDir: string;
  caCertPem: string;
  caKeyPem: string;
  servingCertPem: string;
  servingKeyPem: string;
  adminCertPem: string;
  adminKeyPem: string;
  /** What this call created or replaced; empty when every file on disk was reused. */
  issued: PkiPart[];
}

/** The PKI on disk is in a state k8ts must not paper over (it would strand issued certs). */
export class PkiError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PkiError';
  }
}

const DEFAULT_SERVICE_CIDRS = ['10.43.0.0/16'];
const CA_DAYS = 3650;
const LEAF_DAYS = 365;
/** Like k3s: a leaf certificate this close to expiry is renewed at start-up. */
const RENEW_BEFORE_MS = 90 * 24 * 60 * 60 * 1000;
const ADMIN_SUBJECT = { commonName: 'admin', organizations: ['system:masters'] };

/**
 * Makes sure `<dataDir>/tls` holds a cluster CA, an apiserver serving certificate and an
 * admin client certificate, creating what is missing. Files that are still good are reused
 * byte for byte, so restarts keep every kubeconfig and user-signed certificate valid. A leaf
 * is reissued (the CA never is) when it is missing, does not match its key, was not signed
 * by the CA, expires within 90 days or is not valid yet, or — for the serving cert — lacks a name it now needs
 * (say, a new host IP); the new serving cert keeps the old names as well, so an address that
 * comes and goes does not cause a reissue on every start.
 *
 * @example
 * const pki = await ensureClusterPki({ dataDir: '/var/lib/k8ts/server', serverHostnames: ['k8ts.example.com'] });
 * https.createServer({ key: pki.servingKeyPem, cert: pki.servingCertPem, ca: pki.caCertPem, requestCert: true });
 * @throws {PkiError} when the CA certificate is present without its key, or they do not match.
 */
export async function ensureClusterPki(opts: ClusterPkiOptions): Promise<ClusterPki> {
  const now = opts.now ?? (() => new Date());
  const tlsDir = join(opts.dataDir, 'tls');
  await mkdir(tlsDir, { recursive: true, mode: 0o700 });
  // mkdir leaves an existing directory's mode alone; private keys live here, so insist.
  await chmod(tlsDir, 0o700);
  const issued: PkiPart[] = [];

  let ca = await loadCa(tlsDir);
  if (!ca) {
    const issuedAt = now();
    const commonName = `k8ts-ca@${Math.floor(issuedAt.getTime() / 1000)}`;
    ca = await createCertificateAuthority({ commonName, now: issuedAt, days: CA_DAYS });
    await savePair(tlsDir, PKI_FILES.caCert, PKI_FILES.caKey, ca);
    issued.push('ca');
  }

  const required = servingNames({
    serviceCIDRs: opts.serviceCIDRs ?? DEFAULT_SERVICE_CIDRS,
    extraHostnames: opts.serverHostnames,
    extraIPs: opts.serverIPs,
    hostname: opts.hostname,
    interfaces: opts.interfaces,
  });
  const serving = await ensureLeaf(tlsDir, PKI_FILES.servingCert, PKI_FILES.servingKey, ca, {
    stillGood: (info) => !needsRenewal(info, now()) && isEmpty(missingServingNames(required, info)),
    issue: (old) =>
      issueCertificate(ca, {
        subject: { commonName: 'k8ts', organizations: ['k8ts'] },
        usage: 'server',
        ...(old ? mergeServingNames(required, old) : required),
        now: now(),
        days: LEAF_DAYS,
      }),
  });
  if (serving.reissued) issued.push('serving');

  const admin = await ensureLeaf(tlsDir, PKI_FILES.adminCert, PKI_FILES.adminKey, ca, {
    stillGood: (info) => !needsRenewal(info, now()) && isAdmin(info),
    issue: () => issueCertificate(ca, { subject: ADMIN_SUBJECT, usage: 'client', now: now(), days: LEAF_DAYS }),
  });
  if (admin.reissued) issued.push('admin');

  return {
    tlsDir,
    caCertPem: ca.certPem,
    caKeyPem: ca.keyPem,
    servingCertPem: serving.pair.certPem,
    servingKeyPem: serving.pair.keyPem,
    adminCertPem: admin.pair.certPem,
    adminKeyPem: admin.pair.keyPem,
    issued,
  };
}

/**
 * Issues a client certificate signed by the cluster CA, e.g. a node's credentials
 * (`system:node:<name>` in `system:nodes`). Kubernetes takes the user from CN and the groups
 * from O.
 *
 * @example
 * const { certPem, keyPem } = await signClientCertificate(pki, {
 *   commonName: 'system:node:worker-1', organizations: ['system:nodes'], days: 365,
 * });
 */
export async function signClientCertificate(
  pki: Pick<ClusterPki, 'caCertPem' | 'caKeyPem'>,
  opts: { commonName: string; organizations?: readonly string[]; days?: number; now?: Date },
): Promise<{ certPem: string; keyPem: string }> {
  return issueCertificate(
    { certPem: pki.caCertPem, keyPem: pki.caKeyPem },
    {
      subject: { commonName: opts.commonName, organizations: opts.organizations ?? [] },
      usage: 'client',
      now: opts.now ?? new Date(),
      days: opts.days ?? LEAF_DAYS,
    },
  );
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

async function loadCa(tlsDir: string): Promise<CertificateAndKey | undefined> {
  const certPath = join(tlsDir, PKI_FILES.caCert);
  const [certPem, keyPem] = await Promise.all([readOptional(certPath), readOptional(join(tlsDir, PKI_FILES.caKey))]);
  // The key is written before the certificate, so a key alone is a first start that crashed.
  if (certPem === undefined) return undefined;
  if (keyPem === undefined) {
    throw new PkiError(`${certPath} exists but ${PKI_FILES.caKey} does not; restore the CA key or remove both to create a new CA`);
  }
  let matches: boolean;
  let isCA: boolean;
  try {
    matches = keyMatchesCertificate(keyPem, certPem);
    isCA = inspectCertificate(certPem).isCA;
  } catch (cause) {
    throw new PkiError(`cannot read the cluster CA in ${tlsDir}`, { cause });
  }
  if (!matches) throw new PkiError(`${PKI_FILES.caKey} is not the key of ${certPath}`);
  if (!isCA) throw new PkiError(`${certPath} is not a CA certificate (basicConstraints CA:TRUE missing)`);
  return { certPem, keyPem };
}

/**
 * Reuses a leaf pair that is present, parses, matches its key, chains to the CA and passes
 * `stillGood`; otherwise issues a new one (handing over the old certificate's details, if it
 * parsed) and saves it. A corrupt leaf is simply replaced: only the CA is worth stopping for.
 */
async function ensureLeaf(
  tlsDir: string,
  certFile: string,
  keyFile: string,
  ca: CertificateAndKey,
  policy: { stillGood: (info: CertificateInfo) => boolean; issue: (old: CertificateInfo | undefined) => Promise<CertificateAndKey> },
): Promise<{ pair: CertificateAndKey; reissued: boolean }> {
  const [certPem, keyPem] = await Promise.all([readOptional(join(tlsDir, certFile)), readOptional(join(tlsDir, keyFile))]);
  let old: CertificateInfo | undefined;
  if (certPem !== undefined) {
    try {
      old = inspectCertificate(certPem);
      const usable = keyPem !== undefined && keyMatchesCertificate(keyPem, certPem) && isIssuedBy(certPem, ca.certPem);
      if (usable && policy.stillGood(old)) return { pair: { certPem, keyPem }, reissued: false };
    } catch {
      // Unparsable: fall through and replace it.
    }
  }
  const pair = await policy.issue(old);
  await savePair(tlsDir, certFile, keyFile, pair);
  return { pair, reissued: true };
}

/** Key first: a crash in between leaves a mismatched pair, which the next start replaces. */
async function savePair(tlsDir: string, certFile: string, keyFile: string, pair: CertificateAndKey): Promise<void> {
  await writeFileAtomic(join(tlsDir, keyFile), pair.keyPem, { mode: 0o600, dirMode: 0o700 });
  await writeFileAtomic(join(tlsDir, certFile), pair.certPem, { mode: 0o644, dirMode: 0o700 });
}

/**
 * Expiring soon, or not valid yet: the latter happens when the first start ran with a wrong
 * clock (a board without an RTC), and such a certificate is refused by every client.
 */
function needsRenewal(info: CertificateInfo, now: Date): boolean {
  return info.notBefore.getTime() > now.getTime() || info.notAfter.getTime() - now.getTime() < RENEW_BEFORE_MS;
}

function isAdmin(info: CertificateInfo): boolean {
  return info.commonName === ADMIN_SUBJECT.commonName && info.organizations.includes('system:masters');
}

function isEmpty(names: { dnsNames: string[]; ips: string[] }): boolean {
  return names.dnsNames.length === 0 && names.ips.length === 0;
}
