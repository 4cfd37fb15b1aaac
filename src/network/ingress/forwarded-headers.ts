import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders } from 'node:http';

/** Headers that describe one hop only and are never passed on (RFC 9110 §7.6.1). */
const hopByHop = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'proxy-authenticate', 'proxy-authorization']);

/** The peer address without the IPv4-mapped prefix. */
export function clientAddress(req: IncomingMessage): string {
  const a = req.socket.remoteAddress ?? '';
  return a.startsWith('::ffff:') ? a.slice(7) : a;
}

export interface ForwardContext {
  scheme: 'http' | 'https';
  /** The port the request came in on (X-Forwarded-Port). */
  port: number;
  /** Pass `Connection: upgrade` and `Upgrade` on (WebSocket). */
  upgrade?: boolean;
}

/**
 * The request headers a backend sees, as ingress-nginx sets them by default: the client's
 * Host kept, hop-by-hop headers dropped (and any header the Connection header names),
 * `Proxy` dropped (httpoxy), `Expect` answered here rather than passed on, X-Request-ID, X-Real-IP and X-Forwarded-For (the peer, since
 * forwarded headers from clients are not trusted), X-Forwarded-Host/Port/Proto/Scheme,
 * X-Scheme, and X-Original-Forwarded-For when the client sent one.
 */
export function forwardedRequestHeaders(req: IncomingMessage, ctx: ForwardContext): OutgoingHttpHeaders {
  const inHeaders = req.headers;
  const out: OutgoingHttpHeaders = {};
  const named = connectionTokens(inHeaders);
  for (const key in inHeaders) {
    if (hopByHop.has(key) || key === 'proxy' || key === 'expect' || named.has(key)) continue;
    out[key] = inHeaders[key];
  }
  const client = clientAddress(req);
  const original = inHeaders['x-forwarded-for'];
  // ingress-nginx keeps a client's X-Request-ID and makes one up otherwise.
  out['x-request-id'] = inHeaders['x-request-id'] || randomUUID().replaceAll('-', '');
  out['x-real-ip'] = client;
  out['x-forwarded-for'] = client;
  out['x-forwarded-host'] = inHeaders.host ?? '';
  out['x-forwarded-port'] = String(ctx.port);
  out['x-forwarded-proto'] = ctx.scheme;
  out['x-forwarded-scheme'] = ctx.scheme;
  out['x-scheme'] = ctx.scheme;
  if (original !== undefined) out['x-original-forwarded-for'] = original;
  if (ctx.upgrade) {
    out.connection = 'upgrade';
    out.upgrade = inHeaders.upgrade ?? '';
  }
  return out;
}

/** Response headers for the client: the backend's, minus hop-by-hop ones. */
export function forwardedResponseHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  const named = connectionTokens(headers);
  for (const key in headers) {
    if (hopByHop.has(key) || named.has(key)) continue;
    out[key] = headers[key];
  }
  return out;
}

function connectionTokens(headers: IncomingHttpHeaders): Set<string> {
  const c = headers.connection;
  if (!c) return new Set();
  return new Set(c.toLowerCase().split(',').map((s) => s.trim()).filter((t) => t !== 'close' && t !== 'keep-alive' && t !== 'upgrade'));
}
