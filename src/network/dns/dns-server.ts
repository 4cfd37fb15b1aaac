import dgram from 'node:dgram';
import net from 'node:net';
import type { Logger } from '../../util/log.js';
import { frameTcp, type Transport } from './upstream.js';

export type MessageHandler = (raw: Buffer, transport: Transport) => Promise<Buffer | undefined>;

/** TCP clients that stay silent this long are closed (RFC 7766 suggests seconds). */
const tcpIdleMs = 10_000;

/**
 * UDP and TCP listeners on one address and port handing every message to `handler`.
 * TCP connections may carry several length-prefixed queries, answered as they finish.
 *
 * @example
 * const server = new DnsServer(handler, log);
 * const { port } = await server.listen('127.0.0.1', 0);
 */
export class DnsServer {
  private udp?: dgram.Socket;
  private tcp?: net.Server;
  private readonly conns = new Set<net.Socket>();

  constructor(
    private readonly handler: MessageHandler,
    private readonly log?: Logger,
  ) {}

  /** Binds UDP first (port 0 picks one) and TCP on the same port. */
  async listen(host: string, port: number): Promise<{ host: string; port: number }> {
    for (let attempt = 0; ; attempt++) {
      const udp = await this.bindUdp(host, port);
      const bound = udp.address().port;
      try {
        this.tcp = await this.bindTcp(host, bound);
        this.udp = udp;
        return { host, port: bound };
      } catch (err) {
        udp.close();
        // A random UDP port may be taken on TCP by someone else: pick another.
        if (port !== 0 || attempt >= 5) throw err;
      }
    }
  }

  async close(): Promise<void> {
    this.udp?.close();
    this.udp = undefined;
    for (const c of this.conns) c.destroy();
    await new Promise<void>((r) => (this.tcp ? this.tcp.close(() => r()) : r()));
    this.tcp = undefined;
  }

  private bindUdp(host: string, port: number): Promise<dgram.Socket> {
    return new Promise((resolve, reject) => {
      const sock = dgram.createSocket({ type: net.isIPv6(host) ? 'udp6' : 'udp4' });
      sock.once('error', reject);
      sock.bind(port, host, () => {
        sock.off('error', reject);
        sock.on('error', (err) => this.log?.warn({ err }, 'dns udp socket error'));
        sock.on('message', (msg, rinfo) => {
          this.handler(msg, 'udp').then(
            (reply) => reply && sock.send(reply, rinfo.port, rinfo.address),
            (err) => this.log?.warn({ err }, 'dns query failed'),
          );
        });
        resolve(sock);
      });
    });
  }

  private bindTcp(host: string, port: number): Promise<net.Server> {
    return new Promise((resolve, reject) => {
      const server = net.createServer((conn) => this.serveTcp(conn));
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve(server);
      });
    });
  }

  private serveTcp(conn: net.Socket): void {
    this.conns.add(conn);
    conn.setTimeout(tcpIdleMs, () => conn.destroy());
    conn.on('close', () => this.conns.delete(conn));
    conn.on('error', () => conn.destroy());
    let buf: Buffer = Buffer.alloc(0);
    conn.on('data', (d: Buffer) => {
      buf = buf.length ? Buffer.concat([buf, d]) : d;
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const msg = buf.subarray(2, 2 + buf.readUInt16BE(0));
        buf = buf.subarray(2 + msg.length);
        this.handler(Buffer.from(msg), 'tcp').then(
          (reply) => reply && !conn.destroyed && conn.write(frameTcp(reply)),
          (err) => this.log?.warn({ err }, 'dns query failed'),
        );
      }
    });
  }
}
