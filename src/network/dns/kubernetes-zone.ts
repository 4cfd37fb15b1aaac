import { isIPv4, isIPv6 } from 'node:net';
import type { Answer, Question, RecordType } from 'dns-packet';
import type { ClusterIndex } from './cluster-index.js';
import { type ClusterTarget, lookupClusterName, type PodsMode, reverseLookup } from './cluster-lookup.js';
import { inZone, normalizeName, parseClusterName } from './query-name.js';
import { ipFromReverseName, isReverseName } from './reverse-name.js';

export type Rcode = 'NOERROR' | 'NXDOMAIN' | 'SERVFAIL' | 'REFUSED';

/** An authoritative answer from the cluster zone. */
export interface ZoneAnswer {
  rcode: Rcode;
  /** False when the answer used an upstream lookup or the caches were not synced: do not cache it. */
  cacheable?: boolean;
  answers: Answer[];
  authorities: Answer[];
  additionals: Answer[];
}

/** Resolves a name outside the zone (the CNAME target of an ExternalName service). */
export type UpstreamLookup = (name: string, type: RecordType) => Promise<Answer[] | undefined>;

export interface ZoneOptions {
  /** The cluster domain, e.g. `cluster.local`. */
  zone: string;
  /** Record TTL in seconds (CoreDNS's kubernetes plugin default: 5). */
  ttl: number;
  pods: PodsMode;
  /** The kube-dns Service IP, named by the zone's NS record. */
  nameserverIP?: string;
}

/** What answering one query touched. */
interface Trace {
  usedUpstream: boolean;
}

/** CoreDNS stops following CNAME chains after this many links. */
const maxCnameChain = 8;

/**
 * The cluster zone with CoreDNS kubernetes-plugin answers: A/AAAA, SRV, PTR, CNAME for
 * ExternalName, SOA/NS at the apex, NODATA (NOERROR + SOA) for names without the asked
 * type and NXDOMAIN + SOA for names that do not exist.
 *
 * @example
 * const zone = new KubernetesZone(index, { zone: 'cluster.local', ttl: 5, pods: 'insecure' });
 * const answer = await zone.resolve({ name: 'web.default.svc.cluster.local', type: 'A' });
 */
export class KubernetesZone {
  private readonly zone: string;

  constructor(
    private readonly index: ClusterIndex,
    private readonly opts: ZoneOptions,
    private readonly upstream?: UpstreamLookup,
  ) {
    this.zone = normalizeName(opts.zone);
  }

  /** Whether a name is answered here (the cluster zone, or a reverse name the cluster knows). */
  handles(name: string): boolean {
    const n = normalizeName(name);
    if (inZone(n, this.zone)) return true;
    if (!isReverseName(n)) return false;
    const ip = ipFromReverseName(n);
    return ip !== undefined && reverseLookup(this.index, ip, this.zone).length > 0;
  }

  async resolve(q: Question): Promise<ZoneAnswer> {
    // Per query, since lookups interleave on the event loop.
    const trace: Trace = { usedUpstream: false };
    const a = await this.answer(q, trace);
    a.cacheable = !trace.usedUpstream && this.index.hasSynced();
    return a;
  }

  private async answer(q: Question, trace: Trace): Promise<ZoneAnswer> {
    const n = normalizeName(q.name);
    if (!inZone(n, this.zone)) return this.reverse(q, n);
    if (q.type === 'AXFR' || q.type === 'IXFR') return this.reply('REFUSED', []);
    if (n === this.zone && q.type === 'SOA') return this.reply('NOERROR', [this.soa(q.name)]);
    if (n === this.zone && q.type === 'NS') return this.nsAnswer(q.name);
    const result = lookupClusterName(this.index, parseClusterName(n, this.zone), this.zone, this.opts.pods);
    if (result.kind === 'nxdomain') return this.negative(this.index.hasSynced() ? 'NXDOMAIN' : 'SERVFAIL');
    const { answers, additionals } = await this.records(q, result.targets, 0, trace);
    return answers.length ? { rcode: 'NOERROR', answers, authorities: [], additionals } : this.negative('NOERROR');
  }

  private async records(q: Question, targets: ClusterTarget[], depth: number, trace: Trace): Promise<{ answers: Answer[]; additionals: Answer[] }> {
    const ttl = this.opts.ttl;
    if (q.type === 'A' || q.type === 'AAAA') return { answers: await this.addresses(q.name, q.type, targets, depth, trace), additionals: [] };
    if (q.type === 'CNAME') {
      return { answers: targets.filter((t) => !isIPv4(t.host) && !isIPv6(t.host)).map((t) => ({ type: 'CNAME', name: q.name, ttl, data: t.host })), additionals: [] };
    }
    if (q.type === 'SRV') return this.srv(q.name, targets);
    return { answers: [], additionals: [] };
  }

