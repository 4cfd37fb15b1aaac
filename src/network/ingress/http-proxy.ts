import http from 'node:http';
import type { Duplex } from 'node:stream';
import type { Endpoint } from './backends.js';
import { errorPage, sendPage } from './error-pages.js';
import { type ForwardContext, forwardedRequestHeaders, forwardedResponseHeaders } from './forwarded-headers.js';
import type { Route } from './route-table.js';

/** nginx's proxy_next_upstream tries: a failed connect moves on to the next endpoint. */
const maxTries = 3;

const retryableCodes = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'ETIMEDOUT', 'EK8TSCONNECT']);

class ConnectTimeout extends Error {
  readonly code = 'EK8TSCONNECT';
  constructor() {
    super('upstream connect timed out');
    this.name = 'ConnectTimeout';
  }
}

class ReadTimeout extends Error {
  constructor() {
    super('upstream timed out reading the response');
    this.name = 'ReadTimeout';
  }
}

/** Round robin over a backend's ready endpoints. */
export function pickEndpoint(route: Route, offset = 0): Endpoint | undefined {
  const eps = route.backend.endpoints;
  if (eps.length === 0) return undefined;
  const b = route.backend as Route['backend'] & { next?: number };
  const i = b.next ?? 0;
  if (offset === 0) b.next = (i + 1) % eps.length;
  return eps[(i + offset) % eps.length];
}

function hasBody(req: http.IncomingMessage): boolean {
  const len = req.headers['content-length'];
  return (len !== undefined && len !== '0') || req.headers['transfer-encoding'] !== undefined;
}

/** Arms the connect timeout on a fresh socket (kept-alive sockets are connected already). */
function armConnectTimeout(preq: http.ClientRequest, ms: number): void {
  preq.once('socket', (sock) => {
    if (!sock.connecting) return;
    const timer = setTimeout(() => preq.destroy(new ConnectTimeout()), ms);
    sock.once('connect', () => clearTimeout(timer));
    sock.once('close', () => clearTimeout(timer));
  });
}

/**
 * Proxies one HTTP request to the route's backend and streams both bodies. Connect
 * failures (and a kept-alive socket the backend closed under us) move on to the next
 * endpoint for requests without a body; other failures answer 502, timeouts 504 —
 * ingress-nginx's codes and pages.
 */
export function proxyRequest(req: http.IncomingMessage, res: http.ServerResponse, route: Route, path: string, agent: http.Agent, ctx: ForwardContext, onError?: (err: Error) => void): void {
  const headers = forwardedRequestHeaders(req, ctx);
  const bodyless = !hasBody(req);
  const attempt = (tryNo: number): void => {
    const ep = pickEndpoint(route, tryNo);
    if (!ep) return sendPage(res, 503);
    const preq = http.request({ host: ep.host, port: ep.port, method: req.method, path, headers, agent, setHost: false });
    armConnectTimeout(preq, route.options.connectTimeoutMs);
    preq.setTimeout(route.options.readTimeoutMs, () => preq.destroy(new ReadTimeout()));
    let responded = false;
    preq.on('response', (pres) => {
      responded = true;
      res.writeHead(pres.statusCode ?? 502, pres.statusMessage, forwardedResponseHeaders(pres.headers));
      pres.pipe(res);
      pres.on('error', () => res.destroy());
      pres.on('aborted', () => res.destroy());
    });
    preq.on('error', (err: NodeJS.ErrnoException) => {
      if (responded) {
        res.destroy();
        return;
      }
      const retry = bodyless && tryNo + 1 < Math.min(maxTries, route.backend.endpoints.length + (preq.reusedSocket ? 1 : 0)) && (retryableCodes.has(err.code ?? '') || err instanceof ConnectTimeout);
      if (retry && !res.writableEnded && !res.destroyed) return attempt(tryNo + 1);
      onError?.(err);
      sendPage(res, err instanceof ConnectTimeout || err instanceof ReadTimeout ? 504 : 502);
    });
    res.on('close', () => {
      if (!res.writableFinished) preq.destroy();
    });
    if (bodyless) preq.end();
    else req.pipe(preq);
  };
  attempt(0);
}

function rawResponse(status: number, statusMessage: string, rawHeaders: string[]): string {
  let head = `HTTP/1.1 ${status} ${statusMessage}\r\n`;
  for (let i = 0; i < rawHeaders.length; i += 2) head += `${rawHeaders[i]}: ${rawHeaders[i + 1]}\r\n`;
  return `${head}\r\n`;
}

/** Writes an nginx page on a raw socket (for upgrade requests that cannot be served). */
export function rejectUpgrade(socket: Duplex, status: number): void {
  const body = errorPage(status);
  const reason = /<title>\d+ (.*)<\/title>/.exec(body)?.[1] ?? '';
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/html\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/**
 * Proxies a WebSocket (any `Upgrade`) request: the upgrade is passed on with the forwarded
 * headers; on 101 the two sockets are spliced, with the read timeout as idle limit
 * (ingress-nginx closes idle WebSockets after proxy-read-timeout too).
 */
export function proxyUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer, route: Route, path: string, ctx: ForwardContext): void {
  const ep = pickEndpoint(route);
  if (!ep) return rejectUpgrade(socket, 503);
  const headers = forwardedRequestHeaders(req, { ...ctx, upgrade: true });
  const preq = http.request({ host: ep.host, port: ep.port, method: req.method, path, headers, agent: false, setHost: false });
  armConnectTimeout(preq, route.options.connectTimeoutMs);
  socket.on('error', () => preq.destroy());
  preq.on('upgrade', (pres, psocket, phead) => {
    socket.write(rawResponse(pres.statusCode ?? 101, pres.statusMessage ?? 'Switching Protocols', pres.rawHeaders));
    if (phead.length) socket.write(phead);
    if (head.length) psocket.write(head);
    psocket.setTimeout(route.options.readTimeoutMs, () => psocket.destroy());
    psocket.on('error', () => socket.destroy());
    socket.on('error', () => psocket.destroy());
    psocket.on('close', () => socket.destroy());
    socket.on('close', () => psocket.destroy());
    psocket.pipe(socket);
    socket.pipe(psocket);
  });
  preq.on('response', (pres) => {
    // The backend declined the upgrade: relay its answer (body until close) and close.
    const h = forwardedResponseHeaders(pres.headers);
    let head = `HTTP/1.1 ${pres.statusCode ?? 502} ${pres.statusMessage ?? ''}\r\n`;
    for (const [k, v] of Object.entries(h)) for (const one of Array.isArray(v) ? v : [v]) head += `${k}: ${one}\r\n`;
    socket.write(`${head}connection: close\r\n\r\n`);
    pres.pipe(socket);
  });
  preq.on('error', (err) => rejectUpgrade(socket, err instanceof ConnectTimeout ? 504 : 502));
  preq.end();
}
