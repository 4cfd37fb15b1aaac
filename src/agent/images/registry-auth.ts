/**
 * Authorization for one registry endpoint: learns the challenge (from the `/v2/` ping or a
 * 401), then answers with Basic credentials or a Bearer token from the challenge's realm
 * (Docker's token flow: anonymous, with Basic credentials, or an OAuth2 refresh token).
 * Tokens are cached per scope until they expire.
 */
import { STATUS_CODES } from 'node:http';
import type { RegistryAuth } from './image-service.js';
import type { Challenge } from './auth-challenge.js';
import { httpRequest, readBody, type TlsSettings } from './http-client.js';

/** The token endpoint refused or failed; carries its status and body text. */
export class TokenError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'TokenError';
  }
}

interface CachedToken {
  value: string;
  expiresAt: number;
}

export class RegistryAuthorizer {
  private challenge: Challenge | undefined;
  private readonly tokens = new Map<string, CachedToken>();

  constructor(
    private readonly credentials: RegistryAuth | undefined,
    private readonly tls?: TlsSettings,
    private readonly now: () => number = Date.now,
  ) {}

  /** Remembers the strongest challenge offered (Bearer over Basic); returns whether one was usable. */
  setChallenges(challenges: Challenge[]): boolean {
    const pick = challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'basic');
    if (pick) this.challenge = pick;
    return pick !== undefined;
  }

  get scheme(): string | undefined {
    return this.challenge?.scheme;
  }

  /** Forgets cached tokens (after the registry rejected one). */
  invalidate(): void {
    this.tokens.clear();
  }

  /**
   * The `Authorization` header for a request needing `scope` (`repository:library/busybox:pull`),
   * or undefined when the registry asked for nothing.
   */
  async header(scope: string): Promise<string | undefined> {
    const c = this.challenge;
    if (!c) return undefined;
    if (c.scheme === 'basic') {
      const { username, password } = this.credentials ?? {};
      if (username === undefined) return undefined;
      return `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}`;
    }
    if (c.scheme !== 'bearer') return undefined;
    const scopes = [...new Set([scope, ...(c.params.scope ? c.params.scope.split(' ') : [])])].filter(Boolean);
    const key = scopes.join(' ');
    const cached = this.tokens.get(key);
    if (cached && cached.expiresAt > this.now()) return `Bearer ${cached.value}`;
    const token = await this.fetchToken(c, scopes);
    this.tokens.set(key, token);
    return `Bearer ${token.value}`;
  }

  private async fetchToken(c: Challenge, scopes: string[]): Promise<CachedToken> {
    const realm = c.params.realm;
    if (!realm) throw new TokenError('the registry asked for a bearer token but named no realm', 0);
    const creds = this.credentials;
    if (creds?.identityToken) return this.refreshTokenGrant(realm, c.params.service, scopes, creds.identityToken);
    if (creds?.token) {
      // A registry token is the bearer token itself.
      return { value: creds.token, expiresAt: Number.POSITIVE_INFINITY };
    }
    const url = new URL(realm);
    if (c.params.service) url.searchParams.set('service', c.params.service);
    for (const s of scopes) url.searchParams.append('scope', s);
    const headers: Record<string, string> = { 'User-Agent': 'k8ts' };
    if (creds?.username !== undefined) {
      headers.Authorization = `Basic ${Buffer.from(`${creds.username}:${creds.password ?? ''}`).toString('base64')}`;
    }
    const res = await httpRequest({ url: url.toString(), headers, tls: this.tls });
    const body = await readBody(res.body, 1024 * 1024);
    if (res.status !== 200) {
      const who = creds?.username !== undefined ? 'token' : 'anonymous token';
      throw new TokenError(`failed to fetch ${who}: unexpected status from GET request to ${url.toString()}: ${res.status} ${statusText(res.status)}${detail(body)}`, res.status);
    }
    return this.parseToken(body);
  }

  /** OAuth2 refresh-token grant (Docker's identity tokens), per the distribution token spec. */
  private async refreshTokenGrant(realm: string, service: string | undefined, scopes: string[], refreshToken: string): Promise<CachedToken> {
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: 'k8ts', service: service ?? '', scope: scopes.join(' ') });
    const res = await httpRequest({
      url: realm,
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'User-Agent': 'k8ts' },
      body: form.toString(),
      tls: this.tls,
    });
    const body = await readBody(res.body, 1024 * 1024);
    if (res.status !== 200) throw new TokenError(`failed to fetch oauth token: unexpected status from POST request to ${realm}: ${res.status} ${statusText(res.status)}${detail(body)}`, res.status);
    return this.parseToken(body);
  }

  private parseToken(body: Buffer): CachedToken {
    let doc: { token?: string; access_token?: string; expires_in?: number; issued_at?: string };
    try {
      doc = JSON.parse(body.toString('utf8')) as typeof doc;
    } catch {
      throw new TokenError('the token endpoint did not answer JSON', 200);
    }
    const value = doc.token || doc.access_token;
    if (!value) throw new TokenError('the token endpoint answered without a token', 200);
    // The spec's default lifetime is 60 s; keep a margin so a token never expires in flight.
    const lifetime = typeof doc.expires_in === 'number' && doc.expires_in > 0 ? doc.expires_in : 60;
    const issued = doc.issued_at ? Date.parse(doc.issued_at) : NaN;
    const start = Number.isFinite(issued) ? Math.min(issued, this.now()) : this.now();
    return { value, expiresAt: start + Math.max(lifetime - 10, lifetime / 2) * 1000 };
  }
}

function detail(body: Buffer): string {
  const text = body.toString('utf8').trim().slice(0, 300);
  return text ? `: ${text}` : '';
}

export function statusText(status: number): string {
  return STATUS_CODES[status] ?? '';
}
