/**
 * The HTTP layer under the registry client: node:http/https with keep-alive, redirects
 * followed by hand (Authorization is dropped when a redirect leaves the host, as Docker does
 * for blob storage behind a CDN), per-registry TLS settings, and streaming bodies.
 */
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';

export interface TlsSettings {
  insecureSkipVerify?: boolean;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

export interface HttpRequest {
  url: string;
  method?: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  headers?: Record<string, string>;
  body?: Buffer | string;
  tls?: TlsSettings;
  /** Time allowed for the response headers, and for each pause in the body. Default 30 s. */
  timeoutMs?: number;
  maxRedirects?: number;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The URL that answered, after redirects. */
  url: string;
  body: IncomingMessage;
}

/** A transport failure (refused, reset, TLS, timeout): no HTTP status was received. */
export class HttpTransportError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'HttpTransportError';
  }
}

const plainAgent = new http.Agent({ keepAlive: true, maxSockets: 32 });
const tlsAgents = new Map<string, https.Agent>();

function agentFor(url: URL, tls: TlsSettings | undefined): http.Agent {
  if (url.protocol === 'http:') return plainAgent;
  const key = JSON.stringify([tls?.insecureSkipVerify ?? false, tls?.ca?.toString('base64'), tls?.cert?.toString('base64')]);
  let agent = tlsAgents.get(key);
  if (!agent) {
    agent = new https.Agent({ keepAlive: true, maxSockets: 32, rejectUnauthorized: !tls?.insecureSkipVerify, ca: tls?.ca, cert: tls?.cert, key: tls?.key });
    tlsAgents.set(key, agent);
  }
  return agent;
}

/**
 * Sends a request, following up to `maxRedirects` (10) redirects. The body of a non-final
 * response is discarded; the caller owns the returned body stream.
 *
 * @example
 * const res = await httpRequest({ url: 'http://127.0.0.1:5000/v2/' });
 * res.body.resume();
 */
export async function httpRequest(req: HttpRequest): Promise<HttpResponse> {
  let url = new URL(req.url);
  let method = req.method ?? 'GET';
  let headers = { ...(req.headers ?? {}) };
  let body = req.body;
  const originHost = url.host;
  for (let hop = 0; ; hop++) {
    const res = await once(url, method, headers, body, req);
    const location = res.headers.location;
    if (![301, 302, 303, 307, 308].includes(res.statusCode ?? 0) || !location) {
      return { status: res.statusCode ?? 0, headers: res.headers, url: url.toString(), body: res };
    }
    res.resume();
    if (hop >= (req.maxRedirects ?? 10)) throw new HttpTransportError(`stopped after ${hop} redirects`, 'ETOOMANYREDIRECTS');
    url = new URL(location, url);
    if (res.statusCode === 303 || ((res.statusCode === 301 || res.statusCode === 302) && method === 'POST')) {
      method = 'GET';
      body = undefined;
    }
    if (url.host !== originHost) {
      headers = Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'authorization'));
    }
  }
}

function once(url: URL, method: string, headers: Record<string, string>, body: Buffer | string | undefined, req: HttpRequest): Promise<IncomingMessage> {
  const timeoutMs = req.timeoutMs ?? 30_000;
  const mod = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const r = mod.request(url, { method, headers, agent: agentFor(url, req.tls) }, (res) => {
      res.setTimeout(timeoutMs, () => res.destroy(new HttpTransportError(`no data from ${url.host} for ${timeoutMs / 1000}s`, 'ETIMEDOUT')));
      resolve(res);
    });
    r.setTimeout(timeoutMs, () => r.destroy(new HttpTransportError(`${method} ${url.toString()}: timed out after ${timeoutMs / 1000}s`, 'ETIMEDOUT')));
    r.once('error', (err: NodeJS.ErrnoException) => {
      reject(err instanceof HttpTransportError ? err : new HttpTransportError(`${method} ${url.toString()}: ${err.message}`, err.code, { cause: err }));
    });
    r.end(body);
  });
}

/** Reads a whole (small) body; refuses more than `limit` bytes (manifests and tokens are small). */
export async function readBody(body: IncomingMessage, limit = 8 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += (chunk as Buffer).length;
    if (total > limit) {
      body.destroy();
      throw new Error(`response body larger than ${limit} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
