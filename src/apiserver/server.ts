import https from 'node:https';
import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { ApiError } from './errors.js';
import type { ApiContext } from './http/context.js';
import { negotiate } from './http/negotiate.js';
import { parseRequestInfo, type ResourceRequestInfo } from './http/request-info.js';
import { handleResource } from './http/resource-handler.js';
import { writeError, writeJson } from './http/respond.js';
import { aggregatedDiscovery, apiGroup, apiGroupList, apiVersions, resourceList } from './discovery.js';
import { anonymousUser, type UserInfo } from './auth/user.js';
import { type Attributes, type Authorizer, forbiddenMessage, isSuperUser, publicInfoPaths } from './auth/authorizer.js';
import { parseAccept } from './http/media-type.js';
import type { ApiMetrics } from './metrics.js';
import { versionInfo } from './version.js';

/** Resolves a bearer token to a user (service account tokens, bootstrap tokens …). */
export type TokenAuthenticator = (token: string) => Promise<UserInfo | undefined>;

/** A handler for a non-resource path (`/openapi/v3`, `/metrics`, …); returns false to fall through. */
export type PathHandler = (req: IncomingMessage, res: ServerResponse, url: URL, user: UserInfo) => Promise<boolean | void>;

export interface ApiServerOptions {
  ctx: ApiContext;
  tls: { certPem: string; keyPem: string; clientCaPem: string };
  host: string;
  port: number;
  authorizer: Authorizer;
  tokenAuthenticators?: TokenAuthenticator[];
  metrics: ApiMetrics;
  /** Readiness checks by name, for /readyz and /livez (`[+]name ok`). */
  readyChecks?: Record<string, () => boolean>;
  /** Extra non-resource paths by exact path or prefix (keys ending in `/`). */
  paths?: Record<string, PathHandler>;
  /** Paths anyone may call without credentials (they authenticate by other means, e.g. a join token). */
  publicPaths?: string[];
}

/** Certificate users by connection: parsing the peer certificate on every request is costly. */
const certUsers = new WeakMap<TLSSocket, UserInfo | null>();

function certificateUser(socket: TLSSocket): UserInfo | null {
  let user = certUsers.get(socket);
  if (user !== undefined) return user;
  user = null;
  if (socket.authorized) {
    const cert = socket.getPeerCertificate();
    if (cert?.subject?.CN) {
      const o = cert.subject.O;
      const groups = Array.isArray(o) ? o : o ? [o] : [];
      user = { name: String(cert.subject.CN), groups: [...groups, 'system:authenticated'] };
    }
  }
  certUsers.set(socket, user);
  return user;
}

/** Identifies the caller from its client certificate (CN = user, O = groups) or bearer token. */
async function authenticate(req: IncomingMessage, tokens: TokenAuthenticator[]): Promise<UserInfo> {
  const fromCert = certificateUser(req.socket as TLSSocket);
  if (fromCert) return fromCert;
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) {
    const token = auth.slice(7).trim();
    for (const t of tokens) {
      const user = await t(token);
      if (user) return user;
    }
    throw ApiError.unauthorized();
  }
  return anonymousUser;
}

/**
 * The Kubernetes API over HTTPS: authentication, authorization, discovery, health, version,
 * metrics and every resource of the catalog.
 */
export class ApiServer {
  private server?: https.Server;
  constructor(private readonly opts: ApiServerOptions) {}

