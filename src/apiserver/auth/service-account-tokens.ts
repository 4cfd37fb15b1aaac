import type { KubeObject } from '../../api/types.js';
import { type Clock, rfc3339, systemClock } from '../../util/clock.js';
import { ApiError } from '../errors.js';
import type { ResourceCatalog } from '../registry/catalog.js';
import type { TokenAuthenticator } from '../server.js';
import { JwtError, peekJwtClaims, signJwt, verifyJwt } from './jwt.js';
import { boundTokenClaims, checkClaims, type ClaimRef, intersectAudiences, type ServiceAccountClaims, type TokenSubject } from './service-account-claims.js';
import type { ServiceAccountKey } from './service-account-key.js';
import { serviceAccountUser } from './service-account-names.js';
import type { TokenReviewer, TokenReviewResult } from './token-review.js';

export { loadOrCreateServiceAccountKey, serviceAccountKeyFromPem, SERVICE_ACCOUNT_KEY_FILE, type ServiceAccountKey } from './service-account-key.js';

/** The issuer kube-apiserver's docs and k3s use for in-cluster tokens. */
export const DEFAULT_ISSUER = 'https://kubernetes.default.svc.cluster.local';
/** What the API server accepts (`--api-audiences`) and what a TokenRequest gets by default. */
export const DEFAULT_API_AUDIENCES = [DEFAULT_ISSUER, 'k8ts'];

/** How many verified tokens to remember (oldest forgotten first). */
const VERIFIED_CACHE_SIZE = 4096;

export interface ServiceAccountTokensOptions {
  key: ServiceAccountKey;
  clock?: Clock;
  issuer?: string;
  audiences?: string[];
  /** Where service accounts, pods, secrets and nodes are looked up; or call attach() later. */
  catalog?: ResourceCatalog;
}

/** A token and when it stops working. */
export interface IssuedToken {
  token: string;
  /** RFC 3339, as TokenRequest status.expirationTimestamp. */
  expirationTimestamp: string;
  claims: ServiceAccountClaims;
}

/** Reads one object, or undefined when it (or its kind) does not exist. */
async function lookup(catalog: ResourceCatalog | undefined, plural: string, ns: string | undefined, name: string): Promise<KubeObject | undefined> {
  const store = catalog?.lookup('', 'v1', plural);
  if (!store) return undefined;
  try {
    return await store.get(ns, name);
  } catch (err) {
    if (err instanceof ApiError && err.code === 404) return undefined;
    throw err;
  }
}

/** Why a bound object no longer backs the token, in Kubernetes' wording; undefined when it does. */
function staleRef(kind: string, ns: string | undefined, ref: ClaimRef, obj: KubeObject | undefined): string | undefined {
  const what = ns ? `${ns}/${ref.name}` : ref.name;
  if (!obj) return `${kind.toLowerCase()} "${ref.name}" not found`;
  if (obj.metadata.deletionTimestamp) return `${kind.toLowerCase()} ${what} has been deleted`;
  if (obj.metadata.uid !== ref.uid) return `${kind} UID (${obj.metadata.uid}) does not match claim (${ref.uid})`;
  return undefined;
}

/**
 * Issues and checks bound service account tokens: ES256/RS256 JWTs with the claims
 * kube-apiserver uses, valid while their service account (and bound pod, secret or node)
 * still exists with the same uid.
 *
 * @example
 * const tokens = new ServiceAccountTokens({ key: await loadOrCreateServiceAccountKey(tlsDir) });
 * tokens.attach(catalog);
 * const { token } = tokens.issue({ namespace: 'default', serviceAccount: { name: 'default', uid } }, 3600);
 * const user = await tokens.authenticate(token); // system:serviceaccount:default:default
 */
export class ServiceAccountTokens implements TokenReviewer {
  readonly issuer: string;
  readonly audiences: readonly string[];
  private readonly clock: Clock;
  private catalog: ResourceCatalog | undefined;
  /**
   * Claims of tokens whose signature already verified. A client sends the same token on
   * every request and an ECDSA verify costs more than the rest of authentication; expiry,
   * audience and the backing objects are still checked each time.
   */
  private readonly verified = new Map<string, Record<string, unknown>>();

  constructor(private readonly opts: ServiceAccountTokensOptions) {
    this.issuer = opts.issuer ?? DEFAULT_ISSUER;
    this.audiences = opts.audiences ?? DEFAULT_API_AUDIENCES;
    this.clock = opts.clock ?? systemClock;
    this.catalog = opts.catalog;
  }

