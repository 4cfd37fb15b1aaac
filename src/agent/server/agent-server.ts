import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { KubeObject } from '../../api/types.js';
import type { Logger } from '../../util/log.js';
import type { NodeCredentials } from '../join/node-credentials.js';
import { writeContainerLog } from '../logs/cri-log-reader.js';
import type { ContainerRuntime } from '../runtime/container-runtime.js';
import { NoLogsError, logContainerId } from './container-logs.js';
import { LogOptionsError, parseLogQuery } from './log-options.js';
import { serveStats, type StatsSource } from './stats-routes.js';

/** What the agent's server reads: the pods it runs and the status it last reported. */
export interface AgentPods {
  pod(namespace: string, name: string): KubeObject | undefined;
  status(pod: KubeObject): Record<string, unknown> | undefined;
  list(): KubeObject[];
}

/** Upgrade-based endpoints (exec, attach, port-forward) mounted on the same server. */
export interface UpgradeRoutes {
  request(req: IncomingMessage, res: ServerResponse): boolean;
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
}

export interface AgentServerOptions {
  credentials: NodeCredentials;
  streaming?: UpgradeRoutes;
  host?: string;
  port: number;
  pods: AgentPods;
  runtime: ContainerRuntime;
  /** Resource usage for `/stats/summary` and `/metrics/resource`. */
  stats?: StatsSource;
  log: Logger;
}

function status(res: ServerResponse, code: number, reason: string, message: string): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(code, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code }));
}

/** Callers the agent serves: the API server's kubelet client (or any cluster admin). */
function allowed(req: IncomingMessage): { ok: true } | { ok: false; code: number; message: string } {
  const socket = req.socket as TLSSocket;
  if (!socket.authorized) return { ok: false, code: 401, message: 'Unauthorized' };
  const subject = socket.getPeerCertificate()?.subject;
  const orgs = subject?.O === undefined ? [] : Array.isArray(subject.O) ? subject.O : [subject.O];
  if (orgs.includes('system:masters') || subject?.CN === 'kube-apiserver-kubelet-client') return { ok: true };
  return { ok: false, code: 403, message: `Forbidden (user=${subject?.CN ?? ''}, verb=get, resource=nodes, subresource=proxy)` };
}

/**
 * The agent's HTTPS API (the kubelet's port 10250): `GET /containerLogs/<ns>/<pod>/<container>`
 * with kubectl's log options, `GET /pods`, `/healthz`, and the streaming routes (exec,
 * attach, port-forward) when given. Only clients with a certificate
 * from the cluster CA in `system:masters` (the API server's kubelet client) get in.
 *
 * @example
 * const server = new AgentServer({ credentials, port: 10250, pods, runtime, log });
 * const port = await server.listen();
 */
export class AgentServer {
  private server?: https.Server;
  private readonly streams = new Set<AbortController>();

  constructor(private readonly opts: AgentServerOptions) {}

  async listen(): Promise<number> {
    const c = this.opts.credentials;
    const server = https.createServer({ cert: c.servingCertPem, key: c.servingKeyPem, ca: c.caCertPem, requestCert: true, rejectUnauthorized: false }, (req, res) => {
      void this.handle(req, res).catch((err) => {
        this.opts.log.warn({ err, url: req.url }, 'agent request failed');
        status(res, 500, 'InternalError', err instanceof Error ? err.message : String(err));
      });
    });
    server.requestTimeout = 0;
    server.on('upgrade', (req, socket, head) => {
      if (!this.opts.streaming?.upgrade(req, socket, head)) socket.destroy();
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port, this.opts.host ?? '0.0.0.0', () => resolve());
    });
    return (server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const s of this.streams) s.abort();
    const s = this.server;
    if (!s) return;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://agent');
    if (url.pathname === '/healthz') {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('ok');
      return;
    }
    if (this.opts.streaming?.request(req, res)) return;
    const auth = allowed(req);
    if (!auth.ok) return status(res, auth.code, auth.code === 401 ? 'Unauthorized' : 'Forbidden', auth.message);
    if (req.method !== 'GET') return status(res, 405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    if (url.pathname === '/pods') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: {}, items: this.opts.pods.list() }));
      return;
    }
    if (await serveStats(url.pathname, res, this.opts.stats)) return;
    const m = /^\/containerLogs\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    if (m) return this.containerLogs(req, res, decodeURIComponent(m[1]!), decodeURIComponent(m[2]!), decodeURIComponent(m[3]!), url.searchParams);
    status(res, 404, 'NotFound', 'the server could not find the requested resource');
  }

  private async containerLogs(_req: IncomingMessage, res: ServerResponse, ns: string, name: string, container: string, q: URLSearchParams): Promise<void> {
    const pod = this.opts.pods.pod(ns, name);
    if (!pod) return status(res, 404, 'NotFound', `pod "${name}" not found`);
    let query;
    try {
      query = parseLogQuery(q, Date.now());
    } catch (err) {
      if (err instanceof LogOptionsError) return status(res, 400, 'BadRequest', err.message);
      throw err;
    }
    let id: string;
    try {
      id = await logContainerId(pod, this.opts.pods.status(pod), container, query.previous, this.opts.runtime);
    } catch (err) {
      if (err instanceof NoLogsError) return status(res, err.code, 'BadRequest', err.message);
      throw err;
    }
    const info = await this.opts.runtime.state(id);
    if (!info) return status(res, 400, 'BadRequest', `container "${container}" in pod "${name}" is not available`);
    const abort = new AbortController();
    this.streams.add(abort);
    res.on('close', () => abort.abort());
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
    // Headers first, so `kubectl logs -f` of a quiet container connects at once.
    res.flushHeaders();
    try {
      await writeContainerLog(info.logPath, query, res, {
        isRunning: async () => (await this.opts.runtime.state(id))?.state.phase === 'running',
        signal: abort.signal,
      }).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      });
    } finally {
      this.streams.delete(abort);
      res.end();
    }
  }
}
