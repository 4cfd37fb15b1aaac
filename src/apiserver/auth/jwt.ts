import { sign, verify } from 'node:crypto';
import type { JwtAlgorithm, ServiceAccountKey } from './service-account-key.js';

/** Why a compact JWS was rejected. */
export class JwtError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'JwtError';
  }
}

const hashes: Record<JwtAlgorithm, string> = { ES256: 'sha256', ES384: 'sha384', ES512: 'sha512', RS256: 'sha256' };

function encodeSegment(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decodeSegment(segment: string, what: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not a JSON object');
    return value as Record<string, unknown>;
  } catch (err) {
    throw new JwtError(`malformed JWT ${what}`, { cause: err });
  }
}

/** ECDSA signatures in JWS are the raw r‖s pair (IEEE P1363), not DER. */
function signOptions(key: ServiceAccountKey['privateKey'] | ServiceAccountKey['publicKey'], alg: JwtAlgorithm) {
  return alg.startsWith('ES') ? { key, dsaEncoding: 'ieee-p1363' as const } : key;
}

/**
 * Signs claims as a compact JWS with header `{"alg":…,"kid":…}`.
 *
 * @example
 * const token = signJwt({ iss: 'https://kubernetes.default.svc.cluster.local', sub: 'system:serviceaccount:default:default' }, key);
 */
export function signJwt(claims: Record<string, unknown>, key: ServiceAccountKey): string {
  const input = `${encodeSegment({ alg: key.alg, kid: key.kid })}.${encodeSegment(claims)}`;
  const signature = sign(hashes[key.alg], Buffer.from(input), signOptions(key.privateKey, key.alg));
  return `${input}.${signature.toString('base64url')}`;
}

/**
 * Reads a JWT's claims without checking anything, to see whose token it is (its issuer).
 * Undefined when the string is not shaped like a JWT.
 *
 * @example
 * peekJwtClaims(token)?.iss; // 'https://kubernetes.default.svc.cluster.local'
 */
export function peekJwtClaims(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    return decodeSegment(parts[1]!, 'claims');
  } catch {
    return undefined;
  }
}

/**
 * Checks a compact JWS against the key and returns its claims. The header must name the
 * key's own algorithm: accepting whatever `alg` a token claims is how `none` and HMAC
 * key-confusion forgeries get in.
 *
 * @example
 * const claims = verifyJwt(token, key); // throws JwtError on a bad signature
 * @throws {JwtError} when malformed, signed with another algorithm or key, or tampered with.
 */
export function verifyJwt(token: string, key: ServiceAccountKey): Record<string, unknown> {
  const parts = token.split('.');
  if (parts.length !== 3) throw new JwtError('malformed JWT: expected three segments');
  const [h, c, s] = parts as [string, string, string];
  const header = decodeSegment(h, 'header');
  if (header.alg !== key.alg) throw new JwtError(`unexpected JWT algorithm ${JSON.stringify(header.alg)}`);
  if (header.kid !== undefined && header.kid !== key.kid) throw new JwtError('JWT signed by an unknown key');
  const ok = verify(hashes[key.alg], Buffer.from(`${h}.${c}`), signOptions(key.publicKey, key.alg), Buffer.from(s, 'base64url'));
  if (!ok) throw new JwtError('invalid JWT signature');
  return decodeSegment(c, 'claims');
}
