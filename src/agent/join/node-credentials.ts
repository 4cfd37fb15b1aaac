import type { ClusterPki } from '../../pki/cluster-pki.js';
import { issueCertificate } from '../../pki/certificates.js';

/** What a node needs: the cluster CA, its client certificate (CN system:node:<name>) and its serving certificate. */
export interface NodeCredentials {
  caCertPem: string;
  clientCertPem: string;
  clientKeyPem: string;
  servingCertPem: string;
  servingKeyPem: string;
}

const days = 365;

/**
 * Issues a node's certificates from the cluster CA: a client certificate for the API server
 * (user `system:node:<name>`, group `system:nodes`, which RBAC binds to the system:node
 * role) and a serving certificate for the agent's own HTTPS server (logs, exec) naming the
 * node's host names and addresses.
 *
 * @example
 * const creds = await issueNodeCredentials(pki, 'worker-1', { ips: ['10.0.0.7'], dnsNames: ['worker-1'] });
 */
export async function issueNodeCredentials(
  pki: Pick<ClusterPki, 'caCertPem' | 'caKeyPem'>,
  nodeName: string,
  names: { ips: string[]; dnsNames: string[] },
  now = new Date(),
): Promise<NodeCredentials> {
  const ca = { certPem: pki.caCertPem, keyPem: pki.caKeyPem };
  const client = await issueCertificate(ca, { subject: { commonName: `system:node:${nodeName}`, organizations: ['system:nodes'] }, usage: 'client', now, days });
  const ips = [...new Set(['127.0.0.1', ...names.ips])];
  const dnsNames = [...new Set(['localhost', nodeName, ...names.dnsNames])];
  const serving = await issueCertificate(ca, { subject: { commonName: nodeName, organizations: ['system:nodes'] }, usage: 'server', ips, dnsNames, now, days });
  return { caCertPem: pki.caCertPem, clientCertPem: client.certPem, clientKeyPem: client.keyPem, servingCertPem: serving.certPem, servingKeyPem: serving.keyPem };
}
