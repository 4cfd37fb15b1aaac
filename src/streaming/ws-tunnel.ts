import { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';

/**
 * A WebSocket as a plain byte stream: every binary message is a chunk, every write one
 * message. kubectl 1.31+ tunnels its SPDY port-forward session this way
 * (`SPDY/3.1+portforward.k8s.io`); the SPDY connection then runs on top.
 *
 * @example
 * const conn = new SpdyConnection(websocketTunnel(ws), { server: true });
 */
export function websocketTunnel(ws: WebSocket): Duplex {
  const duplex = new Duplex({
    read() {
      if (ws.isPaused) ws.resume();
    },
    write(chunk: Buffer, _enc, cb) {
      if (ws.readyState !== ws.OPEN) return cb(new Error('WebSocket is closed'));
      ws.send(chunk, { binary: true }, (err) => cb(err ?? null));
    },
    final(cb) {
      if (ws.readyState === ws.OPEN) ws.close(1000);
      cb();
    },
    destroy(err, cb) {
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.terminate();
      cb(err);
    },
  });
  ws.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
    const chunk = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    if (!duplex.push(chunk)) ws.pause();
  });
  ws.on('close', () => {
    duplex.push(null);
    if (!duplex.destroyed) duplex.destroy();
  });
  ws.on('error', (err) => duplex.destroy(err));
  return duplex;
}
