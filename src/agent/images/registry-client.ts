/**
 * A client for one repository on one registry endpoint (OCI distribution API): the `/v2/`
 * ping, manifests by tag or digest with every supported `Accept` type and digest checks,
 * and blob downloads as streams. Authorization (Basic or Bearer) is negotiated on the first
 * 401 and reused; a 401 on a cached token fetches a new one once.
 */
import type { IncomingMessage } from 'node:http';
import { digestOf, sha256Digest, validateDigest } from './digest.js';
import { httpRequest, HttpTransportError, readBody, type HttpResponse } from './http-client.js';
import type { RegistryAuth } from './image-service.js';
import { parseChallenges } from './auth-challenge.js';
import { RegistryAuthorizer } from './registry-auth.js';
import { registryError, RegistryError } from './registry-error.js';
import { manifestAccept } from './oci-types.js';
import type { RegistryEndpoint } from './registries-config.js';

export interface FetchedManifest {
  body: Buffer;
  contentType: string | undefined;
  /** The verified digest of `body`. */
  digest: string;
}

/** TLS failures that mean "this port speaks plain HTTP". */
const tlsMismatch = new Set(['EPROTO', 'ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG', 'ECONNRESET']);

export class RegistryClient {
  private base: string;
  private readonly authorizer: RegistryAuthorizer;
  private pinged = false;
  readonly scope: string;

  /**
   * @example
   * const c = new RegistryClient(endpoint, 'library/busybox', auth);
   * const m = await c.getManifest('latest');
   */
  constructor(
    readonly endpoint: RegistryEndpoint,
    readonly repository: string,
    auth?: RegistryAuth,
  ) {
    this.base = endpoint.base;
    this.authorizer = new RegistryAuthorizer(auth ?? endpoint.auth, endpoint.tls);
    this.scope = `repository:${repository}:pull`;
  }

  /** `GET /v2/`: learns the auth challenge; falls back to plain HTTP for insecure registries. */
  async ping(): Promise<void> {
    if (this.pinged) return;
    let res: HttpResponse;
    try {
      res = await httpRequest({ url: `${this.base}/v2/`, headers: { 'User-Agent': 'k8ts' }, tls: this.endpoint.tls });
    } catch (err) {
      if (!(this.endpoint.httpFallback && err instanceof HttpTransportError && tlsMismatch.has(err.code ?? ''))) throw err;
      this.base = this.base.replace(/^https:/, 'http:');
      res = await httpRequest({ url: `${this.base}/v2/`, headers: { 'User-Agent': 'k8ts' } });
    }
    const body = await readBody(res.body, 1024 * 1024);
    if (res.status === 401) this.authorizer.setChallenges(parseChallenges(res.headers['www-authenticate']));
    else if (res.status !== 200) throw registryError(res.status, body, `${this.base}/v2/`);
    this.pinged = true;
  }

  /**
   * Fetches a manifest or index by tag or digest and verifies it: against the digest asked
   * for, else against the `Docker-Content-Digest` header when the registry sent one.
   */
  async getManifest(reference: string): Promise<FetchedManifest> {
    const { res, url } = await this.send(`/v2/${this.repository}/manifests/${reference}`, { Accept: manifestAccept });
    const body = await readBody(res.body);
    if (res.status !== 200) throw registryError(res.status, body, url);
    const byDigest = validateDigest(reference) === undefined;
    const header = res.headers['docker-content-digest'];
    const expected = byDigest ? reference : typeof header === 'string' && validateDigest(header) === undefined ? header : undefined;
    const digest = expected ? digestOf(body, expected) : sha256Digest(body);
    if (expected && digest !== expected) throw new Error(`manifest digest mismatch: expected ${expected}, got ${digest}`);
    const contentType = res.headers['content-type'];
    return { body, contentType, digest };
  }

  /** Opens a blob download; the caller reads (and verifies) the stream. */
  async getBlob(digest: string): Promise<{ body: IncomingMessage; size: number | undefined }> {
    const { res, url } = await this.send(`/v2/${this.repository}/blobs/${digest}`, {});
    if (res.status !== 200) throw registryError(res.status, await readBody(res.body, 1024 * 1024), url);
    const length = Number(res.headers['content-length']);
    return { body: res.body, size: Number.isFinite(length) ? length : undefined };
  }

  /** Downloads a small blob (an image config) whole. */
  async getBlobBuffer(digest: string, limit = 16 * 1024 * 1024): Promise<Buffer> {
    const { body } = await this.getBlob(digest);
    const data = await readBody(body, limit);
    const actual = digestOf(data, digest);
    if (actual !== digest) throw new Error(`digest mismatch for ${digest}: got ${actual}`);
    return data;
  }

  /** Sends a GET for `path` (after the ping, which may have switched the endpoint to plain HTTP). */
  private async send(path: string, headers: Record<string, string>): Promise<{ res: HttpResponse; url: string }> {
    await this.ping();
    const url = `${this.base}${path}`;
    for (let attempt = 0; ; attempt++) {
      const auth = await this.authorizer.header(this.scope);
      const res = await httpRequest({
        url,
        headers: { 'User-Agent': 'k8ts', ...headers, ...(auth ? { Authorization: auth } : {}) },
        tls: this.endpoint.tls,
      });
      if (res.status !== 401 || attempt > 0) return { res, url };
      // A first 401 may mean the registry wants auth we have not negotiated yet, or that a
      // cached token went stale: learn the challenge and try once more.
      const challenges = parseChallenges(res.headers['www-authenticate']);
      const body = await readBody(res.body, 1024 * 1024);
      this.authorizer.invalidate();
      if (!this.authorizer.setChallenges(challenges)) throw registryError(401, body, url);
    }
  }
}

export { RegistryError };
