import dgram from 'node:dgram';
import net from 'node:net';
import { randomInt } from 'node:crypto';
import * as dnsPacket from 'dns-packet';
import type { Answer, RecordType } from 'dns-packet';

/** A resolver to forward to. */
export interface UpstreamServer {
  host: string;
  port: number;
}

export type Transport = 'udp' | 'tcp';

interface Pending {
  resolve(buf: Buffer): void;
  timer: NodeJS.Timeout;
  upstream: UpstreamServer;
}

/** Frames a DNS message for TCP (two-byte length prefix). */
export function frameTcp(msg: Buffer): Buffer {
  const len = Buffer.alloc(2);
  len.writeUInt16BE(msg.length);
  return Buffer.concat([len, msg]);
}

/**
 * Forwards queries that are not the cluster's to the host's resolvers, over the transport
 * the client used (so a truncated UDP answer makes the client retry over TCP, and that
 * retry reaches the upstream over TCP too). Upstreams are tried in order, each with a
 * timeout, like glibc's resolver does with resolv.conf.
 *
 * @example
 * const fwd = new Forwarder([{ host: '192.0.2.53', port: 53 }]);
 * const reply = await fwd.forward(queryBuffer, 'udp'); // undefined when every upstream failed
 */
export class Forwarder {
  private socket4?: dgram.Socket;
  private socket6?: dgram.Socket;
  private readonly pending = new Map<number, Pending>();

  constructor(
    readonly upstreams: UpstreamServer[],
    private readonly timeoutMs = 2000,
  ) {}

  /** The upstream's reply with the client's query id, or undefined when none answered. */
  async forward(query: Buffer, transport: Transport): Promise<Buffer | undefined> {
    if (query.length < 12) return undefined;
    const id = query.readUInt16BE(0);
    for (const upstream of this.upstreams) {
      const reply = transport === 'tcp' ? await this.tcp(upstream, query) : await this.udp(upstream, query);
      if (reply && reply.length >= 12) {
        const out = Buffer.from(reply);
        out.writeUInt16BE(id, 0);
        return out;
      }
    }
    return undefined;
  }

  /** Resolves a name upstream and returns the answer records (the CNAME target of ExternalName services). */
  async lookup(name: string, type: RecordType): Promise<Answer[] | undefined> {
    const query = dnsPacket.encode({ type: 'query', id: 0, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type, name, class: 'IN' }] });
    let reply = await this.forward(query, 'udp');
    if (reply && (reply.readUInt16BE(2) & 0x0200) !== 0) reply = await this.forward(query, 'tcp');
    if (!reply) return undefined;
    const decoded = dnsPacket.decode(reply);
    return (decoded as unknown as { rcode: string }).rcode === 'NOERROR' ? (decoded.answers ?? []) : undefined;
  }

  close(): void {
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.resolve(Buffer.alloc(0));
    }
    this.pending.clear();
    this.socket4?.close();
    this.socket6?.close();
    this.socket4 = this.socket6 = undefined;
  }

  private socketFor(host: string): dgram.Socket {
    const v6 = net.isIPv6(host);
    let s = v6 ? this.socket6 : this.socket4;
    if (s) return s;
    s = dgram.createSocket(v6 ? 'udp6' : 'udp4');
    s.on('message', (msg, rinfo) => this.onUdpReply(msg, rinfo));
    s.on('error', () => undefined);
    s.unref();
    if (v6) this.socket6 = s;
    else this.socket4 = s;
    return s;
  }

  private onUdpReply(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    if (msg.length < 12) return;
    const p = this.pending.get(msg.readUInt16BE(0));
    // Only the upstream we asked may answer (a cheap guard against spoofed replies).
    if (!p || p.upstream.port !== rinfo.port || net.isIP(p.upstream.host) !== 0 && rinfo.address !== p.upstream.host) return;
    this.pending.delete(msg.readUInt16BE(0));
    clearTimeout(p.timer);
    p.resolve(msg);
  }

  private udp(upstream: UpstreamServer, query: Buffer): Promise<Buffer | undefined> {
    let id = randomInt(0, 65536);
    for (let i = 0; this.pending.has(id) && i < 16; i++) id = randomInt(0, 65536);
    if (this.pending.has(id)) return Promise.resolve(undefined);
    const out = Buffer.from(query);
    out.writeUInt16BE(id, 0);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve(undefined);
      }, this.timeoutMs);
      this.pending.set(id, { resolve: (b) => resolve(b.length ? b : undefined), timer, upstream });
      this.socketFor(upstream.host).send(out, upstream.port, upstream.host, (err) => {
        if (!err) return;
        clearTimeout(timer);
        this.pending.delete(id);
        resolve(undefined);
      });
    });
  }

  private tcp(upstream: UpstreamServer, query: Buffer): Promise<Buffer | undefined> {
    return new Promise((resolve) => {
      const sock = net.connect({ host: upstream.host, port: upstream.port });
      let buf = Buffer.alloc(0);
      const done = (b: Buffer | undefined) => {
        clearTimeout(timer);
        sock.destroy();
        resolve(b);
      };
      const timer = setTimeout(() => done(undefined), this.timeoutMs);
      sock.on('connect', () => sock.write(frameTcp(query)));
      sock.on('data', (d: Buffer) => {
        buf = Buffer.concat([buf, d]);
        if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) done(buf.subarray(2, 2 + buf.readUInt16BE(0)));
      });
      sock.on('error', () => done(undefined));
      sock.on('close', () => done(undefined));
    });
  }
}
