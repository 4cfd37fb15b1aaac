import net from 'node:net';
import type { Endpoint } from './backends.js';

/** Idle upstream connections are closed after this long (nginx keepalive_timeout is 60 s). */
const idleMs = 60_000;
/** At most this many idle connections are kept per endpoint (nginx `keepalive 320`). */
const maxIdle = 320;

/**
 * Keep-alive connections to backends, per endpoint, reused last-in first-out so few stay
 * warm. An idle connection the backend closes simply leaves the pool.
 */
export class UpstreamPool {
  private readonly idle = new Map<string, net.Socket[]>();

  /** A pooled connection (`reused`: it may have been closed by the backend meanwhile) or a new one. */
  acquire(ep: Endpoint): { socket: net.Socket; reused: boolean } {
    const key = `${ep.host}:${ep.port}`;
    const list = this.idle.get(key);
    while (list?.length) {
      const s = list.pop()!;
      if (s.destroyed || s.readyState !== 'open') continue;
      for (const ev of ['data', 'close', 'error', 'timeout']) s.removeAllListeners(ev);
      s.setTimeout(0);
      return { socket: s, reused: true };
    }
    const socket = net.connect({ host: ep.host, port: ep.port, noDelay: true });
    return { socket, reused: false };
  }

  /** Returns a connection that finished a response cleanly. */
  release(ep: Endpoint, socket: net.Socket): void {
    const key = `${ep.host}:${ep.port}`;
    let list = this.idle.get(key);
    if (!list) this.idle.set(key, (list = []));
    if (list.length >= maxIdle || socket.destroyed) {
      socket.destroy();
      return;
    }
    socket.removeAllListeners('data');
    socket.removeAllListeners('end');
    socket.removeAllListeners('close');
    socket.removeAllListeners('error');
    socket.removeAllListeners('timeout');
    socket.removeAllListeners('drain');
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      const i = list!.indexOf(socket);
      if (i >= 0) list!.splice(i, 1);
    });
    // Bytes from an idle backend are a protocol error: drop the connection.
    socket.on('data', () => socket.destroy());
    socket.setTimeout(idleMs, () => socket.destroy());
    list.push(socket);
  }

  close(): void {
    for (const list of this.idle.values()) for (const s of list.splice(0)) s.destroy();
  }
}
