import * as dnsPacket from 'dns-packet';
import type { Answer, DecodedPacket, Packet } from 'dns-packet';
import type { Rcode } from './kubernetes-zone.js';

export const flagAA = 0x0400;
export const flagTC = 0x0200;
export const flagRD = 0x0100;
export const flagRA = 0x0080;

const rcodeValues = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
export type AnyRcode = Rcode | keyof typeof rcodeValues;

/** A decoded query plus the header fields dns-packet's types leave out. */
export type Query = DecodedPacket & { opcode?: string; rcode?: string };

interface OptRecord {
  type: 'OPT';
  name: string;
  udpPayloadSize: number;
  flags?: number;
}

/** The request's EDNS OPT record, if any. */
export function requestOpt(q: Packet): OptRecord | undefined {
  return (q.additionals ?? []).find((a) => a.type === 'OPT') as OptRecord | undefined;
}

/** The largest UDP reply the client accepts: its EDNS size (at least 512), else 512. */
export function maxUdpSize(q: Packet): number {
  const opt = requestOpt(q);
  return opt ? Math.max(512, Math.min(opt.udpPayloadSize || 512, 65535)) : 512;
}

export interface ReplyParts {
  rcode: AnyRcode;
  authoritative: boolean;
  recursionAvailable?: boolean;
  answers?: Answer[];
  authorities?: Answer[];
  additionals?: Answer[];
}

/** A reply to `q` (same id, question and RD bit), echoing EDNS when the client used it. */
export function buildReply(q: Packet, parts: ReplyParts): Packet {
  let flags = (q.flags ?? 0) & flagRD;
  if (parts.authoritative) flags |= flagAA;
  if (parts.recursionAvailable) flags |= flagRA;
  flags |= rcodeValues[parts.rcode];
  const opt = requestOpt(q);
  const additionals = [...(parts.additionals ?? [])];
  if (opt) {
    // Mirror the client's buffer size and DO bit, as CoreDNS does.
    additionals.push({ type: 'OPT', name: '.', udpPayloadSize: maxUdpSize(q), extendedRcode: 0, ednsVersion: 0, flags: (opt.flags ?? 0) & 0x8000, flag_do: false, options: [] } as unknown as Answer);
  }
  return { type: 'response', id: q.id, flags, questions: q.questions, answers: parts.answers ?? [], authorities: parts.authorities ?? [], additionals };
}

/**
 * Encodes a reply within `limit` bytes: first drops extra records (except OPT), then
 * answers, setting TC when answers had to go — the client then retries over TCP.
 */
export function encodeWithin(reply: Packet, limit: number): Buffer {
  let buf = dnsPacket.encode(reply);
  if (buf.length <= limit) return buf;
  const opt = (reply.additionals ?? []).filter((a) => a.type === 'OPT');
  const trimmed: Packet = { ...reply, additionals: opt };
  buf = dnsPacket.encode(trimmed);
  if (buf.length <= limit) return buf;
  const answers = reply.answers ?? [];
  let lo = 0;
  let hi = answers.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (dnsPacket.encodingLength({ ...trimmed, answers: answers.slice(0, mid), authorities: [] }) <= limit) lo = mid;
    else hi = mid - 1;
  }
  return dnsPacket.encode({ ...trimmed, answers: answers.slice(0, lo), authorities: [], flags: (reply.flags ?? 0) | flagTC });
}

/** A bare header-only error reply for a message too broken to decode. */
export function headerOnlyReply(raw: Buffer, rcode: AnyRcode): Buffer | undefined {
  if (raw.length < 12) return undefined;
  const out = Buffer.alloc(12);
  out.writeUInt16BE(raw.readUInt16BE(0), 0);
  out.writeUInt16BE(0x8000 | (raw.readUInt16BE(2) & (flagRD | 0x7800)) | rcodeValues[rcode], 2);
  return out;
}
