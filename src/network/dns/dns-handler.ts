import * as dnsPacket from 'dns-packet';
import type { KubernetesZone } from './kubernetes-zone.js';
import { buildReply, encodeWithin, headerOnlyReply, maxUdpSize, type Query } from './message.js';
import type { Forwarder, Transport } from './upstream.js';

/** Counts of answered queries, by how they were answered. */
export interface DnsStats {
  cluster: number;
  forwarded: number;
  failed: number;
}

/**
 * Answers one DNS message: names of the cluster zone (and PTRs of cluster IPs) from the
 * zone, everything else through the forwarder; SERVFAIL when no upstream answers.
 */
export class DnsHandler {
  readonly stats: DnsStats = { cluster: 0, forwarded: 0, failed: 0 };

  constructor(
    private readonly zone: KubernetesZone,
    private readonly forwarder: Forwarder,
  ) {}

  async handle(raw: Buffer, transport: Transport): Promise<Buffer | undefined> {
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
      return encodeWithin(buildReply(q, { rcode: a.rcode, authoritative: true, answers: a.answers, authorities: a.authorities, additionals: a.additionals }), limit);
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
