import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../pki/atomic-write.js';

/** Where agents fetch the cluster CA (anonymous) and trade the join token for node certificates. */
export const joinPaths = { caCerts: '/k8ts/v1/cacerts', nodeCredentials: '/k8ts/v1/node-credentials' } as const;

/**
 * Join tokens in k3s's format: `K10<sha256 of the CA certificate>::server:<secret>`. The
 * hash lets a joining agent check the CA it downloads before trusting it; a bare secret
 * works too (the CA is then trusted on first use).
 */
export interface JoinToken {
  caHash?: string;
  secret: string;
}

export function caHash(caPem: string): string {
  return createHash('sha256').update(caPem).digest('hex');
}

export function formatJoinToken(caPem: string, secret: string): string {
  return `K10${caHash(caPem)}::server:${secret}`;
}

/**
 * Parses a full (`K10…::server:…`) or bare token.
 *
 * @example
 * parseJoinToken('K10ab12…::server:s3cret'); // { caHash: 'ab12…', secret: 's3cret' }
 */
export function parseJoinToken(token: string): JoinToken {
  const m = /^K10([0-9a-f]{64})::[^:]+:(.+)$/.exec(token.trim());
  if (m) return { caHash: m[1], secret: m[2]! };
  return { secret: token.trim() };
}

/** Whether a presented token carries the server's secret (compared in constant time). */
export function tokenMatches(presented: string, secret: string): boolean {
  const got = Buffer.from(parseJoinToken(presented).secret);
  const want = Buffer.from(secret);
  return got.length === want.length && timingSafeEqual(got, want);
}

/**
 * The server's join token: the one given with `--token`, else the one stored at
 * `<dataDir>/token`, else a new random one; always written back to `<dataDir>/token`
 * (mode 0600) in full form, as k3s does.
 */
export async function ensureServerToken(dataDir: string, caPem: string, given?: string): Promise<{ token: string; secret: string; path: string }> {
  const path = join(dataDir, 'token');
  let secret = given ? parseJoinToken(given).secret : undefined;
  if (!secret) {
    try {
      secret = parseJoinToken(await readFile(path, 'utf8')).secret;
    } catch {
      secret = randomBytes(16).toString('hex');
    }
  }
  const token = formatJoinToken(caPem, secret);
  await writeFileAtomic(path, `${token}\n`, { mode: 0o600, dirMode: 0o700 });
  await chmod(path, 0o600);
  return { token, secret, path };
}
