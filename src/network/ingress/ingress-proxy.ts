import http from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import type { Logger } from '../../util/log.js';
import { rewritePath } from './annotations.js';
import { rawPage, sendPage } from './error-pages.js';
import { normalizeHost } from './host-match.js';
import { type Decision, type FastPathHost, serveConnection } from './fast-path.js';
import { proxyRequest, proxyUpgrade, rejectUpgrade } from './http-proxy.js';
import { findRoute, type RouteTable } from './route-table.js';
import type { TlsStore } from './tls-store.js';
import { UpstreamPool } from './upstream-pool.js';

export interface IngressProxyOptions {
  /** Listen address (default all interfaces). */
  host?: string;
  /** Default 80; 0 picks a free port. */
  httpPort: number;
  /** Default 443; 0 picks a free port. */
  httpsPort: number;
  tls: TlsStore;
  log?: Logger;
}

const emptyTable: RouteTable = { hosts: new Map(), wildcards: new Map(), catchAll: { host: '', routes: [] } };

/**
 * The data plane of the built-in Ingress controller: HTTP and HTTPS listeners (SNI picks the
 * certificate) that route by host and path through the current RouteTable and proxy with
 * keep-alive connections to the backends. HTTP/1.1 keep-alive, streaming bodies and
 * WebSocket upgrades pass through.
 *
 * @example
 * const proxy = new IngressProxy({ httpPort: 80, httpsPort: 443, tls });
 * await proxy.listen();
 * proxy.setTable(buildRouteTable(ingresses, lookup));
 */
export class IngressProxy {
  private table: RouteTable = emptyTable;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 512, scheduling: 'lifo' });
  private readonly pool = new UpstreamPool();
  private listeners: net.Server[] = [];
  private ports = { http: 0, https: 0 };
  /** Node's HTTP machinery, fed the connections the fast path hands off (never listening). */
  private readonly fallback = { http: this.nodeServer('http'), https: this.nodeServer('https') };

  constructor(private readonly opts: IngressProxyOptions) {}

  setTable(table: RouteTable): void {
    this.table = table;
  }

  get boundPorts(): { http: number; https: number } {
    return this.ports;
  }

  async listen(): Promise<{ http: number; https: number }> {
    const { plain, secure } = this.servers();
    this.ports.http = await listenOn(plain, this.opts.httpPort, this.opts.host);
    this.listeners.push(plain);
    try {
      this.ports.https = await listenOn(secure, this.opts.httpsPort, this.opts.host);
      this.listeners.push(secure);
    } catch (err) {
      await this.close();
      throw err;
    }
    return this.ports;
  }

  /**
   * Serves connections accepted by listeners opened elsewhere (a proxy worker process gets
   * them from the controller), which bound `ports`.
   */
  attach(listeners: { http?: net.Server; https?: net.Server }, ports: { http: number; https: number }): void {
    const { plain, secure } = this.servers();
    this.ports = { ...ports };
    listeners.http?.on('connection', (socket: net.Socket) => plain.emit('connection', socket));
    listeners.https?.on('connection', (socket: net.Socket) => secure.emit('connection', socket));
    for (const l of [listeners.http, listeners.https]) if (l) this.listeners.push(l);
  }

  private servers(): { plain: net.Server; secure: tls.Server } {
    const plain = net.createServer({ noDelay: true }, (socket) => serveConnection(socket, this.fastPathHost('http')));
    const secure = tls.createServer({ cert: this.opts.tls.defaultCert.certPem, key: this.opts.tls.defaultCert.keyPem, SNICallback: this.opts.tls.sniCallback, ALPNProtocols: ['http/1.1'] }, (socket) => serveConnection(socket, this.fastPathHost('https')));
    secure.on('tlsClientError', (_err, socket) => socket.destroy());
    return { plain, secure };
  }

  async close(): Promise<void> {
    for (const s of this.listeners.splice(0)) await new Promise<void>((r) => s.close(() => r()));
    for (const s of Object.values(this.fallback)) s.closeAllConnections();
    this.pool.close();
    this.agent.destroy();
  }

  private nodeServer(scheme: 'http' | 'https'): http.Server {
    const server = http.createServer({ keepAliveTimeout: 75_000, headersTimeout: 60_000, requestTimeout: 0 }, (req, res) => this.onRequest(req, res, scheme));
    server.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head, scheme));
    // nginx answers unparsable requests with its 400 page.
    server.on('clientError', (_err, socket) => (socket.writable ? socket.end(rawPage(400, { close: true })) : socket.destroy()));
    return server;
  }

  private fastPathHost(scheme: 'http' | 'https'): FastPathHost {
    return {
      scheme,
      port: () => this.ports[scheme],
      decide: (rawHost, target, s) => this.decide(rawHost, target, s),
      pool: this.pool,
      handOff: (socket, pending) => {
        if (pending.length) socket.unshift(pending);
        this.fallback[scheme].emit('connection', socket);
      },
    };
  }

  private decide(rawHost: string | undefined, url: string, scheme: 'http' | 'https'): Decision {
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const host = normalizeHost(rawHost);
    const { route } = findRoute(this.table, host, path);
    if (!route) return { kind: 'page', status: 404 };
    const o = route.options;
    if (scheme === 'http' && (o.forceSslRedirect || (o.sslRedirect && this.opts.tls.hasCertificate(host)))) {
      const port = this.ports.https === 443 ? '' : `:${this.ports.https}`;
      return { kind: 'redirect', status: 308, location: `https://${host}${port}${url}` };
    }
    if (o.appRoot && path === '/') return { kind: 'redirect', status: 302, location: `${scheme}://${rawHost ?? host}${o.appRoot}` };
    if (route.backend.endpoints.length === 0) return { kind: 'page', status: 503 };
    const upstreamPath = o.rewriteTarget ? rewritePath(route.matcher.regex, o.rewriteTarget, path, q < 0 ? '' : url.slice(q)) : url;
    return { kind: 'proxy', route, path: upstreamPath };
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse, scheme: 'http' | 'https'): void {
    const d = this.decide(req.headers.host, req.url ?? '/', scheme);
    if (d.kind === 'page') return sendPage(res, d.status);
    if (d.kind === 'redirect') return sendPage(res, d.status, d.location);
    const port = scheme === 'http' ? this.ports.http : this.ports.https;
    proxyRequest(req, res, d.route, d.path, this.agent, { scheme, port }, (err) =>
      this.opts.log?.debug({ err, backend: d.route.backend.key }, 'ingress upstream failed'),
    );
  }

  private onUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer, scheme: 'http' | 'https'): void {
    socket.on('error', () => socket.destroy());
    const d = this.decide(req.headers.host, req.url ?? '/', scheme);
    if (d.kind === 'page') return rejectUpgrade(socket, d.status);
    if (d.kind === 'redirect') {
      socket.end(`HTTP/1.1 ${d.status} ${d.status === 308 ? 'Permanent Redirect' : 'Moved Temporarily'}\r\nLocation: ${d.location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
      return;
    }
    proxyUpgrade(req, socket, head, d.route, d.path, { scheme, port: scheme === 'http' ? this.ports.http : this.ports.https });
  }
}

function listenOn(server: net.Server, port: number, host?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}
