// Test helpers for the DNS server: a fake upstream resolver on loopback and a `dig` runner.
import dgram from 'node:dgram';
import { execFile } from 'node:child_process';
import net from 'node:net';
import * as dnsPacket from 'dns-packet';
import type { Answer } from 'dns-packet';
import { frameTcp } from './upstream.js';

/** A loopback resolver that knows a fixed record set (names lower-case, no trailing dot). */
export interface FakeUpstream {
  port: number;
  /** Queries seen, as `name TYPE transport`. */
  seen: string[];
  close(): Promise<void>;
}

/** Listens on `host` (default 127.0.0.1) and `port` (default a free one; 53 for a resolv.conf nameserver). */
export async function startFakeUpstream(records: Record<string, Answer[]>, at: { host?: string; port?: number } = {}): Promise<FakeUpstream> {
  const host = at.host ?? '127.0.0.1';
  const seen: string[] = [];
  const answer = (raw: Buffer, transport: 'udp' | 'tcp'): Buffer => {
    const q = dnsPacket.decode(raw);
    const question = q.questions![0]!;
    seen.push(`${question.name.toLowerCase()} ${question.type} ${transport}`);
    const all = records[question.name.toLowerCase()];
    const answers = (all ?? []).filter((a) => a.type === question.type);
    const reply = { type: 'response' as const, id: q.id, flags: 0x0100 | 0x0080 | (all ? 0 : 3), questions: q.questions, answers };
    const buf = dnsPacket.encode(reply);
    // A real resolver truncates over UDP beyond 512 bytes (no EDNS in this fake).
    if (transport === 'udp' && buf.length > 512) return dnsPacket.encode({ ...reply, answers: [], flags: reply.flags | 0x0200 });
    return buf;
  };
  // UDP and TCP on the same port: with a free port asked for, try again while the TCP side
  // of the port UDP got is taken by someone else.
  const listen = async (): Promise<{ udp: dgram.Socket; tcp: net.Server }> => {
    const udp = dgram.createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(at.port ?? 0, host, () => resolve());
    });
    const tcp = net.createServer((c) => {
      let buf = Buffer.alloc(0);
      c.on('data', (d: Buffer) => {
        buf = Buffer.concat([buf, d]);
        while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
          const msg = buf.subarray(2, 2 + buf.readUInt16BE(0));
          buf = buf.subarray(2 + msg.length);
          c.write(frameTcp(answer(Buffer.from(msg), 'tcp')));
        }
      });
      c.on('error', () => c.destroy());
    });
    try {
      await new Promise<void>((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen(udp.address().port, host, () => resolve());
      });
    } catch (err) {
      udp.close();
      if (at.port !== undefined) throw err;
      return listen();
    }
    return { udp, tcp };
  };
  const { udp, tcp } = await listen();
  const port = udp.address().port;
  udp.on('message', (msg, rinfo) => udp.send(answer(msg, 'udp'), rinfo.port, rinfo.address));
  return {
    port,
    seen,
    close: async () => {
      udp.close();
      await new Promise<void>((r) => tcp.close(() => r()));
    },
  };
}

/** What `dig` printed, split into the parts tests look at. */
export interface DigResult {
  status: string;
  flags: string[];
  answer: string[][];
  authority: string[][];
  additional: string[][];
  raw: string;
}

/** Runs the real `dig` against a server on loopback and parses its default output. */
export function dig(port: number, args: string[]): Promise<DigResult> {
  return new Promise((resolve, reject) => {
    execFile('dig', ['@127.0.0.1', '-p', String(port), '+tries=1', '+time=3', ...args], { encoding: 'utf8' }, (err, stdout) => {
      if (err && !stdout) return reject(err);
      const status = /status: ([A-Z]+)/.exec(stdout)?.[1] ?? '';
      const flags = (/;; flags: ([a-z ]+);/.exec(stdout)?.[1] ?? '').trim().split(/\s+/);
      const section = (title: string): string[][] => {
        const m = new RegExp(`;; ${title} SECTION:\\n([\\s\\S]*?)(?:\\n\\n|$)`).exec(stdout);
        return m ? m[1]!.split('\n').filter((l) => l && !l.startsWith(';')).map((l) => l.split(/\s+/)) : [];
      };
      resolve({ status, flags, answer: section('ANSWER'), authority: section('AUTHORITY'), additional: section('ADDITIONAL'), raw: stdout });
    });
  });
}
