import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import type { Logger } from '../../util/log.js';
import { rewritePath } from './annotations.js';
import { sendPage } from './error-pages.js';
import { normalizeHost } from './host-match.js';
import { proxyRequest, proxyUpgrade, rejectUpgrade } from './http-proxy.js';
import { findRoute, type Route, type RouteTable } from './route-table.js';
import type { TlsStore } from './tls-store.js';

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

/** What a request resolves to before any bytes go upstream. */
type Decision =
  | { kind: 'proxy'; route: Route; path: string }
  | { kind: 'redirect'; status: 302 | 308; location: string }
  | { kind: 'page'; status: 404 | 503 };

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
  private httpServer?: http.Server;
  private httpsServer?: https.Server;
  private ports = { http: 0, https: 0 };

  constructor(private readonly opts: IngressProxyOptions) {}

  setTable(table: RouteTable): void {
    this.table = table;
  }

  get boundPorts(): { http: number; https: number } {
    return this.ports;
  }

  async listen(): Promise<{ http: number; https: number }> {
    const common = { keepAliveTimeout: 75_000, headersTimeout: 60_000, requestTimeout: 0 };
    const httpServer = http.createServer(common, (req, res) => this.onRequest(req, res, 'http'));
    httpServer.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head, 'http'));
    const tls = this.opts.tls;
    const httpsServer = https.createServer({ ...common, SNICallback: tls.sniCallback, ALPNProtocols: ['http/1.1'] }, (req, res) => this.onRequest(req, res, 'https'));
    httpsServer.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head, 'https'));
    for (const s of [httpServer, httpsServer]) s.on('clientError', (_err, socket) => socket.destroy());
    this.ports.http = await listenOn(httpServer, this.opts.httpPort, this.opts.host);
    try {
      this.ports.https = await listenOn(httpsServer, this.opts.httpsPort, this.opts.host);
    } catch (err) {
      httpServer.close();
      throw err;
    }
    this.httpServer = httpServer;
    this.httpsServer = httpsServer;
    return this.ports;
  }

  async close(): Promise<void> {
    for (const s of [this.httpServer, this.httpsServer]) {
      if (!s) continue;
      s.closeAllConnections();
      await new Promise<void>((r) => s.close(() => r()));
    }
    this.agent.destroy();
  }

  private decide(req: http.IncomingMessage, scheme: 'http' | 'https'): Decision {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const host = normalizeHost(req.headers.host);
    const { route } = findRoute(this.table, host, path);
    if (!route) return { kind: 'page', status: 404 };
    const o = route.options;
    if (scheme === 'http' && (o.forceSslRedirect || (o.sslRedirect && this.opts.tls.hasCertificate(host)))) {
      const port = this.ports.https === 443 ? '' : `:${this.ports.https}`;
      return { kind: 'redirect', status: 308, location: `https://${host}${port}${url}` };
    }
    if (o.appRoot && path === '/') return { kind: 'redirect', status: 302, location: `${scheme}://${req.headers.host ?? host}${o.appRoot}` };
    if (route.backend.endpoints.length === 0) return { kind: 'page', status: 503 };
    const upstreamPath = o.rewriteTarget ? rewritePath(route.matcher.regex, o.rewriteTarget, path, q < 0 ? '' : url.slice(q)) : url;
    return { kind: 'proxy', route, path: upstreamPath };
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse, scheme: 'http' | 'https'): void {
    const d = this.decide(req, scheme);
    if (d.kind === 'page') return sendPage(res, d.status);
    if (d.kind === 'redirect') return sendPage(res, d.status, d.location);
    const port = scheme === 'http' ? this.ports.http : this.ports.https;
    proxyRequest(req, res, d.route, d.path, this.agent, { scheme, port }, (err) =>
      this.opts.log?.debug({ err, backend: d.route.backend.key }, 'ingress upstream failed'),
    );
  }

  private onUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer, scheme: 'http' | 'https'): void {
    socket.on('error', () => socket.destroy());
    const d = this.decide(req, scheme);
    if (d.kind === 'page') return rejectUpgrade(socket, d.status);
    if (d.kind === 'redirect') {
      socket.end(`HTTP/1.1 ${d.status} Permanent Redirect\r\nLocation: ${d.location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
      return;
    }
    proxyUpgrade(req, socket, head, d.route, d.path, { scheme, port: scheme === 'http' ? this.ports.http : this.ports.https });
  }
}

function listenOn(server: http.Server | https.Server, port: number, host?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}
