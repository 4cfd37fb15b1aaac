import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

/** True for a WebSocket handshake (`Upgrade: websocket` with `Connection: upgrade`). */
export function isWebSocketRequest(req: IncomingMessage): boolean {
  return String(req.headers.upgrade ?? '').toLowerCase() === 'websocket' && /(^|,)\s*upgrade\s*($|,)/i.test(String(req.headers.connection ?? ''));
}

/** True for a SPDY upgrade (`Upgrade: SPDY/3.1`), what kubectl sends for exec before 1.30 and for port-forward. */
export function isSpdyRequest(req: IncomingMessage): boolean {
  return /^spdy\/3(\.1)?$/i.test(String(req.headers.upgrade ?? '').trim());
}

/**
 * Every value of a header that may be repeated or comma-joined (Node joins repeats of
 * unknown headers with ", "), e.g. X-Stream-Protocol-Version or Sec-WebSocket-Protocol.
 */
export function headerList(req: IncomingMessage, name: string): string[] {
  const raw = req.headers[name.toLowerCase()];
  const values = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

/**
 * Writes a complete HTTP response on a socket that was handed over by an `upgrade` event
 * (no ServerResponse exists there) and closes it.
 */
export function writeRawResponse(socket: Duplex, status: number, body: string, headers: Record<string, string> = {}): void {
  if (socket.destroyed) return;
  const all: Record<string, string> = {
    'Content-Type': 'text/plain; charset=utf-8',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
    'Content-Length': String(Buffer.byteLength(body)),
    Connection: 'close',
  };
  const lines = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`, ...Object.entries(all).map(([k, v]) => `${k}: ${v}`)];
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
}

/** The `101 Switching Protocols` answer to a SPDY upgrade. */
export function writeSpdyUpgrade(socket: Duplex, protocol?: string): void {
  const lines = ['HTTP/1.1 101 Switching Protocols', 'Connection: Upgrade', 'Upgrade: SPDY/3.1'];
  if (protocol) lines.push(`X-Stream-Protocol-Version: ${protocol}`);
  socket.write(`${lines.join('\r\n')}\r\n\r\n`);
}

/** Puts bytes the HTTP parser read past the request head back in front of the socket's data. */
export function restoreHead(socket: Duplex, head: Buffer): void {
  if (head.length) socket.unshift(head);
}
