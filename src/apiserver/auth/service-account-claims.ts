import { randomUUID } from 'node:crypto';
import { serviceAccountUsername } from './service-account-names.js';

/** A `{name, uid}` reference inside the `kubernetes.io` claim. */
export interface ClaimRef {
  name: string;
  uid: string;
}

/** The private claim of a bound service account token. */
export interface KubernetesClaim {
  namespace: string;
  serviceaccount: ClaimRef;
  pod?: ClaimRef;
  secret?: ClaimRef;
  node?: ClaimRef;
}

/** The claims of a Kubernetes bound service account token (times in seconds since the epoch). */
export interface ServiceAccountClaims {
  iss: string;
  sub: string;
  aud: string[];
  exp: number;
  iat: number;
  nbf: number;
  jti: string;
  'kubernetes.io': KubernetesClaim;
}

/** What a token is issued for. */
export interface TokenSubject {
  namespace: string;
  serviceAccount: ClaimRef;
  pod?: ClaimRef;
  secret?: ClaimRef;
  /** The node a bound pod runs on, or the node the token is bound to. */
  node?: ClaimRef;
}

/**
 * Builds the claims kube-apiserver puts in a TokenRequest token.
 *
 * @example
 * boundTokenClaims({ namespace: 'default', serviceAccount: { name: 'default', uid } }, {
 *   issuer: 'https://kubernetes.default.svc.cluster.local', audiences: ['k8ts'], nowMs: Date.now(), expirationSeconds: 3600 });
 */
export function boundTokenClaims(
  subject: TokenSubject,
  opts: { issuer: string; audiences: string[]; nowMs: number; expirationSeconds: number },
): ServiceAccountClaims {
  const now = Math.floor(opts.nowMs / 1000);
  const k8s: KubernetesClaim = { namespace: subject.namespace, serviceaccount: { ...subject.serviceAccount } };
  if (subject.pod) k8s.pod = { ...subject.pod };
  if (subject.secret) k8s.secret = { ...subject.secret };
  if (subject.node) k8s.node = { ...subject.node };
  return {
    aud: [...opts.audiences],
    exp: now + opts.expirationSeconds,
    iat: now,
    iss: opts.issuer,
    jti: randomUUID(),
    'kubernetes.io': k8s,
    nbf: now,
    sub: serviceAccountUsername(subject.namespace, subject.serviceAccount.name),
  };
}

/** Clock skew tolerated on exp/nbf/iat, as go-jose's default leeway. */
export const CLOCK_LEEWAY_SECONDS = 60;

function isRef(v: unknown): v is ClaimRef {
  return !!v && typeof v === 'object' && typeof (v as ClaimRef).name === 'string' && typeof (v as ClaimRef).uid === 'string';
}

/**
 * Checks the shape and time window of verified claims; returns the typed claims or the
 * reason (Kubernetes' wording) they are not acceptable.
 *
 * @example
 * const c = checkClaims(verifyJwt(token, key), Date.now());
 * if (typeof c === 'string') reject(c);
 */
export function checkClaims(raw: Record<string, unknown>, nowMs: number): ServiceAccountClaims | string {
  const k8s = raw['kubernetes.io'] as Partial<KubernetesClaim> | undefined;
  const nums = ['exp', 'iat', 'nbf'].every((k) => raw[k] === undefined || typeof raw[k] === 'number');
  if (!k8s || typeof k8s.namespace !== 'string' || !isRef(k8s.serviceaccount) || typeof raw.sub !== 'string' || !nums) {
    return 'service account token claims could not be validated';
  }
  for (const ref of ['pod', 'secret', 'node'] as const) if (k8s[ref] !== undefined && !isRef(k8s[ref])) return 'service account token claims could not be validated';
  if (raw.sub !== serviceAccountUsername(k8s.namespace, k8s.serviceaccount.name)) return 'service account token claims could not be validated';
  const now = nowMs / 1000;
  if (typeof raw.exp !== 'number') return 'service account token has no expiry';
  if (now - CLOCK_LEEWAY_SECONDS > raw.exp) return 'service account token has expired';
  if (typeof raw.nbf === 'number' && now + CLOCK_LEEWAY_SECONDS < raw.nbf) return 'service account token is not valid yet';
  if (typeof raw.iat === 'number' && now + CLOCK_LEEWAY_SECONDS < raw.iat) return 'service account token is issued in the future';
  const aud = typeof raw.aud === 'string' ? [raw.aud] : Array.isArray(raw.aud) ? raw.aud.filter((a): a is string => typeof a === 'string') : [];
  return { ...(raw as unknown as ServiceAccountClaims), aud };
}

/** The audiences in both lists, in the order the request gave them. */
export function intersectAudiences(requested: readonly string[], token: readonly string[]): string[] {
  return requested.filter((a) => token.includes(a));
}