  get key(): ServiceAccountKey {
    return this.opts.key;
  }

  attach(catalog: ResourceCatalog): void {
    this.catalog = catalog;
  }

  /** Signs a token for `subject`; audiences default to the API server's. */
  issue(subject: TokenSubject, expirationSeconds: number, audiences: readonly string[] = this.audiences): IssuedToken {
    const claims = boundTokenClaims(subject, { issuer: this.issuer, audiences: [...audiences], nowMs: this.clock.now(), expirationSeconds });
    const token = signJwt(claims as unknown as Record<string, unknown>, this.opts.key);
    return { token, expirationTimestamp: rfc3339(claims.exp * 1000), claims };
  }

  /**
   * TokenReview semantics: a token from another issuer is not ours (no error); one of ours
   * must verify, be in its time window, share an audience with `audiences` (default: the API
   * server's) and still be backed by the objects it names.
   */
  async review(token: string, audiences: readonly string[] = this.audiences): Promise<TokenReviewResult> {
    const peek = peekJwtClaims(token);
    if (!peek || peek.iss !== this.issuer) return { authenticated: false };
    let claims: ServiceAccountClaims;
    try {
      const checked = checkClaims(this.verifiedClaims(token), this.clock.now());
      if (typeof checked === 'string') return invalid(checked);
      claims = checked;
    } catch (err) {
      if (err instanceof JwtError) return invalid(err.message);
      throw err;
    }
    const matched = intersectAudiences(audiences, claims.aud);
    if (matched.length === 0) {
      return invalid(`token audiences ${JSON.stringify(claims.aud)} is invalid for the target audiences ${JSON.stringify(audiences)}`);
    }
    const k8s = claims['kubernetes.io'];
    const ns = k8s.namespace;
    const checks: [string, string, string | undefined, ClaimRef | undefined][] = [
      ['ServiceAccount', 'serviceaccounts', ns, k8s.serviceaccount],
      ['Pod', 'pods', ns, k8s.pod],
      ['Secret', 'secrets', ns, k8s.secret],
      // A pod-bound token names its pod's node for information only; a node-bound one depends on it.
      ['Node', 'nodes', undefined, k8s.pod ? undefined : k8s.node],
    ];
    for (const [kind, plural, objNs, ref] of checks) {
      if (!ref) continue;
      const why = staleRef(kind, objNs, ref, await lookup(this.catalog, plural, objNs, ref.name));
      if (why) return invalid(why);
    }
    const extra: Record<string, string[]> = { 'authentication.kubernetes.io/credential-id': [`JTI=${claims.jti}`] };
    if (k8s.pod) {
      extra['authentication.kubernetes.io/pod-name'] = [k8s.pod.name];
      extra['authentication.kubernetes.io/pod-uid'] = [k8s.pod.uid];
    }
    if (k8s.node) {
      extra['authentication.kubernetes.io/node-name'] = [k8s.node.name];
      extra['authentication.kubernetes.io/node-uid'] = [k8s.node.uid];
    }
    const user = serviceAccountUser(ns, k8s.serviceaccount.name, k8s.serviceaccount.uid, extra);
    return { authenticated: true, user, audiences: matched };
  }

  private verifiedClaims(token: string): Record<string, unknown> {
    let claims = this.verified.get(token);
    if (!claims) {
      claims = verifyJwt(token, this.opts.key);
      if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(token, claims);
    }
    return claims;
  }

  /** The server's bearer-token hook: the user for a valid token of ours, else undefined. */
  readonly authenticate: TokenAuthenticator = async (token) => {
    const r = await this.review(token);
    return r.authenticated ? r.user : undefined;
  };

  /** The public key as a JWK Set, for `/openid/v1/jwks`. */
  jwks(): { keys: Record<string, unknown>[] } {
    const jwk = this.opts.key.publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
    return { keys: [{ use: 'sig', ...jwk, kid: this.opts.key.kid, alg: this.opts.key.alg }] };
  }

  /** The OIDC discovery document, for `/.well-known/openid-configuration`. */
  openIdConfiguration(jwksUri = `${this.issuer}/openid/v1/jwks`): Record<string, unknown> {
    return {
      issuer: this.issuer,
      jwks_uri: jwksUri,
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: [this.opts.key.alg],
    };
  }
}

function invalid(reason: string): TokenReviewResult {
  return { authenticated: false, error: `[invalid bearer token, ${reason}]` };
}
