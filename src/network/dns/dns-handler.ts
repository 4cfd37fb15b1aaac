import * as dnsPacket from 'dns-packet';
import type { KubernetesZone } from './kubernetes-zone.js';
import { buildReply, encodeWithin, headerOnlyReply, maxUdpSize, type Query } from './message.js';
import type { Forwarder, Transport } from './upstream.js';

const maxCached = 10_000;

/** Counts of answered queries, by how they were answered. */
export interface DnsStats {
  cluster: number;
  forwarded: number;
  failed: number;
  /** Answers served from the encoded-answer cache. */
  cacheHits: number;
  /** Requests by transport. */
  requests: { udp: number; tcp: number };
  /** Replies by response code (numeric, from the header). */
  rcodes: Map<number, number>;
}

/**
 * Answers one DNS message: names of the cluster zone (and PTRs of cluster IPs) from the
 * zone, everything else through the forwarder; SERVFAIL when no upstream answers.
 */
export class DnsHandler {
  readonly stats: DnsStats = { cluster: 0, forwarded: 0, failed: 0, cacheHits: 0, requests: { udp: 0, tcp: 0 }, rcodes: new Map() };
  /** Encoded cluster answers by query bytes (after the id), valid for one index generation. */
  private readonly cache = new Map<string, Buffer>();
  private cacheGeneration = -1;

  constructor(
    private readonly zone: KubernetesZone,
    private readonly forwarder: Forwarder,
    /** The cluster index's change counter (see ClusterIndex.generation). */
    private readonly generation: () => number = () => 0,
  ) {}

  async handle(raw: Buffer, transport: Transport): Promise<Buffer | undefined> {
    this.stats.requests[transport]++;
    const out = await this.answer(raw, transport);
    if (out && out.length >= 4) {
      const rcode = out[3]! & 0x0f;
      this.stats.rcodes.set(rcode, (this.stats.rcodes.get(rcode) ?? 0) + 1);
    }
    return out;
  }

  private async answer(raw: Buffer, transport: Transport): Promise<Buffer | undefined> {
    const gen = this.generation();
    if (gen !== this.cacheGeneration) {
      this.cache.clear();
      this.cacheGeneration = gen;
    }
    // Identical queries (same flags, name spelling, type and EDNS) get identical answers
    // until the cluster changes: serve them without decoding.
    const key = raw.length >= 12 ? transport + raw.toString('latin1', 2) : '';
    const hit = this.cache.get(key);
    if (hit) {
      this.stats.cluster++;
      this.stats.cacheHits++;
      const out = Buffer.from(hit);
      raw.copy(out, 0, 0, 2);
      return out;
    }
    let q: Query;
    try {
      q = dnsPacket.decode(raw) as Query;
    } catch {
      this.stats.failed++;
      return headerOnlyReply(raw, 'FORMERR');
    }
    if (q.type === 'response') return undefined;
    if (q.opcode !== 'QUERY') return encodeWithin(buildReply(q, { rcode: 'NOTIMP', authoritative: false }), 65535);
    const question = q.questions?.length === 1 ? q.questions[0]! : undefined;
    if (!question) return encodeWithin(buildReply(q, { rcode: 'FORMERR', authoritative: false }), 65535);
    const limit = transport === 'udp' ? maxUdpSize(q) : 65535;
    if (this.zone.handles(question.name)) {
      this.stats.cluster++;
      const a = await this.zone.resolve(question);
      const out = encodeWithin(buildReply(q, { rcode: a.rcode, authoritative: true, answers: a.answers, authorities: a.authorities, additionals: a.additionals }), limit);
      if (a.cacheable && this.generation() === gen) {
        if (this.cache.size >= maxCached) this.cache.clear();
        this.cache.set(key, out);
      }
      return out;
    }
    const reply = await this.forwarder.forward(raw, transport);
    if (reply) {
      this.stats.forwarded++;
      return reply;
    }
    this.stats.failed++;
    return encodeWithin(buildReply(q, { rcode: 'SERVFAIL', authoritative: false, recursionAvailable: true }), limit);
  }
}
