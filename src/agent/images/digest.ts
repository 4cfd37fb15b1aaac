/**
 * Content digests (`sha256:<64 hex>`): validation with go-digest's wording and hashing.
 */
import { createHash, type Hash } from 'node:crypto';

const encodedLength: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };
const digestShape = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/**
 * Returns go-digest's complaint about a digest string, or undefined when it is valid.
 *
 * @example
 * validateDigest('sha256:abc') // 'invalid checksum digest length'
 */
export function validateDigest(digest: string): string | undefined {
  const i = digest.indexOf(':');
  if (i <= 0 || i + 1 === digest.length) return 'invalid checksum digest format';
  const algorithm = digest.slice(0, i);
  const encoded = digest.slice(i + 1);
  const length = encodedLength[algorithm];
  if (length === undefined) return digestShape.test(digest) ? 'unsupported digest algorithm' : 'invalid checksum digest format';
  if (encoded.length !== length) return 'invalid checksum digest length';
  if (!/^[a-f0-9]+$/.test(encoded)) return 'invalid checksum digest format';
  return undefined;
}

/** Throws unless `digest` is a valid digest; returns its algorithm and hex part. */
export function splitDigest(digest: string): { algorithm: string; hex: string } {
  const problem = validateDigest(digest);
  if (problem) throw new Error(`${problem}: ${JSON.stringify(digest)}`);
  const i = digest.indexOf(':');
  return { algorithm: digest.slice(0, i), hex: digest.slice(i + 1) };
}

/** A running hash for `digest`'s algorithm. */
export function hasherFor(digest: string): Hash {
  return createHash(splitDigest(digest).algorithm);
}

/** `sha256:<hex>` of a buffer. */
export function sha256Digest(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** The digest of `data` computed with `expected`'s algorithm. */
export function digestOf(data: Buffer, expected: string): string {
  const { algorithm } = splitDigest(expected);
  return `${algorithm}:${createHash(algorithm).update(data).digest('hex')}`;
}

/** The first `n` hex digits: 12 as `docker` abbreviates IDs, 13 as `crictl images` does. */
export function shortDigest(digest: string, n = 12): string {
  const i = digest.indexOf(':');
  return digest.slice(i + 1, i + 1 + n);
}
