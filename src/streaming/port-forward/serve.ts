import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { headerList, isSpdyRequest, isWebSocketRequest, restoreHead, writeRawResponse, writeSpdyUpgrade } from '../http-upgrade.js';
import { Header, negotiate, PORT_FORWARD_PROTOCOL, SPDY_TUNNEL_PREFIX } from '../protocols.js';
import { SpdyConnection } from '../spdy/spdy-connection.js';
import { acceptWebSocket } from '../ws-accept.js';
import { websocketTunnel } from '../ws-tunnel.js';
import type { PortConnector } from './pipe.js';
import { servePortForwardStreams } from './spdy-port-forward.js';
import { parsePorts, serveWebSocketPortForward, webSocketPortForwardProtocols } from './ws-port-forward.js';

const tunnelProtocol = SPDY_TUNNEL_PREFIX + PORT_FORWARD_PROTOCOL;

/**
 * Serves one port-forward request in whichever form it came: SPDY (kubectl ≤ 1.30, and the
 * fallback of newer ones), SPDY tunnelled in a WebSocket (kubectl 1.31+), or the channel
 * protocol over a WebSocket (client libraries, `?ports=`).
 *
 * @example
 * servePortForward(req, socket, head, url.searchParams, { pod: 'web', uid }, (port) => dialer.connect(port));
 */
export async function servePortForward(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  query: URLSearchParams,
  target: { pod: string; uid: string },
  connect: PortConnector,
): Promise<void> {
  if (isWebSocketRequest(req)) {
    const offered = headerList(req, 'Sec-WebSocket-Protocol');
    if (offered.includes(tunnelProtocol)) {
      const accepted = await acceptWebSocket(req, socket, head, [tunnelProtocol]);
      if (!accepted) return;
      servePortForwardStreams(new SpdyConnection(websocketTunnel(accepted.ws), { server: true }), target, connect);
      return;
    }
    let ports: number[];
    try {
      ports = parsePorts(query);
    } catch (err) {
      writeRawResponse(socket, 400, `${(err as Error).message}\n`);
      return;
    }
    const accepted = await acceptWebSocket(req, socket, head, webSocketPortForwardProtocols);
    if (!accepted) return;
    await serveWebSocketPortForward(accepted.ws, accepted.protocol, ports, target, connect);
    return;
  }
  if (!isSpdyRequest(req)) {
    writeRawResponse(socket, 400, 'Upgrade request required\n');
    return;
  }
  const offered = headerList(req, Header.streamProtocolVersion);
  if (!negotiate(offered, [PORT_FORWARD_PROTOCOL])) {
    const msg = offered.length === 0
      ? `unable to upgrade: ${Header.streamProtocolVersion} is required`
      : `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server accepts [${PORT_FORWARD_PROTOCOL}]`;
    writeRawResponse(socket, offered.length === 0 ? 400 : 403, `${msg}\n`);
    return;
  }
  writeSpdyUpgrade(socket, PORT_FORWARD_PROTOCOL);
  restoreHead(socket, head);
  servePortForwardStreams(new SpdyConnection(socket, { server: true }), target, connect);
}
