import https from 'node:https';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../pki/atomic-write.js';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import type { Logger } from '../../util/log.js';
import { caHash, joinPaths, parseJoinToken } from './join-token.js';
import type { NodeCredentials } from './node-credentials.js';

const files: Record<keyof NodeCredentials, string> = {
  caCertPem: 'ca.crt',
  clientCertPem: 'client.crt',
  clientKeyPem: 'client.key',
  servingCertPem: 'serving.crt',
  servingKeyPem: 'serving.key',
};

/**
 * Credentials saved by an earlier join, if they are complete, match and last another 30 days.
 * Checked with node:crypto alone: the agent does not load the PKI library just for this.
 */
async function loadSaved(tlsDir: string, nodeName: string): Promise<NodeCredentials | undefined> {
  try {
    const entries = await Promise.all(Object.entries(files).map(async ([k, f]) => [k, await readFile(join(tlsDir, f), 'utf8')] as const));
    const c = Object.fromEntries(entries) as unknown as NodeCredentials;
    const ca = new X509Certificate(c.caCertPem);
    const client = new X509Certificate(c.clientCertPem);
    const serving = new X509Certificate(c.servingCertPem);
    const fresh = Date.parse(client.validTo) - Date.now() > 30 * 24 * 3600_000;
    const ok =
      client.subject.split('\n').includes(`CN=system:node:${nodeName}`) &&
      fresh &&
      client.checkPrivateKey(createPrivateKey(c.clientKeyPem)) &&
      serving.checkPrivateKey(createPrivateKey(c.servingKeyPem)) &&
      client.verify(ca.publicKey);
    return ok ? c : undefined;
  } catch {
    return undefined;
  }
}

function request(url: string, opts: https.RequestOptions, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, opts, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

export class JoinError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JoinError';
  }
}

/**
 * Gets this node's certificates from the server with the join token, k3s's way: download
 * the CA without trusting it, check it against the hash in the token, then present the
 * token over a verified connection. Saved in `<tlsDir>` (keys 0600) and reused while valid.
 *
 * @example
 * const creds = await joinCluster({ server: 'https://10.0.0.1:6443', token, nodeName: 'worker-1', tlsDir: '/var/lib/k8ts/agent/tls', addresses: ['10.0.0.7'], hostnames: ['worker-1'] });
 */
export async function joinCluster(opts: { server: string; token: string; nodeName: string; tlsDir: string; addresses: string[]; hostnames: string[]; log?: Logger }): Promise<NodeCredentials> {
  const saved = await loadSaved(opts.tlsDir, opts.nodeName);
  if (saved) return saved;
  const token = parseJoinToken(opts.token);
  const ca = await request(new URL(joinPaths.caCerts, opts.server).toString(), { rejectUnauthorized: false });
  if (ca.status !== 200 || !ca.text.includes('BEGIN CERTIFICATE')) throw new JoinError(`${opts.server} did not serve a cluster CA (HTTP ${ca.status})`);
  if (token.caHash && caHash(ca.text) !== token.caHash) throw new JoinError(`the CA served by ${opts.server} does not match the hash in the token`);
  if (!token.caHash) opts.log?.warn('the join token has no CA hash; trusting the CA the server presented');
  const body = JSON.stringify({ token: opts.token, nodeName: opts.nodeName, addresses: opts.addresses, hostnames: opts.hostnames });
  const res = await request(new URL(joinPaths.nodeCredentials, opts.server).toString(), { method: 'POST', ca: ca.text, headers: { 'Content-Type': 'application/json' } }, body);
  if (res.status === 401) throw new JoinError('the server refused the join token');
  if (res.status !== 200) throw new JoinError(`joining failed: HTTP ${res.status}: ${res.text}`);
  const creds = JSON.parse(res.text) as NodeCredentials;
  await mkdir(opts.tlsDir, { recursive: true, mode: 0o700 });
  for (const [k, f] of Object.entries(files)) {
    await writeFileAtomic(join(opts.tlsDir, f), creds[k as keyof NodeCredentials], { mode: f.endsWith('.key') ? 0o600 : 0o644, dirMode: 0o700 });
  }
  return creds;
}
