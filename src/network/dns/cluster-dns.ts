import { readFileSync } from 'node:fs';
import { systemClock, type Clock } from '../../util/clock.js';
import type { Logger } from '../../util/log.js';
import { ClusterIndex, type ClusterSources } from './cluster-index.js';
import type { PodsMode } from './cluster-lookup.js';
import { DnsHandler } from './dns-handler.js';
import { startMetricsServer } from './dns-metrics.js';
import { DnsServer } from './dns-server.js';
import type http from 'node:http';
import { KubernetesZone } from './kubernetes-zone.js';
import { parseResolvConf } from './resolv-conf.js';
import { Forwarder, type UpstreamServer } from './upstream.js';

export interface ClusterDnsOptions {
  sources: ClusterSources;
  /** Where to listen; port 0 picks a free one (tests). */
  host: string;
  port: number;
  /** Default `cluster.local`. */
  clusterDomain?: string;
  /** Default 5 seconds, CoreDNS's kubernetes plugin default. */
  ttl?: number;
  pods?: PodsMode;
  /** The kube-dns Service IP (named in the zone's NS answer). */
  nameserverIP?: string;
  /** Where other names go; default: the nameservers of `resolvConfPath`. */
  upstreams?: UpstreamServer[];
  /** Default `/etc/resolv.conf`. */
  resolvConfPath?: string;
  /** Per-upstream timeout before the next one is tried (default 2 s). */
  upstreamTimeoutMs?: number;
  /** Port of `/metrics` on the same host (CoreDNS's 9153); 0 picks one; undefined: none. */
  metricsPort?: number;
  clock?: Clock;
  log?: Logger;
}

/** The host's resolvers, minus the address DNS itself listens on (no forwarding loops). */
export function upstreamsFromResolvConf(path: string, self?: { host: string; port: number }): UpstreamServer[] {
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  return parseResolvConf(text)
    .nameservers.map((host) => ({ host: host.replace(/%.*$/, ''), port: 53 }))
    .filter((u) => !(self && u.host === self.host && u.port === self.port));
}

/**
 * The cluster DNS server of a node: informers over Services, EndpointSlices, Namespaces and
 * Pods feed a CoreDNS-compatible cluster zone; other names are forwarded to the host's
 * resolvers. Runs inside `k8ts server` (in-process sources) or an agent (REST sources).
 *
 * @example
 * const dns = new ClusterDns({ sources: restSources(client), host: '10.43.0.10', port: 53 });
 * await dns.start();
 */
export class ClusterDns {
  readonly index: ClusterIndex;
  readonly zone: KubernetesZone;
  private forwarder?: Forwarder;
  private server?: DnsServer;
  private handler?: DnsHandler;
  private bound?: { host: string; port: number };
  private metrics?: http.Server;

  constructor(private readonly opts: ClusterDnsOptions) {
    this.index = new ClusterIndex(opts.sources, opts.clock ?? systemClock, opts.log);
    const upstreamLookup = (name: string, type: Parameters<Forwarder['lookup']>[1]) => this.forwarder?.lookup(name, type) ?? Promise.resolve(undefined);
    this.zone = new KubernetesZone(
      this.index,
      { zone: opts.clusterDomain ?? 'cluster.local', ttl: opts.ttl ?? 5, pods: opts.pods ?? 'insecure', nameserverIP: opts.nameserverIP },
      upstreamLookup,
    );
  }

  /** Syncs the caches, then listens; resolves to the bound address. */
  async start(): Promise<{ host: string; port: number }> {
    await this.index.start();
    const upstreams = this.opts.upstreams ?? upstreamsFromResolvConf(this.opts.resolvConfPath ?? '/etc/resolv.conf', { host: this.opts.host, port: this.opts.port });
    this.forwarder = new Forwarder(upstreams, this.opts.upstreamTimeoutMs);
    this.handler = new DnsHandler(this.zone, this.forwarder, () => this.index.generation);
    this.server = new DnsServer((raw, t) => this.handler!.handle(raw, t), this.opts.log);
    try {
      this.bound = await this.server.listen(this.opts.host, this.opts.port);
    } catch (err) {
      this.stop();
      throw err;
    }
    if (this.opts.metricsPort !== undefined) {
      try {
        this.metrics = await startMetricsServer(() => this.handler?.stats, this.opts.host, this.opts.metricsPort);
      } catch (err) {
        this.opts.log?.warn({ err, port: this.opts.metricsPort }, 'cluster DNS metrics could not listen');
      }
    }
    this.opts.log?.info({ address: `${this.bound.host}:${this.bound.port}`, upstreams: upstreams.map((u) => `${u.host}:${u.port}`) }, 'cluster DNS listening');
    return this.bound;
  }

  get address(): { host: string; port: number } | undefined {
    return this.bound;
  }

  get stats() {
    return this.handler?.stats;
  }

  /** The bound `/metrics` port, if serving. */
  get metricsPort(): number | undefined {
    const a = this.metrics?.address();
    return typeof a === 'object' && a ? a.port : undefined;
  }

  stop(): void {
    this.metrics?.close();
    void this.server?.close();
    this.forwarder?.close();
    this.index.stop();
  }
}
