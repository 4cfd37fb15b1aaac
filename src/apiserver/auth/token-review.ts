import type { UserInfo } from './user.js';

/** The outcome of checking a bearer token, in TokenReview's terms. */
export type TokenReviewResult =
  | { authenticated: true; user: UserInfo; /** The requested audiences the token is valid for. */ audiences: string[] }
  | { authenticated: false; /** Absent when the token is simply not one this reviewer knows. */ error?: string };

/**
 * Checks bearer tokens for TokenReview (and for request authentication) against a set of
 * audiences; undefined audiences mean the API server's own.
 *
 * @example
 * const r = await reviewer.review(token, ['vault']);
 * if (r.authenticated) console.log(r.user.name);
 */
export interface TokenReviewer {
  review(token: string, audiences?: string[]): Promise<TokenReviewResult>;
}