  private async addresses(name: string, type: 'A' | 'AAAA', targets: ClusterTarget[], depth: number, trace: Trace): Promise<Answer[]> {
    const ttl = this.opts.ttl;
    const out: Answer[] = [];
    const seen = new Set<string>();
    for (const t of targets) {
      if (isIPv4(t.host) || isIPv6(t.host)) {
        if ((type === 'A') !== isIPv4(t.host) || seen.has(t.host)) continue;
        seen.add(t.host);
        out.push({ type, name, ttl, data: t.host });
        continue;
      }
      if (depth >= maxCnameChain) continue;
      const cname: Answer = { type: 'CNAME', name, ttl, data: t.host };
      const next = await this.follow(t.host, type, depth + 1, trace);
      // CoreDNS only answers the CNAME when its target resolved.
      if (next?.length) out.push(cname, ...next);
    }
    return out;
  }

  private async follow(target: string, type: 'A' | 'AAAA', depth: number, trace: Trace): Promise<Answer[] | undefined> {
    const n = normalizeName(target);
    if (!inZone(n, this.zone)) {
      trace.usedUpstream = true;
      return this.upstream?.(target, type).catch(() => undefined);
    }
    const result = lookupClusterName(this.index, parseClusterName(n, this.zone), this.zone, this.opts.pods);
    return result.kind === 'found' ? this.addresses(target, type, result.targets, depth, trace) : undefined;
  }

  /** SRV answers with equal weights summing to ~100 and the targets' addresses as extras. */
  private srv(name: string, targets: ClusterTarget[]): { answers: Answer[]; additionals: Answer[] } {
    const ttl = this.opts.ttl;
    const weight = Math.max(1, Math.floor(100 / Math.max(1, targets.length)));
    const answers: Answer[] = [];
    const additionals: Answer[] = [];
    const seenSrv = new Set<string>();
    const seenExtra = new Set<string>();
    for (const t of targets) {
      if (t.port === -1) continue;
      const isAddr = isIPv4(t.host) || isIPv6(t.host);
      const target = isAddr ? t.target : t.host;
      const key = `${target}|${t.port}`;
      if (!seenSrv.has(key)) {
        seenSrv.add(key);
        answers.push({ type: 'SRV', name, ttl, data: { priority: 0, weight, port: t.port, target } });
      }
      if (isAddr && !seenExtra.has(`${target}|${t.host}`)) {
        seenExtra.add(`${target}|${t.host}`);
        additionals.push({ type: isIPv4(t.host) ? 'A' : 'AAAA', name: target, ttl, data: t.host });
      }
    }
    return { answers, additionals };
  }

  private async reverse(q: Question, n: string): Promise<ZoneAnswer> {
    const ip = ipFromReverseName(n);
    const names = ip ? [...new Set(reverseLookup(this.index, ip, this.zone))] : [];
    if (q.type !== 'PTR' || names.length === 0) return this.negative(names.length ? 'NOERROR' : 'NXDOMAIN');
    return this.reply('NOERROR', names.map((data) => ({ type: 'PTR', name: q.name, ttl: this.opts.ttl, data })));
  }

  private nsAnswer(name: string): ZoneAnswer {
    const ns = `ns.dns.${this.zone}`;
    const ip = this.opts.nameserverIP;
    return {
      rcode: 'NOERROR',
      answers: [{ type: 'NS', name, ttl: this.opts.ttl, data: ns }],
      authorities: [],
      additionals: ip ? [{ type: isIPv4(ip) ? 'A' : 'AAAA', name: ns, ttl: this.opts.ttl, data: ip }] : [],
    };
  }

  /** The zone's SOA, shaped like CoreDNS's (refresh 7200, retry 1800, expire 86400, minimum = TTL). */
  soa(owner = this.zone): Answer {
    const ttl = this.opts.ttl;
    return {
      type: 'SOA',
      name: owner.replace(/\.$/, ''),
      ttl: Math.min(ttl, 300),
      data: {
        mname: `ns.dns.${this.zone}`,
        rname: `hostmaster.${this.zone}`,
        serial: this.index.serial,
        refresh: 7200,
        retry: 1800,
        expire: 86400,
        minimum: ttl,
      },
    };
  }

  private negative(rcode: Rcode): ZoneAnswer {
    return { rcode, answers: [], authorities: [this.soa()], additionals: [] };
  }

  private reply(rcode: Rcode, answers: Answer[]): ZoneAnswer {
    return { rcode, answers, authorities: [], additionals: [] };
  }
}
