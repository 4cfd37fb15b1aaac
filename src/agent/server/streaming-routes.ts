import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { outcomeStatus, successStatus } from '../../streaming/exec-status.js';
import { writeRawResponse } from '../../streaming/http-upgrade.js';
import { servePortForward } from '../../streaming/port-forward/serve.js';
import { serveRemoteCommand } from '../../streaming/remote-command/serve.js';
import type { RemoteCommandStreams } from '../../streaming/remote-command/session.js';
import type { Logger } from '../../util/log.js';
import { ExecStartError, type Attacher, type ExecRunner, type PodPortDialer, type StreamingTargets } from '../streaming/contracts.js';

export interface StreamingRoutesOptions {
  targets: StreamingTargets;
  exec: ExecRunner;
  attach: Attacher;
  ports: PodPortDialer;
  log?: Logger;
  /** Who may stream; by default the API server's kubelet-client certificate or `system:masters`. */
  authorize?: (socket: TLSSocket) => boolean;
}

/** The kubelet-style streaming paths (`/exec/<ns>/<pod>[/<uid>]/<container>`, `/portForward/<ns>/<pod>[/<uid>]`). */
type Route =
  | { kind: 'exec' | 'attach'; namespace: string; pod: string; container: string }
  | { kind: 'portForward'; namespace: string; pod: string };

export function parseStreamingPath(pathname: string): Route | undefined {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const [kind, namespace, pod] = parts;
  if (!namespace || !pod) return undefined;
  if ((kind === 'exec' || kind === 'attach') && (parts.length === 4 || parts.length === 5)) return { kind, namespace, pod, container: parts[parts.length - 1]! };
  if (kind === 'portForward' && (parts.length === 3 || parts.length === 4)) return { kind, namespace, pod };
  return undefined;
}

/** The API server's client certificate (CN kube-apiserver-kubelet-client) or any cluster admin. */
export function defaultStreamingAuthorizer(socket: TLSSocket): boolean {
  if (!socket.authorized) return false;
  const subject = socket.getPeerCertificate()?.subject;
  if (!subject) return false;
  const orgs = Array.isArray(subject.O) ? subject.O : subject.O ? [subject.O] : [];
  return subject.CN === 'kube-apiserver-kubelet-client' || orgs.includes('system:masters');
}

function peerName(socket: TLSSocket): string {
  const cn = socket.authorized ? socket.getPeerCertificate()?.subject?.CN : undefined;
  return (Array.isArray(cn) ? cn[0] : cn) || 'system:anonymous';
}

/**
 * The agent's streaming endpoints, as the kubelet serves them to the API server: exec,
 * attach and port-forward over WebSocket or SPDY. Mount on the agent's HTTPS server:
 * `upgrade` takes the server's `upgrade` events, `request` answers plain requests to these
 * paths (they need an upgrade). Both return false for paths that are not theirs.
 *
 * @example
 * const routes = new StreamingRoutes({ targets, exec, attach, ports });
 * server.on('upgrade', (req, socket, head) => routes.upgrade(req, socket, head) || socket.destroy());
 */
export class StreamingRoutes {
  constructor(private readonly opts: StreamingRoutesOptions) {}

  request(req: IncomingMessage, res: ServerResponse): boolean {
    const url = new URL(req.url ?? '/', 'https://agent');
    if (!parseStreamingPath(url.pathname)) return false;
    res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('Upgrade request required\n');
    return true;
  }

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? '/', 'https://agent');
    const route = parseStreamingPath(url.pathname);
    if (!route) return false;
    socket.on('error', () => socket.destroy());
    if ('setNoDelay' in socket) (socket as TLSSocket).setNoDelay(true);
    void this.serve(route, req, socket, head, url.searchParams).catch((err: Error) => {
      this.opts.log?.error({ err, path: url.pathname }, 'streaming request failed');
      writeRawResponse(socket, 500, `${err.message}\n`);
    });
    return true;
  }

  private async serve(route: Route, req: IncomingMessage, socket: Duplex, head: Buffer, query: URLSearchParams): Promise<void> {
    const tls = socket as TLSSocket;
    const authorize = this.opts.authorize ?? defaultStreamingAuthorizer;
    if (!authorize(tls)) {
      const resource = route.kind === 'portForward' ? 'portforward' : route.kind;
      writeRawResponse(socket, 403, `Forbidden (user=${peerName(tls)}, verb=create, resource=nodes, subresource(s)=[proxy ${resource}])\n`);
      return;
    }
    const { targets } = this.opts;
    if (route.kind === 'portForward') {
      const net = await targets.podNetwork(route.namespace, route.pod);
      if (!net) {
        writeRawResponse(socket, 404, 'pod does not exist\n');
        return;
      }
      await servePortForward(req, socket, head, query, { pod: route.pod, uid: net.podUid }, (port) => this.opts.ports.dial(net, port));
      return;
    }
    const target = await targets.container(route.namespace, route.pod, route.container);
    if (!target) {
      writeRawResponse(socket, 404, `container not found ("${route.container}")\n`);
      return;
    }
    if (route.kind === 'exec') {
      await serveRemoteCommand(req, socket, head, query, true, async (streams: RemoteCommandStreams, opts) => {
        try {
          const code = await this.opts.exec.exec(target, opts.command, streams);
          return outcomeStatus({ kind: 'exited', exitCode: code }, opts.command);
        } catch (err) {
          if (!(err instanceof ExecStartError)) throw err;
          return outcomeStatus({ kind: 'failed', message: `error executing command in container: ${err.message}` }, opts.command);
        }
      });
      return;
    }
    await serveRemoteCommand(req, socket, head, query, false, async (streams) => {
      await this.opts.attach.attach(target, streams);
      return successStatus();
    });
  }
}
