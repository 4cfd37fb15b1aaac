import type { KubeObject } from '../../api/types.js';
import type { VolumeSources } from './volume-types.js';

interface CachedToken {
  token: string;
  issuedAt: number;
  expiresAt: number;
}

/** Share of a token's life after which it is replaced (the kubelet's 80 %). */
const refreshShare = 0.8;
/** Tokens are replaced at least this often whatever their expiry (the kubelet's day). */
const maxAgeMs = 24 * 3600_000;

/**
 * Service account tokens for pods, the kubelet's token manager: one TokenRequest per pod,
 * audience and lifetime, bound to the pod, kept until 80 % of its life has passed (or a
 * day), then requested anew.
 *
 * @example
 * const tokens = new TokenCache(sources, () => Date.now());
 * const jwt = await tokens.get(pod, 'vault', 3600);
 */
export class TokenCache {
  private readonly tokens = new Map<string, CachedToken>();

  constructor(
    private readonly sources: VolumeSources,
    private readonly now: () => number,
  ) {}

  private key(pod: KubeObject, audience: string | undefined, expirationSeconds: number): string {
    return `${pod.metadata.uid}/${audience ?? ''}/${expirationSeconds}`;
  }

  /** When a cached token should be replaced. */
  private dueAt(t: CachedToken): number {
    return Math.min(t.issuedAt + (t.expiresAt - t.issuedAt) * refreshShare, t.issuedAt + maxAgeMs);
  }

  async get(pod: KubeObject, audience: string | undefined, expirationSeconds: number): Promise<string> {
    const key = this.key(pod, audience, expirationSeconds);
    const cached = this.tokens.get(key);
    if (cached && this.now() < this.dueAt(cached)) return cached.token;
    const issuedAt = this.now();
    const { token, expiresAt } = await this.sources.serviceAccountToken(pod, audience, expirationSeconds);
    this.tokens.set(key, { token, issuedAt, expiresAt });
    return token;
  }

  /** When the pod's earliest token is due for replacement, if it has any. */
  refreshAt(podUid: string): number | undefined {
    let at: number | undefined;
    for (const [k, t] of this.tokens) if (k.startsWith(`${podUid}/`)) at = Math.min(at ?? Infinity, this.dueAt(t));
    return at;
  }

  forgetPod(podUid: string): void {
    for (const k of [...this.tokens.keys()]) if (k.startsWith(`${podUid}/`)) this.tokens.delete(k);
  }
}