  async listen(): Promise<AddressInfo> {
    const { tls } = this.opts;
    const server = https.createServer(
      { cert: tls.certPem, key: tls.keyPem, ca: tls.clientCaPem, requestCert: true, rejectUnauthorized: false, keepAliveTimeout: 65_000 },
      (req, res) => void this.handle(req, res),
    );
    server.requestTimeout = 0;
    server.headersTimeout = 60_000;
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.handleUpgrade(req, socket, head));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port, this.opts.host, () => resolve());
    });
    return server.address() as AddressInfo;
  }

  /** The underlying server, for protocols that hook `upgrade` (exec, port-forward). */
  get httpsServer(): https.Server | undefined {
    return this.server;
  }

  async close(): Promise<void> {
    const s = this.server;
    if (!s) return;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });
  }

  /**
   * Upgrade requests (exec, attach, port-forward over WebSocket or SPDY) go through the same
   * authentication, authorization and routing as any request, with a response bound to the
   * raw socket; a subresource handler may then take the socket over.
   */
  private handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const res = new ServerResponse(req);
    res.assignSocket(socket as Socket);
    res.shouldKeepAlive = false;
    res.once('finish', () => socket.end());
    void this.handle(req, res, { socket, head });
  }

  private async handle(req: IncomingMessage, res: ServerResponse, upgrade?: { socket: Duplex; head: Buffer }): Promise<void> {
    const started = process.hrtime.bigint();
    const url = new URL(req.url ?? '/', 'https://localhost');
    let info: ResourceRequestInfo | undefined;
    let format;
    try {
      const user = await authenticate(req, this.opts.tokenAuthenticators ?? []);
      const parsed = parseRequestInfo(req.method ?? 'GET', url.pathname, url.searchParams);
      if (!parsed) throw ApiError.methodNotAllowed();
      if (!parsed.isResource) {
        await this.authorizePath(user, parsed.verb, url.pathname);
        await this.handlePath(req, res, url, user);
        return;
      }
      info = parsed;
      const store = this.opts.ctx.catalog.lookup(parsed.group, parsed.version, parsed.resource);
      if (!store) throw ApiError.pathNotFound();
      const canProtobuf = !!this.opts.ctx.protobuf;
      format = negotiate(req.headers.accept, canProtobuf);
      const attrs = authorizationAttributes(user, parsed);
      const decision = await this.opts.authorizer.authorize(attrs);
      if (!decision.allowed) {
        const msg = forbiddenMessage(attrs);
        throw new ApiError(403, 'Forbidden', msg, { name: parsed.name, ...(parsed.group ? { group: parsed.group } : {}), kind: parsed.resource });
      }
      await handleResource({ req, res, info: parsed, query: url.searchParams, user, store, format, ctx: this.opts.ctx, ...(upgrade ? { upgrade } : {}) });
    } catch (err) {
      const apiErr = writeError(res, err, format, this.opts.ctx.protobuf?.encode);
      if (apiErr.code >= 500) this.opts.ctx.log.error({ err, method: req.method, url: req.url }, 'request failed');
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const verb = info?.verb ?? (req.method ?? 'GET').toLowerCase();
      // Long-running requests (watches) are not latency samples.
      if (verb !== 'watch') this.opts.metrics.observe(verb, info?.resource ?? '', res.statusCode, seconds);
    }
  }

  private async authorizePath(user: UserInfo, verb: string, path: string): Promise<void> {
    if (publicInfoPaths.includes(path) || this.opts.publicPaths?.includes(path) || isSuperUser(user)) return;
    const decision = await this.opts.authorizer.authorize({ user, verb, path });
    if (decision.allowed) return;
    if (user === anonymousUser && !path.startsWith('/api') && !path.startsWith('/openapi')) throw ApiError.unauthorized();
    throw new ApiError(403, 'Forbidden', forbiddenMessage({ user, verb, path }), {});
  }

  private healthz(res: ServerResponse, url: URL): void {
    const checks = { ping: () => true, ...(this.opts.readyChecks ?? {}) };
    const results = Object.entries(checks).map(([name, fn]) => [name, fn()] as const);
    const ok = results.every(([, v]) => v);
    const verbose = url.searchParams.has('verbose');
    let body: string;
    if (verbose || !ok) {
      body = results.map(([n, v]) => `[${v ? '+' : '-'}]${n} ${v ? 'ok' : 'failed: not ready'}`).join('\n') + `\n${url.pathname.slice(1)} check ${ok ? 'passed' : 'failed'}\n`;
    } else body = 'ok';
    res.writeHead(ok ? 200 : 500, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
    res.end(body);
  }

  private async handlePath(req: IncomingMessage, res: ServerResponse, url: URL, user: UserInfo): Promise<void> {
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const { catalog } = this.opts.ctx;
    const extra = this.opts.ctx.discoverySubresources;
    const custom = Object.entries(this.opts.paths ?? {}).filter(([key]) => key === path || (key.endsWith('/') && path.startsWith(key)));
    if (req.method !== 'GET' && req.method !== 'HEAD' && custom.length === 0) throw ApiError.methodNotAllowed();
    switch (path) {
      case '/healthz':
      case '/livez':
      case '/readyz':
        return this.healthz(res, url);
      case '/version':
        return writeJson(res, 200, versionInfo());
      case '/metrics': {
        const text = await this.opts.metrics.render();
        res.writeHead(200, { 'Content-Type': this.opts.metrics.contentType });
        res.end(text);
        return;
      }
      case '/api':
      case '/apis': {
        const agg = aggregatedVersion(req.headers.accept);
        if (agg) {
          const body = aggregatedDiscovery(catalog, path === '/api', agg, extra);
          return writeJson(res, 200, body, `application/json;g=apidiscovery.k8s.io;v=${agg};as=APIGroupDiscoveryList`);
        }
        if (path === '/api') return writeJson(res, 200, apiVersions(req.headers.host ?? `127.0.0.1:${this.opts.port}`));
        return writeJson(res, 200, apiGroupList(catalog));
      }
      case '/':
        return writeJson(res, 200, { paths: ['/api', '/api/v1', '/apis', ...catalog.groups.filter((g) => g.name).flatMap((g) => [`/apis/${g.name}`, ...g.versions.map((v) => `/apis/${g.name}/${v}`)]), '/healthz', '/livez', '/metrics', '/readyz', '/version'] });
    }
    const m = /^\/api\/(v1)$/.exec(path) ?? /^\/apis\/([^/]+)\/([^/]+)$/.exec(path);
    if (m) {
      const [group, version] = path.startsWith('/api/') ? ['', m[1]!] : [m[1]!, m[2]!];
      if (!catalog.groups.some((g) => g.name === group && g.versions.includes(version))) throw ApiError.pathNotFound();
      return writeJson(res, 200, resourceList(catalog, group, version, extra));
    }
    const g = /^\/apis\/([^/]+)$/.exec(path);
    if (g) {
      const body = apiGroup(catalog, g[1]!);
      if (!body) throw ApiError.pathNotFound();
      return writeJson(res, 200, body);
    }
    for (const [, handler] of custom) {
      if ((await handler(req, res, url, user)) !== false) return;
    }
    throw ApiError.pathNotFound();
  }
}

/**
 * What RBAC is asked for a resource request. As in Kubernetes, a Namespace is authorized in
 * its own namespace (so a RoleBinding there can grant reading it), and streaming
 * subresources (exec, attach, port-forward) need `create`.
 */
function authorizationAttributes(user: UserInfo, info: ResourceRequestInfo): Attributes {
  const namespace = info.resource === 'namespaces' && info.group === '' && info.name ? info.name : info.namespace;
  return {
    user,
    verb: info.verb === 'connect' ? 'create' : info.verb,
    resource: { group: info.group, version: info.version, resource: info.resource, subresource: info.subresource, namespace, name: info.name },
  };
}

/** The aggregated discovery version the client asked for, if any (v2 preferred). */
function aggregatedVersion(accept: string | undefined): 'v2' | 'v2beta1' | undefined {
  for (const mt of parseAccept(accept)) {
    if (mt.params.as === 'APIGroupDiscoveryList' && mt.params.g === 'apidiscovery.k8s.io') {
      if (mt.params.v === 'v2' || mt.params.v === 'v2beta1') return mt.params.v;
    }
    if (mt.type === 'application/json' && !mt.params.as) return undefined;
  }
  return undefined;
}
