import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { headerList, writeRawResponse } from './http-upgrade.js';
import { negotiate } from './protocols.js';

/**
 * Completes a WebSocket handshake with the first subprotocol the client offers that
 * `supported` lists ("" when the client offers none and `supported` includes ""). A client
 * offering only unknown subprotocols gets a 400, as from Kubernetes' wsstream.
 */
export function acceptWebSocket(req: IncomingMessage, socket: Duplex, head: Buffer, supported: readonly string[]): Promise<{ ws: WebSocket; protocol: string } | undefined> {
  const offered = headerList(req, 'Sec-WebSocket-Protocol');
  const protocol = offered.length === 0 ? (supported.includes('') ? '' : undefined) : negotiate(offered, supported);
  if (protocol === undefined) {
    writeRawResponse(socket, 400, `requested protocol(s) are not supported: [${offered.join(' ')}]; supports [${supported.filter(Boolean).join(' ')}]\n`);
    return Promise.resolve(undefined);
  }
  // The subprotocol was chosen above. ws would re-parse the header and reject names that are
  // not RFC 7230 tokens, such as kubectl's `SPDY/3.1+portforward.k8s.io`; it sees a
  // placeholder instead and answers with the chosen name.
  if (protocol) req.headers['sec-websocket-protocol'] = 'k8ts';
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, handleProtocols: () => protocol || false });
  return new Promise((resolve) => {
    // An invalid handshake is answered (400) by ws itself and never reaches the callback.
    socket.once('close', () => resolve(undefined));
    wss.handleUpgrade(req, socket, head, (ws) => resolve({ ws, protocol }));
  });
}
